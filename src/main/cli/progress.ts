export interface BarState {
  done: number;
  total: number;
  /** Shown instead of the bar (while listing files, say). */
  message?: string;
  /** Shown after the rate: failures, cost so far. */
  note?: string;
}

/** A one-line progress bar on stderr, redrawn at most ten times a second, only on a terminal. */
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
      const eta = rate > 0 && state.done < state.total ? `, ${formatDuration((state.total - state.done) / rate)} left` : '';
      const label =
        state.message ??
        `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${state.done}/${state.total} ` +
          `${rate.toFixed(1)} ${unit}/s${eta}${state.note ? ` ${state.note}` : ''}`;
      stream.write(`\r\x1b[2K${label.slice(0, (stream.columns || 100) - 1)}`);
      drawn = true;
    },
    finish() {
      if (drawn) stream.write('\r\x1b[2K');
    },
  };
}

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  if (seconds < 3600) return `${Math.ceil(seconds / 60)} min`;
  return `${Math.floor(seconds / 3600)} h ${Math.ceil((seconds % 3600) / 60)} min`;
}
