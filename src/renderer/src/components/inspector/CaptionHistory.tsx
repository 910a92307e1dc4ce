import { useId, useState } from 'react';
import type { CaptionVersion } from '../../../../shared/review';
import { formatUsd } from '../../../../shared/money';

interface CaptionHistoryProps {
  versions: readonly CaptionVersion[];
  /** Loads a version's text into the edit form. */
  onUse(version: CaptionVersion): void;
}

const statusWords: Record<CaptionVersion['status'], string> = {
  draft: 'draft',
  approved: 'approved',
  written: 'written to the file',
};

export function versionLabel(version: CaptionVersion): string {
  const who =
    version.source === 'edited'
      ? 'edited by you'
      : [version.provider, version.model].filter(Boolean).join(' / ') || 'generated';
  const cost = version.costUsd === null ? null : formatUsd(version.costUsd);
  return [`Version ${version.version}`, who, new Date(version.createdAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }), statusWords[version.status], cost]
    .filter(Boolean)
    .join(' · ');
}

export function CaptionHistory({ versions, onUse }: CaptionHistoryProps) {
  const ids = useId();
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const selected = versions.find((version) => version.id === selectedId);

  return (
    <section className="inspector-section" aria-labelledby={`${ids}-heading`}>
      <h3 id={`${ids}-heading`}>History</h3>
      {versions.length === 0 ? (
        <p className="inspector-muted">No caption from Captionist yet.</p>
      ) : (
        <ul className="inspector-history" aria-label="Caption versions">
          {versions.map((version) => (
            <li key={version.id}>
              <button
                type="button"
                aria-pressed={version.id === selectedId}
                onClick={() => setSelectedId(version.id === selectedId ? null : version.id)}
              >
                {versionLabel(version)}
              </button>
            </li>
          ))}
        </ul>
      )}
      {selected && (
        <div className="inspector-version" role="region" aria-label={`Version ${selected.version}`}>
          <dl>
            {selected.title && (
              <>
                <dt>Title</dt>
                <dd>{selected.title}</dd>
              </>
            )}
            <dt>Caption</dt>
            <dd>{selected.caption}</dd>
            {selected.altText && (
              <>
                <dt>Alt text</dt>
                <dd>{selected.altText}</dd>
              </>
            )}
            {selected.longDescription && (
              <>
                <dt>Long description</dt>
                <dd>{selected.longDescription}</dd>
              </>
            )}
            {selected.keywords.length > 0 && (
              <>
                <dt>Keywords</dt>
                <dd>{selected.keywords.join(', ')}</dd>
              </>
            )}
            {selected.options.focus && (
              <>
                <dt>Focus</dt>
                <dd>{selected.options.focus}</dd>
              </>
            )}
          </dl>
          <button type="button" onClick={() => onUse(selected)}>
            Use this version
          </button>
        </div>
      )}
    </section>
  );
}
