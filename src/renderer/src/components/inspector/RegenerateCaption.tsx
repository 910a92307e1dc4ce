import { useEffect, useId, useRef, useState } from 'react';
import type { CaptionProgress, DetailLevel, ProviderSummary } from '../../../../shared/captioning';
import { errorText } from '../../errors';

interface RegenerateCaptionProps {
  photoId: number;
  path: string;
  /** Called when a run for this photo has finished, to reload the photo. */
  onFinished(photoId: number): void;
}

interface ActiveRun {
  runId: number;
  photoId: number;
  /** The photo's path when the run began: the inspector may show another photo by the time it ends. */
  path: string;
  provider: string;
  progress: CaptionProgress | null;
}

/** Progress events can arrive before `captions:queue` answers with the run's id: keep the latest few. */
const earlyProgressLimit = 20;

export function RegenerateCaption({ photoId, path, onFinished }: RegenerateCaptionProps) {
  const ids = useId();
  const [providers, setProviders] = useState<ProviderSummary[] | null>(null);
  const [provider, setProvider] = useState('');
  const [detail, setDetail] = useState<DetailLevel>('medium');
  const [focus, setFocus] = useState('');
  const [run, setRun] = useState<ActiveRun | null>(null);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [starting, setStarting] = useState(false);
  const earlyProgress = useRef(new Map<number, CaptionProgress>());
  const onFinishedRef = useRef(onFinished);

  useEffect(() => {
    onFinishedRef.current = onFinished;
  });

  useEffect(() => {
    let current = true;
    Promise.all([window.api.invoke('providers:list', {}), window.api.invoke('settings:get', {})]).then(
      ([list, settings]) => {
        if (!current) return;
        setProviders(list);
        const preferred = list.find((entry) => entry.name === settings.defaultProvider) ?? list[0];
        setProvider((chosen) => chosen || preferred?.name || '');
      },
      (reason: unknown) => {
        if (current) setMessage({ kind: 'error', text: errorText(reason) });
      },
    );
    return () => {
      current = false;
    };
  }, []);

  useEffect(
    () =>
      window.api.on('captions:progress', (progress) => {
        const early = earlyProgress.current;
        early.set(progress.runId, progress);
        if (early.size > earlyProgressLimit) early.delete(early.keys().next().value!);
        setRun((active) => (active && active.runId === progress.runId ? { ...active, progress } : active));
      }),
    [],
  );

  // A run is over when every photo in it is done or failed: say how it went and reload the photo.
  useEffect(() => {
    const progress = run?.progress;
    if (!run || !progress || progress.done + progress.failed < progress.total) return;
    setRun(null);
    if (progress.failed === 0) {
      setMessage({ kind: 'ok', text: `New caption from ${run.provider} is ready.` });
      onFinishedRef.current(run.photoId);
      return;
    }
    void window.api.invoke('queue:list', { paths: [run.path], states: ['failed'], limit: 1 }).then(
      ([job]) => setMessage({ kind: 'error', text: `Captioning failed: ${job?.lastError ?? 'no reason given.'}` }),
      () => setMessage({ kind: 'error', text: 'Captioning failed; the Queue lists why.' }),
    );
  }, [run]);

  const regenerate = async () => {
    if (!provider) return;
    setStarting(true);
    setMessage(null);
    try {
      const queued = await window.api.invoke('captions:queue', {
        provider,
        paths: [path],
        options: focus.trim() ? { detail, focus: focus.trim() } : { detail },
        force: true,
        viaBatch: false,
      });
      if (queued.total === 0) {
        setMessage({ kind: 'error', text: 'Nothing was queued: the photo may be missing.' });
        return;
      }
      setRun({
        runId: queued.runId,
        photoId,
        path,
        provider: queued.provider,
        progress: earlyProgress.current.get(queued.runId) ?? null,
      });
    } catch (reason) {
      setMessage({ kind: 'error', text: errorText(reason) });
    } finally {
      setStarting(false);
    }
  };

  const running = run !== null && run.photoId === photoId;
  const progress = running ? run.progress : null;
  const noProviders = providers !== null && providers.length === 0;

  return (
    <section className="inspector-section" aria-labelledby={`${ids}-heading`}>
      <h3 id={`${ids}-heading`}>Regenerate</h3>
      <div className="inspector-regenerate">
        <label htmlFor={`${ids}-detail`}>Detail</label>
        <select id={`${ids}-detail`} value={detail} onChange={(event) => setDetail(event.target.value as DetailLevel)}>
          <option value="low">Low</option>
          <option value="medium">Medium</option>
          <option value="high">High</option>
        </select>
        <label htmlFor={`${ids}-focus`}>Focus</label>
        <input
          id={`${ids}-focus`}
          type="text"
          value={focus}
          maxLength={200}
          placeholder="e.g. the product, the architecture"
          onChange={(event) => setFocus(event.target.value)}
        />
        <label htmlFor={`${ids}-provider`}>Provider</label>
        <select
          id={`${ids}-provider`}
          value={provider}
          disabled={!providers || noProviders}
          onChange={(event) => setProvider(event.target.value)}
        >
          {noProviders && <option value="">No providers yet</option>}
          {providers?.map((entry) => (
            <option key={entry.name} value={entry.name}>
              {entry.name}
              {entry.model ? ` (${entry.model})` : ''}
            </option>
          ))}
        </select>
      </div>
      <button type="button" onClick={() => void regenerate()} disabled={!provider || starting || running}>
        Regenerate
      </button>
      <div aria-live="polite" className="inspector-feedback">
        {running && (
          <p>
            {progress
              ? `Captioning with ${run.provider}: ${progress.done + progress.failed} of ${progress.total}.`
              : `Queued with ${run.provider}…`}
            {progress && progress.providerState !== 'running' && progress.providerMessage && (
              <span className="inspector-warning"> {progress.providerMessage}</span>
            )}
          </p>
        )}
        {noProviders && <p>Add a provider in Settings to caption photos.</p>}
        {message && (
          <p role={message.kind === 'error' ? 'alert' : undefined} className={`inspector-${message.kind}`}>
            {message.text}
          </p>
        )}
      </div>
    </section>
  );
}
