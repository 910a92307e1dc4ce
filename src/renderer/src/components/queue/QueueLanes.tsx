import type { CaptionProgress } from '../../../../shared/captioning';
import type { QueueStatus } from '../../../../shared/queue';
import { formatTimeLeft } from '../../../../shared/duration';
import { laneStateLabel } from '../../../../shared/lane-state';
import { formatUsd } from '../../../../shared/money';
import { countEntries, queueProgress } from './queue-format';

interface QueueLanesProps {
  status: QueueStatus;
  runs: CaptionProgress[];
  idle: boolean;
}

/** The queue at work: overall progress, counts, rate, time left and cost, and each provider's lane. */
export function QueueLanes({ status, runs, idle }: QueueLanesProps) {
  const laneList = status.lanes.filter((lane) => !idle || lane.state !== 'idle');
  return (
    <>
      <QueueProgressBar status={status} runs={runs} />
      {!idle && <QueueFacts status={status} />}
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
                {laneStateLabel(lane.state)}
                {lane.state === 'running' && lane.inFlight > 0 && `, ${lane.inFlight} at once`}
              </span>
              {lane.message && <span className="lane-message">{lane.message}</span>}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function QueueProgressBar({ status, runs }: { status: QueueStatus; runs: CaptionProgress[] }) {
  const progress = queueProgress(status, runs);
  if (!progress) return null;
  const percent = progress.total > 0 ? Math.round((progress.finished / progress.total) * 100) : 0;
  return (
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
  );
}

function QueueFacts({ status }: { status: QueueStatus }) {
  const eta = formatTimeLeft(status.etaSeconds);
  return (
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
  );
}
