import type { QueueCounts } from './queue';

/** Jobs still to do: queued, running, waiting to retry or paused. Finished ones are not. */
export function remainingJobs(counts: QueueCounts): number {
  return waitingJobs(counts) + counts.running;
}

/** Jobs still to do that are not running now: queued, waiting to retry or paused. */
export function waitingJobs(counts: QueueCounts): number {
  return counts.queued + counts.waitingForRetry + counts.paused;
}
