import { FailedJobs, useFailedJobs } from './FailedJobs';
import { isQueueIdle } from './queue-format';
import { QueueControls } from './QueueControls';
import { QueueLanes } from './QueueLanes';
import { useQueue } from './use-queue';
import './queue.css';

/** The queue in the sidebar's foot: what it is doing, each provider's lane, its controls and failures. */
export function QueuePanel() {
  const queue = useQueue();
  const { status, error } = queue;
  const failedCount = status?.counts.failed ?? 0;
  const failedList = useFailedJobs(failedCount, queue.setError);

  if (!status) {
    return (
      <section aria-label="Queue" className="queue-panel queue-compact" tabIndex={-1}>
        <p aria-live="polite">{error ? <span className="queue-error">{error}</span> : 'Loading the queue…'}</p>
      </section>
    );
  }

  const idle = isQueueIdle(status);
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
      <QueueLanes status={status} runs={queue.runs} idle={idle} />
      <QueueControls queue={queue} paused={status.globallyPaused} idle={idle} failedCount={failedCount} />
      {failedCount > 0 && <FailedJobs failedCount={failedCount} list={failedList} />}
    </section>
  );
}
