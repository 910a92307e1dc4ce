import { useState } from 'react';
import type { QueueState } from './use-queue';

interface QueueControlsProps {
  queue: QueueState;
  paused: boolean;
  idle: boolean;
  failedCount: number;
}

/** Pause or resume, retry the failed jobs, and cancel (asked once more), with what they did. */
export function QueueControls({ queue, paused, idle, failedCount }: QueueControlsProps) {
  const [confirmingCancel, setConfirmingCancel] = useState(false);
  const { busy } = queue;
  return (
    <>
      <div className="queue-actions">
        {paused ? (
          <button type="button" onClick={() => void queue.resumeAll()} disabled={busy}>
            Resume all
          </button>
        ) : (
          <button type="button" onClick={() => void queue.pauseAll()} disabled={busy}>
            Pause all
          </button>
        )}
        <button type="button" onClick={() => void queue.retryFailed()} disabled={busy || failedCount === 0}>
          Retry failed
        </button>
        {confirmingCancel ? (
          <span className="queue-confirm" role="group" aria-label="Confirm cancel">
            <span>Cancel every unfinished job, running ones too?</span>
            <button
              type="button"
              className="danger"
              onClick={() => {
                setConfirmingCancel(false);
                void queue.cancelAll();
              }}
              disabled={busy}
            >
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
        {queue.error ? (
          <span role="alert" className="queue-error">
            {queue.error}
          </span>
        ) : (
          queue.notice
        )}
      </p>
    </>
  );
}
