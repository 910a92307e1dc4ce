import { useEffect, useState } from 'react';
import type { CaptionProgress } from '../../../shared/captioning';
import type { IndexProgress } from '../../../shared/domain';
import type { WriteProgress } from '../../../shared/metadata';
import type { QueueStatus } from '../../../shared/queue';
import { connectionLostEvent } from '../browser-api';
import { captionProgressText, plural, queueText } from '../lib/format';

export interface LibraryActivity {
  /** Per folder path, the latest progress of its indexing. */
  indexing: ReadonlyMap<string, IndexProgress>;
  /** The indexing still running, if any. */
  indexingNow: IndexProgress | undefined;
  /** Lines for the status line: caption runs and writes under way, else the queue's state. */
  activity: string[];
}

interface ActivityHandlers {
  scheduleReload(): void;
  info(text: string): void;
  showError(reason: unknown): void;
}

/** The core's live events: indexing, caption runs, the queue and metadata writes. */
export function useLibraryActivity({ scheduleReload, info, showError }: ActivityHandlers): LibraryActivity {
  const [indexing, setIndexing] = useState<ReadonlyMap<string, IndexProgress>>(new Map());
  const [captionRuns, setCaptionRuns] = useState<ReadonlyMap<number, CaptionProgress>>(new Map());
  const [queueStatus, setQueueStatus] = useState<QueueStatus | null>(null);
  const [writeProgress, setWriteProgress] = useState<WriteProgress | null>(null);

  useEffect(() => {
    const stops = [
      window.api.on('library:changed', scheduleReload),
      window.api.on('index:progress', (progress) => {
        setIndexing((old) => new Map(old).set(progress.folder, progress));
        if (progress.phase === 'done') scheduleReload();
      }),
      window.api.on('captions:progress', (progress) => {
        setCaptionRuns((old) => new Map(old).set(progress.runId, progress));
        if (progress.done + progress.failed >= progress.total) {
          const failed = progress.failed > 0 ? `, ${plural(progress.failed, 'photo')} failed` : '';
          info(`Captioned ${plural(progress.done, 'photo')} with ${progress.provider}${failed}.`);
          scheduleReload();
        }
      }),
      window.api.on('queue:progress', setQueueStatus),
      window.api.on('metadata:progress', (progress) => {
        setWriteProgress(progress);
        if (progress.done >= progress.total) scheduleReload();
      }),
      window.api.on('watch:notice', ({ message }) => info(message)),
    ];
    const onConnectionLost = (event: Event) => showError(String((event as CustomEvent).detail));
    window.addEventListener(connectionLostEvent, onConnectionLost);
    return () => {
      stops.forEach((stop) => stop());
      window.removeEventListener(connectionLostEvent, onConnectionLost);
    };
  }, [scheduleReload, info, showError]);

  const indexingNow = [...indexing.values()].find((progress) => progress.phase !== 'done');
  const activity: string[] = [];
  for (const run of captionRuns.values()) if (run.done + run.failed < run.total) activity.push(captionProgressText(run));
  if (writeProgress && writeProgress.done < writeProgress.total) {
    activity.push(`Writing metadata: ${writeProgress.done.toLocaleString('en-US')} of ${writeProgress.total.toLocaleString('en-US')}`);
  }
  const queueLine = queueStatus && queueText(queueStatus);
  if (queueLine && activity.length === 0) activity.push(queueLine);
  return { indexing, indexingNow, activity };
}
