import type { QueueCounts, QueueStatus } from '../../../../shared/queue';
import { remainingJobs } from '../../../../shared/queue-counts';
import type { CaptionProgress } from '../../../../shared/captioning';

export function isQueueIdle(status: QueueStatus): boolean {
  return remainingJobs(status.counts) === 0;
}

export interface Progress {
  finished: number;
  total: number;
}

/**
 * How far the runs are: from their own progress events when we saw them (fresher: the queue's
 * status is sent at most twice a second), else from the queue's counts (which also hold finished
 * jobs of earlier runs, so only a rough figure).
 */
export function queueProgress(status: QueueStatus, activeRuns: readonly CaptionProgress[]): Progress | null {
  if (activeRuns.length > 0) {
    return activeRuns.reduce<Progress>(
      (sum, run) => ({ finished: sum.finished + run.done + run.failed, total: sum.total + run.total }),
      { finished: 0, total: 0 },
    );
  }
  const remaining = remainingJobs(status.counts);
  if (remaining === 0) return null;
  const finished = status.counts.done + status.counts.failed;
  return { finished, total: finished + remaining };
}

const finishedCount = (run: CaptionProgress) => run.done + run.failed;

/**
 * Keeps the newest progress of each run. A finished run stays until the queue's next status
 * (see settleRuns): the status sent before it finished would otherwise show it still running.
 * An update older than the one held (fewer photos finished) is ignored.
 */
export function trackRun(runs: readonly CaptionProgress[], update: CaptionProgress): CaptionProgress[] {
  const held = runs.find((run) => run.runId === update.runId);
  if (held && finishedCount(held) > finishedCount(update)) return [...runs];
  return [...runs.filter((run) => run.runId !== update.runId), update];
}

/** A new queue status knows how finished runs ended: they leave the list. */
export function settleRuns(runs: readonly CaptionProgress[]): CaptionProgress[] {
  return runs.filter((run) => finishedCount(run) < run.total);
}

/** The counts worth listing, in the order a user reads them, zero ones left out. */
export function countEntries(counts: QueueCounts): { label: string; value: number }[] {
  const entries = [
    { label: 'Queued', value: counts.queued },
    { label: 'Running', value: counts.running },
    { label: 'Waiting to retry', value: counts.waitingForRetry },
    { label: 'Paused', value: counts.paused },
    { label: 'Done', value: counts.done },
    { label: 'Failed', value: counts.failed },
    { label: 'Cancelled', value: counts.cancelled },
  ];
  return entries.filter((entry) => entry.value > 0);
}
