import { describe, expect, it } from 'vitest';
import { queueCounts } from '../helpers/queue';
import { formatBytes } from '../../src/shared/bytes';
import { formatDuration, formatSeconds, formatTimeLeft } from '../../src/shared/duration';
import { laneStateLabel } from '../../src/shared/lane-state';
import { formatUsd } from '../../src/shared/money';
import { remainingJobs, waitingJobs } from '../../src/shared/queue-counts';


describe('money', () => {
  it('writes sums with cents and less than a cent to four places', () => {
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatUsd(12.345)).toBe('$12.35');
    expect(formatUsd(0.25)).toBe('$0.25');
    expect(formatUsd(0.0042)).toBe('$0.0042');
    expect(formatUsd(0.004)).toBe('$0.0040');
  });

  it('says when there is no price, in the words the caller chooses', () => {
    expect(formatUsd(null)).toBe('no price set');
    expect(formatUsd(null, 'unknown (no price set)')).toBe('unknown (no price set)');
  });
});

describe('durations', () => {
  it('writes minutes and hours', () => {
    expect(formatDuration(30)).toBe('less than a minute');
    expect(formatDuration(600)).toBe('10 min');
    expect(formatDuration(3600)).toBe('1 h');
    expect(formatDuration(4800)).toBe('1 h 20 min');
  });

  it('says the time left as an estimate, or nothing when it is not known', () => {
    expect(formatTimeLeft(null)).toBeNull();
    expect(formatTimeLeft(-1)).toBeNull();
    expect(formatTimeLeft(Number.POSITIVE_INFINITY)).toBeNull();
    expect(formatTimeLeft(30)).toBe('less than a minute');
    expect(formatTimeLeft(600)).toBe('about 10 min');
    expect(formatTimeLeft(4800)).toBe('about 1 h 20 min');
  });

  it('writes a measured wait in seconds to a tenth', () => {
    expect(formatSeconds(1234)).toBe('1.2 s');
    expect(formatSeconds(80)).toBe('0.1 s');
  });
});

describe('jobs remaining', () => {
  it('counts queued, running, retrying and paused jobs, not finished ones', () => {
    const queue = queueCounts({ queued: 5, running: 2, waitingForRetry: 3, paused: 4, done: 100, failed: 7, cancelled: 9 });
    expect(remainingJobs(queue)).toBe(14);
    expect(waitingJobs(queue)).toBe(12);
    expect(remainingJobs(queueCounts({ done: 10, failed: 1 }))).toBe(0);
  });
});

describe('lane states', () => {
  it('names each state in words', () => {
    expect(laneStateLabel('out-of-budget')).toBe('Out of budget');
    expect(laneStateLabel('rate-limited')).toBe('Rate-limited');
    expect(laneStateLabel('running')).toBe('Running');
  });
});

describe('sizes', () => {
  it('writes sizes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(25 * 1024 * 1024)).toBe('25 MB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.0 GB');
  });
});
