import { firstRunSteps } from './first-run-flow';

/** The list of steps at the top, with the current one marked and the finished ones ticked. */
export function FirstRunStepList({ step }: { step: number }) {
  return (
    <ol className="first-run-steps" aria-label="Setup steps">
      {firstRunSteps.map((title, index) => (
        <li
          key={title}
          aria-current={index === step ? 'step' : undefined}
          className={index < step ? 'step-done' : index === step ? 'step-current' : undefined}
        >
          <span className="step-number" aria-hidden="true">
            {index < step ? '✓' : index + 1}
          </span>
          {title}
          {index < step && <span className="visually-hidden"> (done)</span>}
        </li>
      ))}
    </ol>
  );
}

interface ReadyStepProps {
  savedProvider: string | null;
  folderName: string | null;
  captioningGoesOn: boolean;
  busy: boolean;
  onFinish(): void;
}

export function ReadyStep({ savedProvider, folderName, captioningGoesOn, busy, onFinish }: ReadyStepProps) {
  return (
    <>
      <p>Captionist is ready.</p>
      <ul>
        {savedProvider && <li>Captions come from {savedProvider}; change providers in Settings.</li>}
        {folderName && <li>{folderName} is in your library; add more folders from the sidebar.</li>}
        {captioningGoesOn && <li>Captioning goes on in the background; the Queue shows how far it is.</li>}
      </ul>
      <div className="settings-actions">
        <button type="button" className="primary" onClick={onFinish} disabled={busy}>
          Start using Captionist
        </button>
      </div>
    </>
  );
}
