import type { QueueCounts, QueueStatus } from '../../../../shared/queue';
import type { CaptionProgress } from '../../../../shared/captioning';

/** Money as the user reads it: cents for sums, tenths of a cent for the small cost of one caption. */
export function formatUsd(amount: number | null): string {
  if (amount === null) return 'no price set';
  if (amount === 0) return '$0.00';
  const digits = Math.abs(amount) < 0.01 ? 4 : 2;
  return `$${amount.toFixed(digits)}`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** "about 3 min", "1 h 20 min"; null when the rate is not known yet. */
export function formatEta(seconds: number | null): string | null {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return null;
  if (seconds < 60) return 'less than a minute';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `about ${hours} h` : `about ${hours} h ${rest} min`;
}

/** Jobs still to do, paused ones included. */
export function remainingJobs(counts: QueueCounts): number {
  return counts.queued + counts.running + counts.waitingForRetry + counts.paused;
}

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

const laneStateWords: Record<QueueStatus['lanes'][number]['state'], string> = {
  running: 'Running',
  idle: 'Idle',
  paused: 'Paused',
  offline: 'Offline',
  'rate-limited': 'Rate-limited',
  'out-of-budget': 'Out of budget',
  stopped: 'Stopped',
};

export function laneStateText(state: QueueStatus['lanes'][number]['state']): string {
  return laneStateWords[state];
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
