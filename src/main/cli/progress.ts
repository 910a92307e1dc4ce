import type { CaptionProgress } from '../../shared/captioning';
import { formatTimeLeft } from '../../shared/duration';
import { formatUsd } from '../../shared/money';
import type { LaneState } from '../../shared/queue';

export interface BarState {
  done: number;
  total: number;
  /** Shown instead of the bar (while listing files, say). */
  message?: string;
  /** Shown after the rate: failures, cost so far. */
  note?: string;
}

/** A one-line progress bar on stderr, redrawn at most ten times a second, only on a terminal. */
export type ProgressBar = ReturnType<typeof progressBar>;

export function progressBar(stream: NodeJS.WriteStream, unit = 'photos') {
  let lastDraw = 0;
  let drawn = false;
  const startedAt = Date.now();
  return {
    update(state: BarState) {
      if (!stream.isTTY) return;
      const time = Date.now();
      if (!state.message && state.done < state.total && time - lastDraw < 100) return;
      lastDraw = time;
      const width = 30;
      const fraction = state.total ? state.done / state.total : 0;
      const filled = Math.round(fraction * width);
      const rate = state.done / Math.max(0.001, (time - startedAt) / 1000);
      const eta = rate > 0 && state.done < state.total ? `, ${formatTimeLeft((state.total - state.done) / rate)} left` : '';
      const label =
        state.message ??
        `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${state.done}/${state.total} ` +
          `${rate.toFixed(1)} ${unit}/s${eta}${state.note ? ` ${state.note}` : ''}`;
      stream.write(`\r\x1b[2K${label.slice(0, (stream.columns || 100) - 1)}`);
      drawn = true;
    },
    /** Prints a line of its own above the bar (a notice), on a terminal or not. */
    log(line: string) {
      if (drawn) stream.write('\r\x1b[2K');
      drawn = false;
      lastDraw = 0;
      stream.write(`${line}\n`);
    },
    finish() {
      if (drawn) stream.write('\r\x1b[2K');
    },
  };
}

/** A cost as the CLI shows it: the shared money rule, saying plainly when it is not known. */
export function usd(value: number | null): string {
  return formatUsd(value, 'unknown (no price set)');
}

/** What a provider's lane is doing, as a notice line; null while it simply works. */
export function describeLane(provider: string, state: LaneState, message: string | null): string | null {
  switch (state) {
    case 'offline':
      return `${provider} is unreachable (${message ?? 'no answer'}); waiting for it, photos stay queued.`;
    case 'rate-limited':
      return `${provider} asked to slow down (${message ?? 'rate limit'}); waiting, then going on more gently.`;
    case 'out-of-budget':
    case 'stopped':
      return message ?? `${provider} stopped.`;
    case 'paused':
      return 'The queue is paused ("captionist queue resume" goes on).';
    case 'running':
    case 'idle':
      return null;
  }
}

/** Calls `print` with a notice each time a lane's state changes (and once when it recovers). */
export function laneNotices(print: (line: string) => void) {
  const last = new Map<string, LaneState>();
  return (provider: string, state: LaneState, message: string | null) => {
    const previous = last.get(provider);
    if (previous === state || (state === 'idle' && previous === 'running') || (state === 'running' && previous === 'idle')) return;
    last.set(provider, state);
    const notice = describeLane(provider, state, message);
    if (notice) print(notice);
    else if (previous && previous !== 'running' && previous !== 'idle') print(`${provider} is working again.`);
  };
}

/** Shows a caption run's progress on the bar, with a notice line whenever its provider's state changes. */
export function captionRunReporter(bar: ReturnType<typeof progressBar>, print: ((line: string) => void) | null) {
  const notice = print ? laneNotices(print) : null;
  return (progress: CaptionProgress) => {
    notice?.(progress.provider, progress.providerState, progress.providerMessage);
    bar.update({
      done: progress.done + progress.failed,
      total: progress.total,
      note: [progress.failed ? `${progress.failed} failed` : '', progress.costUsd !== null ? formatUsd(progress.costUsd) : '']
        .filter(Boolean)
        .join(', '),
    });
  };
}
