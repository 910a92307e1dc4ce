import { useId, useRef, useState } from 'react';
import { errorText } from '../../errors';
import { CaptionStep } from './CaptionStep';
import { firstRunSteps } from './first-run-flow';
import { FirstRunStepList, ReadyStep } from './FirstRunParts';
import { FolderStep } from './FolderStep';
import { ProviderStep } from './ProviderStep';
import { useCaptionStep } from './use-caption-step';
import { useFirstRunAction } from './use-first-run-action';
import { useFirstRunDialog } from './use-first-run-dialog';
import { useFolderStep } from './use-folder-step';
import { useProviderStep } from './use-provider-step';
import '../settings/settings.css';
import './first-run.css';

export interface FirstRunProps {
  /** Asks for a folder: the native picker in the desktop app, a path field in a browser. */
  onPickFolder(): Promise<string | null>;
  /** The flow ended; `problem` says why the choices made in it could not be saved. */
  onDone(problem?: string): void;
}

type Step = 0 | 1 | 2 | 3;

export function FirstRun({ onPickFolder, onDone }: FirstRunProps) {
  const ids = useId();
  const [step, setStep] = useState<Step>(0);
  const action = useFirstRunAction();
  const { busy, error, run } = action;
  const provider = useProviderStep(action);
  const folderStep = useFolderStep(action, onPickFolder, () => captionStep.forgetRun());
  const { folder } = folderStep;
  const { savedProvider } = provider;
  const captionStep = useCaptionStep(action, step === 2, folder, savedProvider);
  /** Set once the flow has ended, by a button or by the dialog closing. */
  const ended = useRef(false);

  // Finishing or skipping both end the flow for good; a provider saved on the way becomes the default.
  const saveOnboarded = () =>
    window.api.invoke('settings:save', { onboarded: true, ...(savedProvider ? { defaultProvider: savedProvider } : {}) });
  const { dialogRef, headingRef } = useFirstRunDialog(step, () => {
    if (ended.current) return;
    ended.current = true;
    saveOnboarded().then(
      () => onDone(),
      (reason: unknown) => onDone(`Setup was skipped but could not be saved: ${errorText(reason)}`),
    );
  });
  const finish = () =>
    run(async () => {
      await saveOnboarded();
      ended.current = true;
      dialogRef.current?.close();
      onDone();
    });
  const go = (next: Step) => {
    action.setError(null);
    setStep(next);
  };

  return (
    <dialog ref={dialogRef} aria-label="Welcome to Captionist" className="first-run">
      <header className="first-run-header">
        <h2>Welcome to Captionist</h2>
        <FirstRunStepList step={step} />
      </header>

      <section className="first-run-body" aria-labelledby={`${ids}-step`}>
        <h3 id={`${ids}-step`} ref={headingRef} tabIndex={-1}>
          Step {step + 1} of {firstRunSteps.length}: {firstRunSteps[step]}
        </h3>
        {step === 0 && <ProviderStep ids={ids} provider={provider} busy={busy} onContinue={() => go(1)} />}
        {step === 1 && <FolderStep folderStep={folderStep} busy={busy} />}
        {step === 2 && (
          <CaptionStep captionStep={captionStep} folder={folder} savedProvider={savedProvider} busy={busy} error={error} onContinue={() => go(3)} />
        )}
        {step === 3 && (
          <ReadyStep
            savedProvider={savedProvider}
            folderName={folder?.name ?? null}
            captioningGoesOn={captionStep.runId !== null && !captionStep.captionDone}
            busy={busy}
            onFinish={() => void finish()}
          />
        )}
        {error && (
          <p role="alert" className="settings-error">
            {error}
          </p>
        )}
      </section>

      <footer className="first-run-footer">
        {step > 0 && (
          <button type="button" onClick={() => go((step - 1) as Step)} disabled={busy && step !== 2}>
            Back
          </button>
        )}
        {step === 1 && folder && folderStep.indexed && (
          <button type="button" className="primary" onClick={() => go(2)} disabled={busy || !savedProvider}>
            Continue
          </button>
        )}
        <span className="first-run-spacer" />
        {step < 3 && (
          <button type="button" onClick={() => void finish()} disabled={busy}>
            Skip setup
          </button>
        )}
      </footer>
    </dialog>
  );
}
