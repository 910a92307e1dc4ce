import type { Folder } from '../../../../shared/domain';
import { formatUsd } from '../queue/queue-format';
import { estimateText } from './first-run-flow';
import type { CaptionStepState } from './use-caption-step';

interface CaptionStepProps {
  captionStep: CaptionStepState;
  folder: Folder | null;
  savedProvider: string | null;
  busy: boolean;
  error: string | null;
  onContinue(): void;
}

export function CaptionStep({ captionStep, folder, savedProvider, busy, error, onContinue }: CaptionStepProps) {
  const { estimate, runId, captionProgress: progress, captionDone } = captionStep;
  return (
    <>
      <p>
        Caption the photos in {folder?.name} with {savedProvider}. Captions stay in Captionist until you write them
        into the files.
      </p>
      <div aria-live="polite" className="first-run-result">
        {!estimate && !error && runId === null && <p>Estimating…</p>}
        {estimate && runId === null && <p>{estimateText(estimate)}</p>}
        {runId !== null && (
          <>
            <p>
              {progress
                ? `${progress.done.toLocaleString()} of ${progress.total.toLocaleString()} captioned` +
                  (progress.failed > 0 ? `, ${progress.failed.toLocaleString()} failed` : '') +
                  `; cost ${formatUsd(progress.costUsd)}.`
                : 'Queued…'}
            </p>
            {progress && (
              <progress aria-label="Captioning progress" value={progress.done + progress.failed} max={Math.max(progress.total, 1)} />
            )}
            {progress && progress.providerState !== 'running' && progress.providerMessage && (
              <p className="settings-error">{progress.providerMessage}</p>
            )}
            {captionDone && <p>All done.</p>}
          </>
        )}
      </div>
      <div className="settings-actions">
        {runId === null && estimate && estimate.photos > 0 && (
          <button type="button" className="primary" onClick={() => void captionStep.startCaptioning()} disabled={busy}>
            Caption {estimate.photos.toLocaleString()} {estimate.photos === 1 ? 'photo' : 'photos'}
          </button>
        )}
        <button type="button" className={runId !== null || estimate?.photos === 0 ? 'primary' : undefined} onClick={onContinue}>
          {runId === null ? 'Not now' : captionDone ? 'Continue' : 'Continue in the background'}
        </button>
      </div>
    </>
  );
}
