import { useCallback, useEffect, useState } from 'react';
import type { CaptionProgress } from '../../../../shared/captioning';
import { describeCancelled } from '../../../../shared/queue';
import type { QueueJob, QueueStatus } from '../../../../shared/queue';
import { errorText } from '../../errors';
import { countEntries, formatEta, formatUsd, isQueueIdle, laneStateText, queueProgress, settleRuns, trackRun } from './queue-format';
import './queue.css';

const failedListLimit = 200;

export function QueuePanel() {
  const [status, setStatus] = useState<QueueStatus | null>(null);
  const [runs, setRuns] = useState<CaptionProgress[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmingCancel, setConfirmingCancel] = useState(false);
  const [failedOpen, setFailedOpen] = useState(false);
  const [failedJobs, setFailedJobs] = useState<QueueJob[] | null>(null);

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

  const failedCount = status?.counts.failed ?? 0;
  const loadFailed = useCallback(() => {
    window.api.invoke('queue:list', { paths: [], states: ['failed'], limit: failedListLimit }).then(
      setFailedJobs,
      (reason: unknown) => setError(errorText(reason)),
    );
  }, []);

  // The open list follows the failed count as jobs fail or are retried.
  useEffect(() => {
    if (failedOpen) loadFailed();
  }, [failedOpen, failedCount, loadFailed]);

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
      setConfirmingCancel(false);
      const cancelled = await window.api.invoke('queue:cancel', { paths: [] });
      setRuns([]);
      return describeCancelled(cancelled);
    });

  if (!status) {
    return (
      <section aria-label="Queue" className="queue-panel queue-compact" tabIndex={-1}>
        <p aria-live="polite">{error ? <span className="queue-error">{error}</span> : 'Loading the queue…'}</p>
      </section>
    );
  }

  const idle = isQueueIdle(status);
  const progress = queueProgress(status, runs);
  const eta = formatEta(status.etaSeconds);
  const percent = progress && progress.total > 0 ? Math.round((progress.finished / progress.total) * 100) : 0;
  const laneList = status.lanes.filter((lane) => !idle || lane.state !== 'idle');

  return (
    <section aria-label="Queue" className={idle ? 'queue-panel queue-compact' : 'queue-panel'} tabIndex={-1}>
      <header className="queue-header">
        <h2 className="queue-title">Queue</h2>
        <p className="queue-summary" aria-live="polite">
          {idle
            ? failedCount > 0
              ? `Nothing to do; ${failedCount.toLocaleString()} failed.`
              : 'Nothing to do.'
            : status.globallyPaused
              ? 'Paused.'
              : 'Working…'}
        </p>
      </header>

      {progress && (
        <div className="queue-progress">
          <div
            role="progressbar"
            aria-label="Queue progress"
            aria-valuemin={0}
            aria-valuemax={progress.total}
            aria-valuenow={progress.finished}
            aria-valuetext={`${progress.finished.toLocaleString()} of ${progress.total.toLocaleString()} done`}
            className="queue-bar"
          >
            <div className="queue-bar-fill" style={{ width: `${percent}%` }} />
          </div>
          <p className="queue-progress-text">
            {progress.finished.toLocaleString()} of {progress.total.toLocaleString()} done ({percent}%)
          </p>
        </div>
      )}

      {!idle && (
        <dl className="queue-facts">
          {countEntries(status.counts).map((entry) => (
            <div key={entry.label}>
              <dt>{entry.label}</dt>
              <dd>{entry.value.toLocaleString()}</dd>
            </div>
          ))}
          <div>
            <dt>Rate</dt>
            <dd>{status.perMinute > 0 ? `${status.perMinute.toLocaleString()} per minute` : 'measuring…'}</dd>
          </div>
          <div>
            <dt>Time left</dt>
            <dd>{eta ?? 'not known yet'}</dd>
          </div>
          <div>
            <dt>Cost so far</dt>
            <dd>{formatUsd(status.costUsd)}</dd>
          </div>
        </dl>
      )}

      {laneList.length > 0 && (
        <ul className="queue-lanes" aria-label="Providers">
          {laneList.map((lane) => (
            <li key={`${lane.kind}:${lane.provider ?? ''}:${lane.viaBatch}`} className={`queue-lane lane-${lane.state}`}>
              <span className="lane-name">
                {lane.provider ?? (lane.kind === 'writeMetadata' ? 'Write-back' : 'Captions')}
                {lane.viaBatch && ' (Batch API)'}
              </span>
              <span className="lane-state">
                <span aria-hidden="true" className="lane-dot" />
                {laneStateText(lane.state)}
                {lane.state === 'running' && lane.inFlight > 0 && `, ${lane.inFlight} at once`}
              </span>
              {lane.message && <span className="lane-message">{lane.message}</span>}
            </li>
          ))}
        </ul>
      )}

      <div className="queue-actions">
        {status.globallyPaused ? (
          <button type="button" onClick={() => void resumeAll()} disabled={busy}>
            Resume all
          </button>
        ) : (
          <button type="button" onClick={() => void pauseAll()} disabled={busy}>
            Pause all
          </button>
        )}
        <button type="button" onClick={() => void retryFailed()} disabled={busy || failedCount === 0}>
          Retry failed
        </button>
        {confirmingCancel ? (
          <span className="queue-confirm" role="group" aria-label="Confirm cancel">
            <span>Cancel every unfinished job, running ones too?</span>
            <button type="button" className="danger" onClick={() => void cancelAll()} disabled={busy}>
              Cancel jobs
            </button>
            <button type="button" onClick={() => setConfirmingCancel(false)} autoFocus>
              Keep them
            </button>
          </span>
        ) : (
          <button type="button" onClick={() => setConfirmingCancel(true)} disabled={busy || idle}>
            Cancel
          </button>
        )}
      </div>

      <p className="queue-feedback" aria-live="polite">
        {error ? (
          <span role="alert" className="queue-error">
            {error}
          </span>
        ) : (
          notice
        )}
      </p>

      {failedCount > 0 && (
        <div className="queue-failed">
          <button
            type="button"
            className="queue-disclosure"
            aria-expanded={failedOpen}
            aria-controls="queue-failed-list"
            onClick={() => setFailedOpen((open) => !open)}
          >
            {failedOpen ? 'Hide' : 'Show'} failed jobs ({failedCount.toLocaleString()})
          </button>
          {failedOpen && (
            <ul id="queue-failed-list" className="queue-failed-list" aria-label="Failed jobs">
              {failedJobs === null ? (
                <li>Loading…</li>
              ) : failedJobs.length === 0 ? (
                <li>No failed jobs.</li>
              ) : (
                failedJobs.map((job) => (
                  <li key={job.id}>
                    <span className="failed-path" title={job.path}>
                      {fileName(job.path)}
                    </span>
                    <span className="failed-error">{job.lastError ?? 'Failed without a message.'}</span>
                    <span className="failed-meta">
                      {job.kind === 'caption' ? 'Caption' : 'Write-back'}
                      {job.provider && ` with ${job.provider}`}, {job.attempts} {job.attempts === 1 ? 'attempt' : 'attempts'}
                    </span>
                  </li>
                ))
              )}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}

function fileName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? path;
}
