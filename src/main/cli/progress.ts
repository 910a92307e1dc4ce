import type { IndexProgress } from '../../shared/domain';

/** A one-line progress bar on stderr, redrawn at most ten times a second, only on a terminal. */
export function progressBar(stream: NodeJS.WriteStream) {
  let lastDraw = 0;
  let drawn = false;
  const startedAt = Date.now();
  return {
    update(progress: IndexProgress) {
      if (!stream.isTTY) return;
      const time = Date.now();
      if (progress.phase === 'indexing' && progress.done < progress.total && time - lastDraw < 100) return;
      lastDraw = time;
      const width = 30;
      const fraction = progress.total ? progress.done / progress.total : 0;
      const filled = Math.round(fraction * width);
      const rate = progress.done / Math.max(0.001, (time - startedAt) / 1000);
      const label =
        progress.phase === 'listing'
          ? `Listing ${progress.folder} ...`
          : `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${progress.done}/${progress.total} ` +
            `${rate.toFixed(1)} photos/s`;
      stream.write(`\r\x1b[2K${label.slice(0, (stream.columns || 100) - 1)}`);
      drawn = true;
    },
    finish() {
      if (drawn) stream.write('\r\x1b[2K');
    },
  };
}
