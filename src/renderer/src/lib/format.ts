import type { CaptionProgress } from '../../../shared/captioning';
import type { IndexProgress } from '../../../shared/domain';
import { formatTimeLeft } from '../../../shared/duration';
import { laneStateLabel } from '../../../shared/lane-state';
import { formatUsd } from '../../../shared/money';
import type { QueueStatus } from '../../../shared/queue';
import { remainingJobs, waitingJobs } from '../../../shared/queue-counts';
import { baseName } from './folder-tree';

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}

/** "just now", "5 minutes ago", "3 days ago", or the date for anything older than a month. */
export function timeAgo(iso: string, now: Date): string {
  const then = new Date(iso);
  const seconds = Math.round((now.getTime() - then.getTime()) / 1000);
  if (Number.isNaN(seconds)) return iso;
  if (seconds < 60) return 'just now';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${plural(minutes, 'minute')} ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${plural(hours, 'hour')} ago`;
  const days = Math.floor(hours / 24);
  if (days < 31) return `${plural(days, 'day')} ago`;
  return then.toISOString().slice(0, 10);
}

export function indexProgressText(progress: IndexProgress): string {
  const folder = baseName(progress.folder);
  if (progress.phase === 'listing') return `Looking for photos in ${folder}…`;
  if (progress.phase === 'done') return `Indexed ${folder}.`;
  return `Indexing ${folder}: ${progress.done.toLocaleString('en-US')} of ${progress.total.toLocaleString('en-US')}`;
}

export function captionProgressText(progress: CaptionProgress): string {
  const parts = [`Captioning with ${progress.provider}: ${progress.done.toLocaleString('en-US')} of ${progress.total.toLocaleString('en-US')} done`];
  if (progress.failed > 0) parts.push(`${progress.failed.toLocaleString('en-US')} failed`);
  if (progress.costUsd !== null) parts.push(formatUsd(progress.costUsd));
  let text = parts.join(', ');
  if (progress.providerState !== 'running' && progress.providerState !== 'idle') {
    text += ` (${progress.providerMessage ?? laneStateLabel(progress.providerState).toLowerCase()})`;
  }
  return text;
}

/** A short line about the queue, or null when it has nothing to do. */
export function queueText(status: QueueStatus): string | null {
  const { counts } = status;
  if (remainingJobs(counts) === 0) return counts.failed > 0 ? `Queue: ${counts.failed.toLocaleString('en-US')} failed` : null;
  const parts = [`Queue: ${counts.running.toLocaleString('en-US')} running, ${waitingJobs(counts).toLocaleString('en-US')} waiting`];
  if (status.globallyPaused) parts.push('paused');
  const timeLeft = formatTimeLeft(status.etaSeconds);
  if (timeLeft !== null && !status.globallyPaused) parts.push(`${timeLeft} left`);
  return parts.join(', ');
}

/** Asked before writing a selection that holds captions nobody approved. */
export function draftsQuestion(drafts: number): string {
  const have = drafts === 1 ? 'has a draft caption' : 'have draft captions';
  return `${drafts.toLocaleString('en-US')} of the selected photos ${have} nobody approved. Write them too, or only the approved ones?`;
}

/** The status line after a write-back was queued: how many went, and why the rest did not. */
export function writeQueuedText(queued: number, selected: number, approvedOnly: boolean): string {
  const rest = selected - queued;
  const why = approvedOnly ? 'no approved caption or nothing new to write' : 'no caption or nothing new to write';
  const restText = rest > 0 ? `; ${plural(rest, 'other')} had ${why}` : '';
  return `Queued ${plural(queued, 'photo')} for writing metadata${restText}.`;
}

/** After approving a selection: photos already approved or written, or without a caption, are skipped. */
export function approvedText(approved: number, selected: number): string {
  const skipped = selected - approved;
  if (skipped <= 0) return `Approved ${plural(approved, 'caption')}.`;
  const why = skipped === 1 ? 'was not a draft or had no caption' : 'were not drafts or had no caption';
  return `Approved ${plural(approved, 'caption')}; ${plural(skipped, 'photo')} ${why}.`;
}
