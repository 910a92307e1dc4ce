import { useEffect, useState } from 'react';
import type { CaptionProgress } from '../../../../shared/captioning';
import { describeCancelled } from '../../../../shared/queue';
import type { QueueStatus } from '../../../../shared/queue';
import { errorText } from '../../errors';
import { settleRuns, trackRun } from './queue-format';

export interface QueueState {
  /** Null until the first answer or event. */
  status: QueueStatus | null;
  runs: CaptionProgress[];
  error: string | null;
  setError(error: string | null): void;
  /** What the last action did, in words. */
  notice: string | null;
  /** True while an action runs: the controls are disabled. */
  busy: boolean;
  pauseAll(): Promise<void>;
  resumeAll(): Promise<void>;
  retryFailed(): Promise<void>;
  cancelAll(): Promise<void>;
}

/** The queue's live state (the first answer, then events) and the whole-queue actions. */
export function useQueue(): QueueState {
  const [status, setStatus] = useState<QueueStatus | null>(null);
  const [runs, setRuns] = useState<CaptionProgress[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let current = true;
    const stop = window.api.on('queue:progress', (next) => {
      current = false; // an event is newer than the first answer
      setStatus(next);
      setRuns(settleRuns);
    });
    window.api.invoke('queue:status', {}).then(
      (first) => {
        if (current) setStatus(first);
      },
      (reason: unknown) => setError(errorText(reason)),
    );
    return stop;
  }, []);

  useEffect(() => window.api.on('captions:progress', (update) => setRuns((list) => trackRun(list, update))), []);

  const act = async (action: () => Promise<string | null>) => {
    setBusy(true);
    setError(null);
    try {
      setNotice(await action());
    } catch (reason) {
      setError(errorText(reason));
    } finally {
      setBusy(false);
    }
  };

  const pauseAll = () =>
    act(async () => {
      setStatus(await window.api.invoke('queue:pause', { paths: [] }));
      return 'The queue is paused.';
    });
  const resumeAll = () =>
    act(async () => {
      setStatus(await window.api.invoke('queue:resume', { paths: [] }));
      return 'The queue is running again.';
    });
  const retryFailed = () =>
    act(async () => {
      const { count } = await window.api.invoke('queue:retry', { paths: [] });
      return count === 1 ? '1 job queued again.' : `${count.toLocaleString()} jobs queued again.`;
    });
  const cancelAll = () =>
    act(async () => {
      const cancelled = await window.api.invoke('queue:cancel', { paths: [] });
      setRuns([]);
      return describeCancelled(cancelled);
    });

  return { status, runs, error, setError, notice, busy, pauseAll, resumeAll, retryFailed, cancelAll };
}
