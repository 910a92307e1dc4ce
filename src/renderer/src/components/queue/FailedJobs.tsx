import { useCallback, useEffect, useState } from 'react';
import { jobKindLabel, jobSubject } from '../../../../shared/job-labels';
import type { QueueJob } from '../../../../shared/queue';
import { errorText } from '../../errors';

const failedListLimit = 200;

export interface FailedJobList {
  failedOpen: boolean;
  toggle(): void;
  /** Null until the list first loads. */
  failedJobs: QueueJob[] | null;
}

/** The failed jobs, listed while the list is open and again as their count changes. */
export function useFailedJobs(failedCount: number, onError: (error: string) => void): FailedJobList {
  const [failedOpen, setFailedOpen] = useState(false);
  const [failedJobs, setFailedJobs] = useState<QueueJob[] | null>(null);

  const loadFailed = useCallback(() => {
    window.api.invoke('queue:list', { paths: [], states: ['failed'], limit: failedListLimit }).then(
      setFailedJobs,
      (reason: unknown) => onError(errorText(reason)),
    );
  }, [onError]);

  // The open list follows the failed count as jobs fail or are retried.
  useEffect(() => {
    if (failedOpen) loadFailed();
  }, [failedOpen, failedCount, loadFailed]);

  const toggle = useCallback(() => setFailedOpen((open) => !open), []);
  return { failedOpen, toggle, failedJobs };
}

/** The failed jobs behind a disclosure button, with each one's error. */
export function FailedJobs({ failedCount, list }: { failedCount: number; list: FailedJobList }) {
  const { failedOpen, failedJobs } = list;
  return (
    <div className="queue-failed">
      <button
        type="button"
        className="queue-disclosure"
        aria-expanded={failedOpen}
        aria-controls="queue-failed-list"
        onClick={list.toggle}
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
            failedJobs.map((job) => <FailedJob key={job.id} job={job} />)
          )}
        </ul>
      )}
    </div>
  );
}

function FailedJob({ job }: { job: QueueJob }) {
  return (
    <li>
      <span className="failed-path" title={jobSubject(job)}>
        {job.kind === 'embed' ? jobSubject(job) : fileName(job.path)}
      </span>
      <span className="failed-error">{job.lastError ?? 'Failed without a message.'}</span>
      <span className="failed-meta">
        {jobKindLabel(job.kind)}
        {job.provider && ` with ${job.provider}`}, {job.attempts} {job.attempts === 1 ? 'attempt' : 'attempts'}
      </span>
    </li>
  );
}

function fileName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? path;
}
