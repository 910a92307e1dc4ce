import { useState } from 'react';
import type { PhotoSummary } from '../../../shared/domain';

interface PhotoGridProps {
  photos: readonly PhotoSummary[];
  selectedId: number | undefined;
  onSelect(photo: PhotoSummary): void;
}

export function PhotoGrid({ photos, selectedId, onSelect }: PhotoGridProps) {
  return (
    <ul className="grid" aria-label="Photos">
      {photos.map((photo) => (
        <li key={photo.id}>
          <PhotoTile photo={photo} selected={photo.id === selectedId} onSelect={onSelect} />
        </li>
      ))}
    </ul>
  );
}

interface PhotoTileProps {
  photo: PhotoSummary;
  selected: boolean;
  onSelect(photo: PhotoSummary): void;
}

function PhotoTile({ photo, selected, onSelect }: PhotoTileProps) {
  // A thumbnail the cache no longer has falls back to the placeholder instead of a broken image.
  const [failed, setFailed] = useState(false);
  const alt = photo.caption ?? photo.fileName;
  return (
    <button
      type="button"
      className="tile"
      aria-pressed={selected}
      title={photo.fileName}
      onClick={() => onSelect(photo)}
    >
      {photo.hasThumbnail && !failed ? (
        <img
          src={window.api.thumbnailUrl(photo.fingerprint)}
          alt={alt}
          loading="lazy"
          decoding="async"
          onError={() => setFailed(true)}
        />
      ) : (
        <span className="placeholder" role="img" aria-label={alt}>
          {photo.fileType.toUpperCase()}
        </span>
      )}
    </button>
  );
}
