import { describe, expect, it } from 'vitest';
import { queueCounts } from '../helpers/queue';
import {
  countEntries,
  isQueueIdle,
  queueProgress,
  settleRuns,
  trackRun,
} from '../../src/renderer/src/components/queue/queue-format';
import type { CaptionProgress } from '../../src/shared/captioning';
import type { QueueCounts, QueueStatus } from '../../src/shared/queue';


const status = (changes: Partial<QueueCounts>): QueueStatus => ({
  counts: queueCounts(changes),
  perMinute: 0,
  etaSeconds: null,
  costUsd: null,
  globallyPaused: false,
  pausedScopes: [],
  lanes: [],
});

const run = (runId: number, done: number, failed: number, total: number): CaptionProgress => ({
  runId,
  provider: 'inf',
  done,
  failed,
  total,
  costUsd: null,
  providerState: 'running',
  providerMessage: null,
});

describe('queue formatting', () => {
  it('lists the counts that are not zero, in reading order', () => {
    expect(countEntries(queueCounts({ failed: 2, queued: 5 }))).toEqual([
      { label: 'Queued', value: 5 },
      { label: 'Failed', value: 2 },
    ]);
  });
});

describe('queue progress', () => {
  it('is idle when nothing waits or runs, paused jobs included', () => {
    expect(isQueueIdle(status({ done: 10, failed: 1 }))).toBe(true);
    expect(isQueueIdle(status({ paused: 1 }))).toBe(false);
  });

  it('adds up the active runs', () => {
    expect(queueProgress(status({ queued: 99 }), [run(1, 3, 1, 10), run(2, 0, 0, 5)])).toEqual({ finished: 4, total: 15 });
  });

  it('falls back to the counts without run progress, and shows nothing when idle', () => {
    expect(queueProgress(status({ queued: 3, running: 1, done: 5, failed: 1 }), [])).toEqual({ finished: 6, total: 10 });
    expect(queueProgress(status({ done: 5 }), [])).toBeNull();
  });

  it('keeps the newest progress of each run, ignoring an older update that arrives late', () => {
    let runs = trackRun([], run(1, 1, 0, 3));
    runs = trackRun(runs, run(2, 0, 0, 2));
    runs = trackRun(runs, run(1, 2, 0, 3));
    expect(runs).toEqual([run(2, 0, 0, 2), run(1, 2, 0, 3)]);
    expect(trackRun(runs, run(1, 0, 0, 3))).toEqual(runs);
  });

  it('shows a finished run as done until a fresher queue status arrives', () => {
    // The status was sent while the run's photos were still running; the run's own event is newer.
    const stale = status({ running: 3, done: 1 });
    const runs = trackRun(trackRun([], run(1, 0, 0, 3)), run(1, 3, 0, 3));
    expect(queueProgress(stale, runs)).toEqual({ finished: 3, total: 3 });
    const settled = settleRuns(runs);
    expect(settled).toEqual([]);
    expect(queueProgress(status({ done: 4 }), settled)).toBeNull();
    expect(settleRuns([run(1, 3, 0, 3), run(2, 1, 0, 2)])).toEqual([run(2, 1, 0, 2)]);
  });
});
