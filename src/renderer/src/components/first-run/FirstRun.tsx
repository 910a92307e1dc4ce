import { useEffect, useId, useRef, useState } from 'react';
import type { CaptionProgress, CostEstimate, ProviderTestResult } from '../../../../shared/captioning';
import type { Folder, IndexProgress } from '../../../../shared/domain';
import { errorText } from '../../errors';
import { formatUsd } from '../queue/queue-format';
import { TestResultView } from '../settings/TestResultView';
import {
  defaultBaseUrl,
  estimateText,
  firstRunSteps,
  indexSummary,
  providerChoices,
  settingsForChoice,
  type ProviderChoice,
} from './first-run-flow';
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
  const dialogRef = useRef<HTMLDialogElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [step, setStep] = useState<Step>(0);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // Step 1
  const [choice, setChoice] = useState<ProviderChoice>(providerChoices[0]!);
  const [apiKey, setApiKey] = useState('');
  const [baseUrl, setBaseUrl] = useState('');
  const [model, setModel] = useState('');
  const [keyNote, setKeyNote] = useState<string | null>(null);
  const [savedProvider, setSavedProvider] = useState<string | null>(null);
  const [test, setTest] = useState<ProviderTestResult | null>(null);

  // Step 2
  const [folder, setFolder] = useState<Folder | null>(null);
  const [indexProgress, setIndexProgress] = useState<IndexProgress | null>(null);
  const [indexed, setIndexed] = useState<string | null>(null);

  // Step 3
  const [estimate, setEstimate] = useState<CostEstimate | null>(null);
  const [runId, setRunId] = useState<number | null>(null);
  const [captionProgress, setCaptionProgress] = useState<CaptionProgress | null>(null);
  const earlyProgress = useRef(new Map<number, CaptionProgress>());
  const runIdRef = useRef<number | null>(null);
  /** Set once the flow has ended, by a button or by the dialog closing. */
  const ended = useRef(false);
  const endedByCloseRef = useRef(() => {});

  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal();
    // Escape would close the dialog without a word: "Skip setup" is the way out.
    const keepOpen = (event: Event) => event.preventDefault();
    // Chromium still closes it on a second Escape: that counts as Skip setup, so the app is never
    // left behind a flow that is gone.
    const skipOnClose = () => endedByCloseRef.current();
    dialog?.addEventListener('cancel', keepOpen);
    dialog?.addEventListener('close', skipOnClose);
    return () => {
      dialog?.removeEventListener('cancel', keepOpen);
      dialog?.removeEventListener('close', skipOnClose);
    };
  }, []);

  // Each later step starts with its heading focused, so a screen reader announces where the user is;
  // the first one leaves focus where the dialog put it (the first choice).
  const shownStep = useRef(step);
  useEffect(() => {
    if (shownStep.current === step) return;
    shownStep.current = step;
    headingRef.current?.focus();
  }, [step]);

  useEffect(() => window.api.on('index:progress', setIndexProgress), []);
  useEffect(
    () =>
      window.api.on('captions:progress', (progress) => {
        earlyProgress.current.set(progress.runId, progress);
        setCaptionProgress((current) => (runIdRef.current === progress.runId ? progress : current));
      }),
    [],
  );
  useEffect(() => {
    runIdRef.current = runId;
  }, [runId]);

  // Step 3 opens with the estimate for the chosen folder and provider.
  useEffect(() => {
    if (step !== 2 || !folder || !savedProvider || runId !== null) return;
    let current = true;
    setEstimate(null);
    window.api.invoke('captions:estimate', { provider: savedProvider, paths: [folder.path] }).then(
      (found) => {
        if (current) setEstimate(found);
      },
      (reason: unknown) => {
        if (current) setError(errorText(reason));
      },
    );
    return () => {
      current = false;
    };
  }, [step, folder, savedProvider, runId]);

  const go = (next: Step) => {
    setError(null);
    setStep(next);
  };

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (reason) {
      setError(errorText(reason));
    } finally {
      setBusy(false);
    }
  };

  const pick = (next: ProviderChoice) => {
    setChoice(next);
    setBaseUrl(defaultBaseUrl(next));
    setApiKey('');
    setModel('');
    setTest(null);
    setKeyNote(null);
    setError(null);
  };

  const saveAndTest = () =>
    run(async () => {
      setTest(null);
      setKeyNote(null);
      const saved = await window.api.invoke('providers:save', settingsForChoice(choice, baseUrl, model));
      setSavedProvider(saved.name);
      if (!choice.local && apiKey.trim()) {
        try {
          await window.api.invoke('providers:setApiKey', { name: saved.name, apiKey: apiKey.trim() });
          setApiKey('');
        } catch (reason) {
          // In a browser the server may take keys only from its environment: say so and test anyway.
          setKeyNote(errorText(reason));
        }
      }
      setTest(await window.api.invoke('providers:test', { name: saved.name }));
    });

  const chooseFolder = () =>
    run(async () => {
      const path = await onPickFolder();
      if (!path) return;
      setIndexed(null);
      setIndexProgress(null);
      const added = await addOrFindFolder(path);
      setFolder(added);
      const result = await window.api.invoke('library:index', { paths: [added.path] });
      setIndexed(indexSummary(added.name, result));
      setRunId(null);
      setCaptionProgress(null);
    });

  const startCaptioning = () =>
    run(async () => {
      if (!folder || !savedProvider) return;
      const queued = await window.api.invoke('captions:queue', { provider: savedProvider, paths: [folder.path] });
      runIdRef.current = queued.runId;
      setRunId(queued.runId);
      setCaptionProgress(earlyProgress.current.get(queued.runId) ?? null);
    });

  // Finishing or skipping both end the flow for good; a provider saved on the way becomes the default.
  const saveOnboarded = () =>
    window.api.invoke('settings:save', {
      onboarded: true,
      ...(savedProvider ? { defaultProvider: savedProvider } : {}),
    });
  const finish = () =>
    run(async () => {
      await saveOnboarded();
      ended.current = true;
      dialogRef.current?.close();
      onDone();
    });
  endedByCloseRef.current = () => {
    if (ended.current) return;
    ended.current = true;
    saveOnboarded().then(
      () => onDone(),
      (reason: unknown) => onDone(`Setup was skipped but could not be saved: ${errorText(reason)}`),
    );
  };

  const captionDone = captionProgress !== null && captionProgress.done + captionProgress.failed >= captionProgress.total;
  const indexing = busy && step === 1 && indexProgress && indexProgress.phase !== 'done' ? indexProgress : null;

  return (
    <dialog ref={dialogRef} aria-label="Welcome to Captionist" className="first-run">
      <header className="first-run-header">
        <h2>Welcome to Captionist</h2>
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
      </header>

      <section className="first-run-body" aria-labelledby={`${ids}-step`}>
        <h3 id={`${ids}-step`} ref={headingRef} tabIndex={-1}>
          Step {step + 1} of {firstRunSteps.length}: {firstRunSteps[step]}
        </h3>

        {step === 0 && (
          <>
            <fieldset className="first-run-choices">
              <legend>Where should captions come from?</legend>
              {providerChoices.map((option) => (
                <div key={option.id} className="first-run-choice">
                  <input
                    type="radio"
                    id={`${ids}-${option.id}`}
                    name={`${ids}-provider`}
                    checked={choice.id === option.id}
                    onChange={() => pick(option)}
                    aria-describedby={`${ids}-${option.id}-about`}
                  />
                  <label htmlFor={`${ids}-${option.id}`}>
                    {option.label} <span className="first-run-kind">({option.local ? 'local server' : 'cloud'})</span>
                  </label>
                  <p id={`${ids}-${option.id}-about`} className="settings-hint">
                    {option.description}
                  </p>
                </div>
              ))}
            </fieldset>
            {choice.local ? (
              <div className="settings-field">
                <label htmlFor={`${ids}-baseUrl`}>Base URL</label>
                <input id={`${ids}-baseUrl`} type="url" value={baseUrl} onChange={(event) => setBaseUrl(event.target.value)} />
                <p className="settings-hint">Where {choice.label} listens; no API key needed. Start it before testing.</p>
              </div>
            ) : (
              <div className="settings-field">
                <label htmlFor={`${ids}-apiKey`}>API key</label>
                <input
                  id={`${ids}-apiKey`}
                  type="password"
                  autoComplete="off"
                  value={apiKey}
                  onChange={(event) => setApiKey(event.target.value)}
                />
                <p className="settings-hint">From your {choice.label} account; stored securely.</p>
              </div>
            )}
            <div className="settings-field">
              <label htmlFor={`${ids}-model`}>Model (optional)</label>
              <input id={`${ids}-model`} type="text" value={model} placeholder="the default" onChange={(event) => setModel(event.target.value)} />
            </div>
            <div className="settings-actions">
              <button type="button" className="primary" onClick={() => void saveAndTest()} disabled={busy}>
                {busy ? 'Testing…' : 'Test connection'}
              </button>
              {test?.ok && (
                <button type="button" className="primary" onClick={() => go(1)}>
                  Continue
                </button>
              )}
              {test && !test.ok && (
                <button type="button" onClick={() => go(1)}>
                  Continue anyway
                </button>
              )}
            </div>
            <div aria-live="polite" className="first-run-result">
              {keyNote && <p className="settings-error">The API key was not stored: {keyNote}</p>}
              {test && <TestResultView result={test} />}
            </div>
          </>
        )}

        {step === 1 && (
          <>
            <p>Choose a folder of photos. Captionist indexes it and never changes a file unless you write captions back.</p>
            <div className="settings-actions">
              <button type="button" className={folder ? undefined : 'primary'} onClick={() => void chooseFolder()} disabled={busy}>
                {folder ? 'Choose another folder' : 'Choose a folder'}
              </button>
            </div>
            <div aria-live="polite" className="first-run-result">
              {folder && <p>Folder: {folder.path}</p>}
              {busy && !indexing && folder && <p>Indexing…</p>}
              {indexing && (
                <>
                  <p>
                    {indexing.phase === 'listing' ? 'Looking for photos…' : `Indexing ${indexing.done.toLocaleString()} of ${indexing.total.toLocaleString()}…`}
                  </p>
                  <progress aria-label="Indexing progress" value={indexing.done} max={Math.max(indexing.total, 1)} />
                </>
              )}
              {indexed && <p>{indexed}</p>}
            </div>
          </>
        )}

        {step === 2 && (
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
                    {captionProgress
                      ? `${captionProgress.done.toLocaleString()} of ${captionProgress.total.toLocaleString()} captioned` +
                        (captionProgress.failed > 0 ? `, ${captionProgress.failed.toLocaleString()} failed` : '') +
                        `; cost ${formatUsd(captionProgress.costUsd)}.`
                      : 'Queued…'}
                  </p>
                  {captionProgress && (
                    <progress
                      aria-label="Captioning progress"
                      value={captionProgress.done + captionProgress.failed}
                      max={Math.max(captionProgress.total, 1)}
                    />
                  )}
                  {captionProgress && captionProgress.providerState !== 'running' && captionProgress.providerMessage && (
                    <p className="settings-error">{captionProgress.providerMessage}</p>
                  )}
                  {captionDone && <p>All done.</p>}
                </>
              )}
            </div>
            <div className="settings-actions">
              {runId === null && estimate && estimate.photos > 0 && (
                <button type="button" className="primary" onClick={() => void startCaptioning()} disabled={busy}>
                  Caption {estimate.photos.toLocaleString()} {estimate.photos === 1 ? 'photo' : 'photos'}
                </button>
              )}
              <button type="button" className={runId !== null || estimate?.photos === 0 ? 'primary' : undefined} onClick={() => go(3)}>
                {runId === null ? 'Not now' : captionDone ? 'Continue' : 'Continue in the background'}
              </button>
            </div>
          </>
        )}

        {step === 3 && (
          <>
            <p>Captionist is ready.</p>
            <ul>
              {savedProvider && <li>Captions come from {savedProvider}; change providers in Settings.</li>}
              {folder && <li>{folder.name} is in your library; add more folders from the sidebar.</li>}
              {runId !== null && !captionDone && <li>Captioning goes on in the background; the Queue shows how far it is.</li>}
            </ul>
            <div className="settings-actions">
              <button type="button" className="primary" onClick={() => void finish()} disabled={busy}>
                Start using Captionist
              </button>
            </div>
          </>
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
        {step === 1 && folder && indexed && (
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

/** Adds the folder, or finds it when it is already in the library (set up before, or a second try). */
async function addOrFindFolder(path: string): Promise<Folder> {
  try {
    return await window.api.invoke('library:addFolder', { path });
  } catch (reason) {
    const folders = await window.api.invoke('library:listFolders', {});
    const known = folders.find((folder) => folder.path === path);
    if (known) return known;
    throw reason;
  }
}
