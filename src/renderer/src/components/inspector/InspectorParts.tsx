import { useState, type RefObject } from 'react';
import type { PhotoDetail } from '../../../../shared/review';
import { photoFacts } from './photo-facts';

interface InspectorHeaderProps {
  fileName: string | null;
  onClose(): void;
  headingRef: RefObject<HTMLHeadingElement | null>;
}

export function InspectorHeader({ fileName, onClose, headingRef }: InspectorHeaderProps) {
  return (
    <header className="inspector-header">
      <h2 className="inspector-title" title={fileName ?? undefined} ref={headingRef} tabIndex={-1}>
        {fileName ?? 'Photo'}
      </h2>
      <button type="button" className="inspector-close" onClick={onClose} aria-label="Close inspector">
        <span aria-hidden="true">×</span>
      </button>
    </header>
  );
}

/** The preview, falling back to the thumbnail and then to a note when an image cannot be shown. */
export function PhotoPreview({ photo }: { photo: PhotoDetail }) {
  const [brokenPreview, setBrokenPreview] = useState<{ fingerprint: string; thumbnailToo: boolean } | null>(null);
  const previewBroken = brokenPreview?.fingerprint === photo.fingerprint ? brokenPreview : null;
  const previewSrc = previewBroken
    ? previewBroken.thumbnailToo
      ? null
      : window.api.thumbnailUrl(photo.fingerprint)
    : window.api.previewUrl(photo.fingerprint);
  return (
    <figure className="inspector-preview">
      {previewSrc ? (
        <img
          src={previewSrc}
          alt={photo.caption ?? photo.fileName}
          onError={() => setBrokenPreview({ fingerprint: photo.fingerprint, thumbnailToo: previewBroken !== null })}
        />
      ) : (
        <p className="inspector-muted">No preview for this file.</p>
      )}
    </figure>
  );
}

export function PhotoFactsList({ photo }: { photo: PhotoDetail }) {
  return (
    <dl className="inspector-facts">
      {photoFacts(photo).map((fact) => (
        <div key={fact.label}>
          <dt>{fact.label}</dt>
          <dd title={fact.label === 'File' ? photo.path : undefined}>{fact.value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function EmbeddedText({ embedded }: { embedded: PhotoDetail['embedded'] }) {
  const entries = [
    { label: 'Title', value: embedded.title },
    { label: 'Caption', value: embedded.caption },
    { label: 'Alt text', value: embedded.altText },
    { label: 'Keywords', value: embedded.keywords.length > 0 ? embedded.keywords.join(', ') : null },
  ].filter((entry): entry is { label: string; value: string } => Boolean(entry.value));
  if (entries.length === 0) return <p className="inspector-muted">The file holds no caption, title or keywords of its own.</p>;
  return (
    <dl className="inspector-embedded">
      {entries.map((entry) => (
        <div key={entry.label}>
          <dt>{entry.label}</dt>
          <dd>{entry.value}</dd>
        </div>
      ))}
    </dl>
  );
}
