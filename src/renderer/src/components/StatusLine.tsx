import type { IndexProgress, PhotoSummary } from '../../../shared/domain';

interface StatusLineProps {
  progress: IndexProgress | undefined;
  /** Results shown and found, once the first search has answered. */
  counts: { shown: number; total: number } | undefined;
  selected: PhotoSummary | undefined;
  error: string | undefined;
}

export function StatusLine({ progress, counts, selected, error }: StatusLineProps) {
  const indexing = progress && progress.phase !== 'done' ? progress : undefined;
  return (
    <footer className="status-line">
      {/* Announced politely, and only when the phase or folder changes, not at every file. */}
      <span role="status" className="status-text">
        {indexing ? indexingText(indexing) : countsText(counts)}
      </span>
      {indexing?.phase === 'indexing' && (
        <progress
          className="index-progress"
          aria-label="Indexing progress"
          value={indexing.done}
          max={Math.max(indexing.total, 1)}
        >
          {indexing.done} of {indexing.total}
        </progress>
      )}
      {selected && (
        <span className="selected-path" title={selected.path}>
          {selected.path}
        </span>
      )}
      {error && (
        <span role="alert" className="error">
          {error}
        </span>
      )}
    </footer>
  );
}

function indexingText(progress: IndexProgress): string {
  const folder = progress.folder.split(/[\\/]/).filter(Boolean).pop() ?? progress.folder;
  return progress.phase === 'listing' ? `Looking for photos in ${folder}…` : `Indexing ${folder}…`;
}

function countsText(counts: StatusLineProps['counts']): string {
  if (!counts) return '';
  const photos = `${counts.total.toLocaleString()} ${counts.total === 1 ? 'photo' : 'photos'}`;
  return counts.shown < counts.total ? `${photos}, first ${counts.shown.toLocaleString()} shown` : photos;
}
