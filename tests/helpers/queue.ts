import type { QueueCounts } from '../../src/shared/queue';

/** A queue's counts: all zero but the ones given. */
export const queueCounts = (changes: Partial<QueueCounts> = {}): QueueCounts => ({
  queued: 0,
  running: 0,
  waitingForRetry: 0,
  paused: 0,
  done: 0,
  failed: 0,
  cancelled: 0,
  ...changes,
});
