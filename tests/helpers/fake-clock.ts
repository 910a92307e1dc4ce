import type { Clock } from '../../src/main/queue/lane';

/** A clock that moves only when the test says: its timers fire as `advance` passes their time. */
export function fakeClock(start = Date.parse('2026-12-04T10:00:00Z')) {
  let time = start;
  let pending: { at: number; run: () => void }[] = [];
  const clock: Clock & { advance(ms: number): void; pending(): number } = {
    now: () => new Date(time),
    timers: (delayMs, run) => {
      const timer = { at: time + delayMs, run };
      pending.push(timer);
      return () => {
        pending = pending.filter((other) => other !== timer);
      };
    },
    /** Moves time on by `ms`, firing each timer that falls due on the way, in order. */
    advance(ms) {
      const end = time + ms;
      for (;;) {
        const next = pending.filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!next) break;
        pending = pending.filter((timer) => timer !== next);
        time = Math.max(time, next.at);
        next.run();
      }
      time = end;
    },
    pending: () => pending.length,
  };
  return clock;
}
