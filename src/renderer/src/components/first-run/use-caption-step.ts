import { useEffect, useRef, useState } from 'react';
import type { CaptionProgress, CostEstimate } from '../../../../shared/captioning';
import type { Folder } from '../../../../shared/domain';
import { errorText } from '../../errors';
import type { FirstRunAction } from './use-first-run-action';

export interface CaptionStepState {
  estimate: CostEstimate | null;
  /** The captioning run started in this step, if any. */
  runId: number | null;
  captionProgress: CaptionProgress | null;
  captionDone: boolean;
  startCaptioning(): Promise<void>;
  /** Forgets the run, when another folder is chosen. */
  forgetRun(): void;
}

/** Step 3: the estimate for the chosen folder and provider, and the captioning run it starts. */
export function useCaptionStep(
  { run, setError }: FirstRunAction,
  active: boolean,
  folder: Folder | null,
  savedProvider: string | null,
): CaptionStepState {
  const [estimate, setEstimate] = useState<CostEstimate | null>(null);
  const [runId, setRunId] = useState<number | null>(null);
  const [captionProgress, setCaptionProgress] = useState<CaptionProgress | null>(null);
  // Progress can arrive before the queue call answers with the run's id.
  const earlyProgress = useRef(new Map<number, CaptionProgress>());
  const runIdRef = useRef<number | null>(null);

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

  // The step opens with the estimate for the chosen folder and provider.
  useEffect(() => {
    if (!active || !folder || !savedProvider || runId !== null) return;
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
  }, [active, folder, savedProvider, runId, setError]);

  const startCaptioning = () =>
    run(async () => {
      if (!folder || !savedProvider) return;
      const queued = await window.api.invoke('captions:queue', { provider: savedProvider, paths: [folder.path] });
      runIdRef.current = queued.runId;
      setRunId(queued.runId);
      setCaptionProgress(earlyProgress.current.get(queued.runId) ?? null);
    });

  const forgetRun = () => {
    setRunId(null);
    setCaptionProgress(null);
  };

  const captionDone = captionProgress !== null && captionProgress.done + captionProgress.failed >= captionProgress.total;
  return { estimate, runId, captionProgress, captionDone, startCaptioning, forgetRun };
}
