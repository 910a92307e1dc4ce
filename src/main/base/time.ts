/**
 * Runs `fn` at most once per `ms`, always once more after the last call, so the final state is
 * never lost.
 */
export function throttle(fn: () => void, ms: number): { (): void; cancel(): void } {
  let last = 0;
  let timer: NodeJS.Timeout | null = null;
  const throttled = () => {
    const wait = last + ms - Date.now();
    if (wait <= 0) {
      last = Date.now();
      fn();
    } else if (!timer) {
      timer = setTimeout(() => {
        timer = null;
        last = Date.now();
        fn();
      }, wait);
      timer.unref();
    }
  };
  throttled.cancel = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  return throttled;
}

/**
 * Lets a progress event through at most every 100 ms, and always when it marks a change of phase
 * or the end: the UI needs a steady pulse, not one message per file of a 100,000-photo run.
 */
export function pulse(now: () => Date): (always: boolean) => boolean {
  let last = 0;
  return (always) => {
    const time = now().getTime();
    if (!always && time - last < 100) return false;
    last = time;
    return true;
  };
}
