import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openDatabase } from '../../src/main/db/database';
import { JobsRepository } from '../../src/main/db/jobs.repo';
import type { ClaimedJob } from '../../src/main/db/jobs.repo';
import { ProviderError } from '../../src/main/providers/errors';
import { defaultRetryPolicy } from '../../src/main/providers/retry';
import { QueueScheduler } from '../../src/main/queue/scheduler';
import type { JobHandler, JobOutcome } from '../../src/main/queue/scheduler';
import { tempDir } from '../helpers/files';

const silent = { info() {}, warn() {}, error() {} };

/** A library database with `count` photos, each with a queued caption job for "svc". */
function queueOf(count: number) {
  const db = openDatabase(join(tempDir(), 'library.db'));
  onTestFinished(() => {
    db.close();
  });
  db.prepare(`INSERT INTO folders (path, name, added_at) VALUES ('/photos', 'photos', 't')`).run();
  const insert = db.prepare(
    `INSERT INTO photos (folder_id, path, rel_path, file_name, file_type, size, mtime_ms, fingerprint, indexed_at)
     VALUES (1, ?, ?, ?, 'JPEG', 1, 1, ?, 't')`,
  );
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    const name = `p${i}.jpg`;
    ids.push(Number(insert.run(`/photos/${name}`, name, name, i.toString(16).padStart(32, '0')).lastInsertRowid));
  }
  const jobs = new JobsRepository(db);
  jobs.enqueue('caption', 'svc', ids, {}, { runId: null, at: new Date().toISOString() });
  return { jobs, db };
}

/** The scheduler over a handler whose `run` the test writes; no network, no files. */
function schedulerFor(jobs: JobsRepository, run: (job: ClaimedJob) => Promise<JobOutcome>, concurrency = 4) {
  const handler: JobHandler = {
    kind: 'caption',
    concurrency: () => concurrency,
    run: async (job, context) => {
      const outcome = await run(job);
      context.complete();
      return outcome;
    },
    reachable: async () => true,
    describeError: (error) => String(error),
  };
  // Every kind needs a handler; these tests queue caption jobs only.
  const unused: JobHandler = { kind: 'writeMetadata', concurrency: () => 1, run: () => Promise.reject(new Error('not queued')), describeError: String };
  const scheduler = new QueueScheduler({
    jobs,
    handlers: [handler, unused],
    logger: silent,
    now: () => new Date(),
    retryPolicy: { ...defaultRetryPolicy, baseDelayMs: 10, maxDelayMs: 100, random: () => 0.5 },
    leaseMs: 60_000,
    owner: 'test:1:a',
    isOwnerDead: () => false,
    onChange: () => {},
  });
  onTestFinished(() => scheduler.stop());
  return scheduler;
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await delay(5);
  }
}

describe('the queue scheduler', () => {
  it('refuses a job kind with no handler, or with two', () => {
    const { jobs } = queueOf(0);
    const base = { jobs, logger: silent, now: () => new Date(), retryPolicy: defaultRetryPolicy, leaseMs: 1000, owner: 'o', isOwnerDead: () => false, onChange: () => {} };
    expect(() => new QueueScheduler({ ...base, handlers: [] })).toThrow('No handler for job kind "caption"');
    const handler = { kind: 'caption' as const, concurrency: () => 1, run: async () => ({}), describeError: String };
    expect(() => new QueueScheduler({ ...base, handlers: [handler, handler] })).toThrow('Two handlers for job kind "caption"');
    expect(() => new QueueScheduler({ ...base, handlers: [handler] })).toThrow('No handler for job kind "writeMetadata"');
  });

  it('waits out a rate-limit window the headers say is used up, instead of collecting 429s', async () => {
    const { jobs } = queueOf(3);
    const started: number[] = [];
    const scheduler = schedulerFor(
      jobs,
      async () => {
        started.push(Date.now());
        return started.length === 1 ? { rateLimit: { limit: 3, remaining: 0, resetMs: 300 } } : {};
      },
      1,
    );
    scheduler.start();
    await until(() => scheduler.laneStatuses()[0]?.state === 'rate-limited');
    expect(scheduler.laneStatuses()[0]).toMatchObject({ state: 'rate-limited', message: expect.stringMatching(/limit for this period/) });
    await until(() => jobs.counts().done === 3);
    expect(started[1]! - started[0]!).toBeGreaterThanOrEqual(280);
  });

  it('halves its concurrency at each 429 and earns it back one job at a time', async () => {
    const { jobs } = queueOf(60);
    let refusals = 2;
    const limits: number[] = [];
    const scheduler = schedulerFor(jobs, async () => {
      // The jobs started after both refusals see the lane's limit as it was then.
      if (refusals === 0) limits.push(scheduler.laneStatuses()[0]!.concurrency);
      await delay(5);
      if (refusals > 0) {
        refusals--;
        throw new ProviderError('rate-limited', 'svc', 'svc asked to slow down', { status: 429, retryAfterMs: 20 });
      }
      return {};
    }, 8);
    scheduler.start();
    await until(() => jobs.counts().done === 60);
    expect(limits[0]).toBe(2);
    expect(limits.at(-1)).toBeGreaterThan(2);
    expect(limits.every((limit, index) => index === 0 || limit - limits[index - 1]! <= 1)).toBe(true);
    expect(jobs.counts()).toMatchObject({ done: 60, failed: 0 });
  });

  it('drops its result when another process took the job over after its lease ran out', async () => {
    const { jobs, db } = queueOf(1);
    const scheduler = schedulerFor(jobs, async (job) => {
      // The process slept past its lease; another one recovered the job and is running it now.
      db.prepare(`UPDATE jobs SET lease_owner = 'other:2:b' WHERE id = ?`).run(job.id);
      return {};
    });
    scheduler.start();
    await until(() => scheduler.laneStatuses()[0]?.inFlight === 0 && scheduler.laneStatuses()[0]?.state === 'idle');
    expect(db.prepare('SELECT state, lease_owner FROM jobs').get()).toEqual({ state: 'running', lease_owner: 'other:2:b' });
  });

  it('retries a transient failure with backoff, then fails the job with its reason once attempts run out', async () => {
    const { jobs } = queueOf(2);
    const attempts = new Map<number, number>();
    const scheduler = schedulerFor(jobs, async (job) => {
      attempts.set(job.id, job.attempts);
      if (job.id === 1 && job.attempts < 3) throw new ProviderError('server', 'svc', 'svc had a problem of its own', { status: 500 });
      if (job.id === 2) throw new ProviderError('timeout', 'svc', 'svc did not answer within 60 s');
      return {};
    });
    scheduler.start();
    await until(() => jobs.counts().done + jobs.counts().failed === 2);
    expect(attempts).toEqual(new Map([[1, 3], [2, defaultRetryPolicy.maxAttempts]]));
    const [failed] = jobs.list([], ['failed'], 10);
    expect(failed).toMatchObject({ id: 2, attempts: 5, lastError: 'svc did not answer within 60 s' });
  });
});
