import { useEffect, useId, useState, type FormEvent } from 'react';
import type { CaptionOptionOverrides, CostEstimate, DetailLevel, ProviderSummary } from '../../../shared/captioning';
import { errorText } from '../errors';
import { formatUsd } from '../../../shared/money';
import { plural } from '../lib/format';
import { Modal } from './Modal';

interface CaptionDialogProps {
  photoIds: readonly number[];
  providers: readonly ProviderSummary[];
  defaultProvider: string | null;
  onQueued(message: string): void;
  onOpenSettings(): void;
  onClose(): void;
}

/** Queues captions for the selected photos, with the estimated cost shown first when a price is set. */
export function CaptionDialog({ photoIds, providers, defaultProvider, onQueued, onOpenSettings, onClose }: CaptionDialogProps) {
  const ids = { provider: useId(), detail: useId(), focus: useId() };
  const initial = providers.find((provider) => provider.name === defaultProvider)?.name ?? providers[0]?.name ?? '';
  const [provider, setProvider] = useState(initial);
  const [detail, setDetail] = useState<'' | DetailLevel>('');
  const [focus, setFocus] = useState('');
  const [estimate, setEstimate] = useState<CostEstimate | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const recaption = useCaptionedCount(photoIds);
  const options: CaptionOptionOverrides = {};
  if (detail) options.detail = detail;
  if (focus.trim()) options.focus = focus.trim();
  const request = { provider, photoIds: [...photoIds], options, force: (recaption ?? 0) > 0 };
  const requestKey = JSON.stringify(request);

  useEffect(() => {
    if (!provider || recaption === null) return;
    let current = true;
    setEstimate(null);
    window.api.invoke('captions:estimate', JSON.parse(requestKey) as typeof request).then(
      (answer) => current && setEstimate(answer),
      // No estimate is no reason to stop: the run can still be queued.
      () => current && setEstimate(null),
    );
    return () => {
      current = false;
    };
  }, [requestKey, provider, recaption]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      const queued = await window.api.invoke('captions:queue', request);
      onQueued(`Queued ${plural(queued.total, 'photo')} for captioning with ${queued.provider}.`);
    } catch (reason) {
      setError(errorText(reason));
      setBusy(false);
    }
  };

  if (providers.length === 0) {
    return (
      <Modal title="Caption photos" description="No caption provider is set up yet. Add one in Settings, then caption these photos." onClose={onClose}>
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="primary" onClick={onOpenSettings} autoFocus>
            Open Settings
          </button>
        </div>
      </Modal>
    );
  }

  return (
    <Modal title={`Caption ${plural(photoIds.length, 'photo')}`} onClose={onClose}>
      <form className="dialog-form" onSubmit={(event) => void submit(event)}>
        <label htmlFor={ids.provider}>Provider</label>
        <select id={ids.provider} value={provider} onChange={(event) => setProvider(event.target.value)} autoFocus>
          {providers.map((summary) => (
            <option key={summary.name} value={summary.name}>
              {summary.name}
              {summary.model ? ` (${summary.model})` : ''}
            </option>
          ))}
        </select>
        <div className="field-pair">
          <div>
            <label htmlFor={ids.detail}>Detail (optional)</label>
            <select id={ids.detail} value={detail} onChange={(event) => setDetail(event.target.value as '' | DetailLevel)}>
              <option value="">Folder or library default</option>
              <option value="low">Low</option>
              <option value="medium">Medium</option>
              <option value="high">High</option>
            </select>
          </div>
          <div>
            <label htmlFor={ids.focus}>Focus (optional)</label>
            <input id={ids.focus} type="text" maxLength={200} value={focus} placeholder="e.g. the product" onChange={(event) => setFocus(event.target.value)} />
          </div>
        </div>
        <div className="estimate" aria-live="polite">
          {recaption !== null && recaption > 0 && <p>{plural(recaption, 'photo')} already captioned will get a new version.</p>}
          {estimate && estimate.costUsd !== null && (
            <p>
              Estimated cost: <strong>{formatUsd(estimate.costUsd)}</strong> for {plural(estimate.photos, 'photo')}.
            </p>
          )}
          {estimate && estimate.costUsd === null && <p>No price is set for {provider}, so there is no cost estimate.</p>}
        </div>
        <p className="field-error" role="alert">
          {error}
        </p>
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy || !provider || recaption === null}>
            Queue captions
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** How many of these photos already have a caption (they get a new version); null until known. */
function useCaptionedCount(photoIds: readonly number[]): number | null {
  const [captioned, setCaptioned] = useState<number | null>(null);
  useEffect(() => {
    let current = true;
    window.api.invoke('photos:selectionSummary', { photoIds: [...photoIds] }).then(
      (summary) => current && setCaptioned(summary.draft + summary.approved + summary.written),
      // Without the count the run still goes; only the note about new versions is missing.
      () => current && setCaptioned(0),
    );
    return () => {
      current = false;
    };
  }, [photoIds]);
  return captioned;
}
