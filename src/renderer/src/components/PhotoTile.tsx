import { memo, useEffect, useState } from 'react';
import type { SearchHit } from '../../../shared/domain';
import type { RankedHit } from '../../../shared/embeddings';
import { matchedByMeaningOnly } from '../../../shared/search-match';
import { markFirstScreenShown } from '../lib/first-screen';
import { photoBadge } from '../lib/photo-badge';
import { gridAtRest, thumbnailSettleMs } from '../lib/scroll-settle';
import { Snippet } from './Snippet';

interface PhotoTileProps {
  /** Undefined while its page of results is still on its way. */
  photo: RankedHit | undefined;
  index: number;
  column: number;
  selected: boolean;
  /** The one cell of the grid in the tab order (roving tabindex). */
  tabbable: boolean;
  showSnippet: boolean;
}

/** One cell of the photo grid: the thumbnail, a status badge, and the matched text when searching. */
export const PhotoTile = memo(function PhotoTile({ photo, index, column, selected, tabbable, showSnippet }: PhotoTileProps) {
  if (!photo) {
    return (
      <div
        role="gridcell"
        className="tile loading"
        aria-colindex={column + 1}
        aria-selected={false}
        aria-label="Loading…"
        aria-busy="true"
        tabIndex={tabbable ? 0 : -1}
        data-index={index}
      />
    );
  }
  const label = photo.caption ?? photo.fileName;
  const badge = photoBadge(photo);
  const badgeId = `photo-${photo.id}-badge`;
  const snippetId = `photo-${photo.id}-snippet`;
  const meaningId = `photo-${photo.id}-meaning`;
  const snippet = showSnippet ? photo.snippet : null;
  const byMeaning = matchedByMeaningOnly(photo);
  const describedBy = [badge ? badgeId : null, byMeaning ? meaningId : null, snippet ? snippetId : null].filter(Boolean).join(' ');
  return (
    <div
      role="gridcell"
      className={`tile${selected ? ' selected' : ''}${photo.status === 'missing' ? ' is-missing' : ''}`}
      aria-colindex={column + 1}
      aria-selected={selected}
      aria-label={label}
      aria-describedby={describedBy || undefined}
      tabIndex={tabbable ? 0 : -1}
      data-index={index}
      data-photo-id={photo.id}
      title={photo.fileName}
    >
      <div className="thumb">
        <Thumbnail key={photo.fingerprint} photo={photo} label={label} />
        {badge && (
          <span id={badgeId} className={`badge badge-${badge.kind}`}>
            {badge.text}
          </span>
        )}
        {byMeaning && (
          <span id={meaningId} className="meaning-mark" title="None of the searched words is in this photo's text; its meaning is close">
            By meaning
          </span>
        )}
        <span className="check" aria-hidden="true" />
      </div>
      {snippet && <Snippet id={snippetId} parts={snippet} className="tile-snippet" />}
    </div>
  );
});

function Thumbnail({ photo, label }: { photo: SearchHit; label: string }) {
  // A thumbnail the cache no longer has falls back to the placeholder instead of a broken image.
  const [failed, setFailed] = useState(false);
  const [settled, setSettled] = useState(gridAtRest);
  useEffect(() => {
    if (settled) return;
    const timer = setTimeout(() => setSettled(true), thumbnailSettleMs);
    return () => clearTimeout(timer);
  }, [settled]);
  if (photo.hasThumbnail && !failed) {
    return (
      <img
        src={settled ? window.api.thumbnailUrl(photo.fingerprint) : undefined}
        alt={label}
        decoding="async"
        draggable={false}
        onLoad={markFirstScreenShown}
        onError={() => {
          setFailed(true);
          markFirstScreenShown();
        }}
      />
    );
  }
  return (
    <span className="placeholder" role="img" aria-label={label}>
      {photo.fileType.toUpperCase()}
    </span>
  );
}
