import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openDatabase } from '../../src/main/db/database';
import { JobsRepository } from '../../src/main/db/jobs.repo';
import type { ClaimedJob } from '../../src/main/db/jobs.repo';
import { ProviderError } from '../../src/main/providers/errors';
import { defaultRetryPolicy } from '../../src/main/base/retry';
import { QueueScheduler } from '../../src/main/queue/scheduler';
import { JobKindSchema } from '../../src/shared/queue';
import type { JobKind } from '../../src/shared/queue';
import type { JobContext, JobHandler, JobOutcome } from '../../src/main/queue/job-lane';
import type { BatchLanes, LaneStep } from '../../src/main/queue/lane-work';
import { fakeClock } from '../helpers/fake-clock';
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

interface SchedulerOptions {
  concurrency?: number;
  isOwnerDead?: (owner: string) => boolean;
  leaseMs?: number;
}

/** The scheduler over a handler whose `run` the test writes; no network, no files. */
function schedulerFor(
  jobs: JobsRepository,
  run: (job: ClaimedJob, context: JobContext) => Promise<JobOutcome>,
  { concurrency = 4, isOwnerDead = () => false, leaseMs = 60_000 }: SchedulerOptions = {},
) {
  const handler: JobHandler = {
    kind: 'caption',
    concurrency: () => concurrency,
    run,
    reachable: async () => true,
    describeError: (error) => String(error),
  };
  // Every kind needs a handler; these tests queue caption jobs only.
  const unused = (kind: JobKind): JobHandler => ({ kind, concurrency: () => 1, run: () => Promise.reject(new Error('not queued')), describeError: String });
  const scheduler = new QueueScheduler({
    jobs,
    handlers: [handler, unused('writeMetadata'), unused('embed')],
    logger: silent,
    now: () => new Date(),
    retryPolicy: { ...defaultRetryPolicy, baseDelayMs: 10, maxDelayMs: 100, random: () => 0.5 },
    leaseMs,
    owner: 'test:1:a',
    isOwnerDead,
    onChange: () => {},
  });
  onTestFinished(() => scheduler.stop());
  return scheduler;
}

/** Waits until the job is stopped (the scheduler's abort), then throws as a provider call would. */
function untilAborted(context: JobContext): Promise<never> {
  return new Promise((_resolve, reject) => context.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }));
}

/** Marks a job as running under `owner`, as a process that took it and then died or hung leaves it. */
function leftRunning(db: Database, id: number, owner: string, leaseExpiresAt: string) {
  db.prepare(`UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = ?, lease_expires_at = ? WHERE id = ?`).run(
    owner,
    leaseExpiresAt,
    id,
  );
}

const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

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
    expect(() => new QueueScheduler({ ...base, handlers: [handler] })).toThrow('No handler for job kind "writeMetadata", "embed"');
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
      { concurrency: 1 },
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
    }, { concurrency: 8 });
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

  it('acts on the kind a failure declares, whoever threw it: a lane-stopping one stops the lane, a permanent one fails only its job', async () => {
    const { jobs } = queueOf(3);
    const declared = (failureKind: string, message: string) => Object.assign(new Error(message), { failureKind, taskMayFinish: false });
    let calls = 0;
    const scheduler = schedulerFor(jobs, async () => {
      calls++;
      throw calls === 1 ? declared('permanent', 'the photo cannot be sent') : declared('stops-lane', 'the licence was refused');
    }, { concurrency: 1 });
    scheduler.start();
    await until(() => scheduler.laneStatuses()[0]?.state === 'stopped');
    expect(scheduler.stoppedBecause('caption', 'svc')).toBe('the licence was refused');
    // One job failed with its reason; the one that met the stop waits with its attempt given back, as does the third.
    expect(jobs.counts()).toMatchObject({ failed: 1, queued: 2, running: 0 });
    expect(jobs.list([], ['failed'], 10).map((job) => job.lastError)).toEqual(['the photo cannot be sent']);
    await delay(100);
    expect(calls).toBe(2);
  });

  it('tries a batch lane\'s next step as its probe while its service is unreachable, waiting longer each time, and goes on once it answers', async () => {
    const { jobs } = queueOf(0);
    const clock = fakeClock();
    const started: number[] = [];
    let running = 0;
    let downFor = 3;
    const step = (): LaneStep => ({
      run: async () => {
        started.push(clock.now().getTime());
        running++;
        await delay(5);
        running--;
        if (downFor-- > 0) throw new Error('no route to host');
        return undefined;
      },
      // As the Batch API's steps do: every failure concerns the whole lane.
      failed: (_error, lane) => (lane.state === 'offline' ? lane.probeFailed('no route to host') : lane.unreachable('no route to host')),
      abandoned: () => {},
    });
    let steps = 6;
    const batchLanes: BatchLanes = {
      providers: () => ['svc'],
      work: () => ({
        concurrency: () => 1,
        blockedBecause: () => null,
        take: () => (steps-- > 0 ? step() : null),
        nextDueAt: () => null,
        status: (lane, inFlight) => lane.status(inFlight),
      }),
      disown: () => {},
    };
    const handler = (kind: JobKind): JobHandler => ({ kind, concurrency: () => 1, run: async () => ({}), describeError: String });
    const scheduler = new QueueScheduler({
      jobs,
      handlers: JobKindSchema.options.map(handler),
      batchLanes,
      logger: silent,
      now: clock.now,
      timers: clock.timers,
      retryPolicy: { ...defaultRetryPolicy, baseDelayMs: 1000, maxDelayMs: 8000, random: () => 1 },
      leaseMs: 60_000,
      owner: 'test:1:a',
      isOwnerDead: () => false,
      onChange: () => {},
    });
    onTestFinished(() => scheduler.stop());
    scheduler.start();

    await until(() => started.length === 1 && scheduler.laneStatuses()[0]?.state === 'offline');
    const start = started[0]!;
    expect(scheduler.laneStatuses()[0]).toMatchObject({ viaBatch: true, state: 'offline', until: new Date(start + 1000).toISOString() });
    // Each probe is the next step, after a backoff that doubles: 1 s, 2 s, 4 s on the lane's clock.
    await delay(50);
    expect(started).toHaveLength(1);
    for (const waited of [1000, 2000, 4000]) {
      clock.advance(waited - 1);
      await delay(30);
      const before = started.length;
      clock.advance(1);
      await until(() => started.length > before && running === 0);
      expect(started[before]! - started[before - 1]!).toBe(waited);
    }
    // The service answered the fourth: the lane ran its remaining steps at once.
    await until(() => steps < 0 && running === 0);
    expect(started.map((at) => at - start)).toEqual([0, 1000, 3000, 7000, 7000, 7000]);
    expect(scheduler.laneStatuses()[0]).toMatchObject({ state: 'idle', message: null, until: null });
  });

  it('counts a crash each time a worker died with a job, runs that job after the others, and gives it up at the third', async () => {
    const { jobs, db } = queueOf(2);
    const crashRecord = db.prepare('SELECT state, attempts, crashes, last_error AS lastError FROM jobs WHERE id = 1');
    for (let start = 1; start <= 3; start++) {
      // A process took job 1 and died (SIGKILL, a crash in the decoder) while it ran.
      leftRunning(db, 1, `dead:${start}:x`, inAnHour());
      const seen: number[] = [];
      const scheduler = schedulerFor(
        jobs,
        // Job 1 hangs until stopped; a clean stop hands it back without counting anything.
        (job, context) => (seen.push(job.id), job.id === 1 ? untilAborted(context) : Promise.resolve({})),
        { concurrency: 1, isOwnerDead: (owner) => owner.startsWith('dead:') },
      );
      scheduler.start();
      if (start < 3) {
        await until(() => scheduler.laneStatuses()[0]?.inFlight === 1 && seen.at(-1) === 1);
        expect(seen).toEqual(start === 1 ? [2, 1] : [1]);
        await scheduler.stop();
        expect(crashRecord.get()).toEqual({
          state: 'queued',
          attempts: 0,
          crashes: start,
          lastError: `The process running it ended while it ran (${start} of 3 times before it is given up).`,
        });
      } else {
        await delay(100);
        expect(seen).toEqual([]);
        expect(crashRecord.get()).toEqual({
          state: 'failed',
          attempts: 0,
          crashes: 3,
          lastError: 'Stopped the worker 3 times, so it was given up (retry it to try again); last: the process running it ended while it ran.',
        });
      }
    }
  });

  it('counts a crash for a job whose lease ran out while its process hung, and runs it again', async () => {
    const { jobs, db } = queueOf(1);
    leftRunning(db, 1, 'alive:2:b', new Date(Date.now() - 1000).toISOString());
    const scheduler = schedulerFor(jobs, async () => ({}));
    scheduler.start();
    await until(() => jobs.counts().done === 1);
    expect(db.prepare('SELECT crashes FROM jobs').pluck().get()).toBe(1);
    expect(jobs.list([], [], 1)[0]!.attempts).toBe(1);
  });

  it('finishes the jobs in flight without aborting them, and takes no other, when asked to finish', async () => {
    const { jobs } = queueOf(4);
    const answers: Array<() => void> = [];
    let aborted = 0;
    const scheduler = schedulerFor(
      jobs,
      (_job, context) => {
        context.signal.addEventListener('abort', () => aborted++);
        return new Promise((done) => answers.push(() => done({})));
      },
      { concurrency: 2 },
    );
    scheduler.start();
    await until(() => answers.length === 2);
    const finished = scheduler.finishInFlight();
    for (const answer of answers) answer();
    await finished;
    await delay(100);
    expect({ aborted, started: answers.length }).toEqual({ aborted: 0, started: 2 });
    expect(jobs.counts()).toMatchObject({ done: 2, queued: 2, running: 0 });
  });

  it('stops a job cancelled by another process while it runs, and keeps nothing of its result', async () => {
    const { jobs, db } = queueOf(2);
    db.exec('CREATE TABLE results (job_id INTEGER)');
    let abortedAt = 0;
    const scheduler = schedulerFor(
      jobs,
      async (job, context) => {
        if (job.id !== 1) return {};
        context.signal.addEventListener('abort', () => (abortedAt = Date.now()));
        // A call that cannot be stopped answers anyway; it stores its result as caption jobs do.
        await delay(1000);
        db.transaction(() => {
          db.prepare('INSERT INTO results (job_id) VALUES (?)').run(job.id);
          context.complete();
        })();
        return {};
      },
      // Leases are checked every 100 ms.
      { leaseMs: 300 },
    );
    scheduler.start();
    await until(() => jobs.state(1) === 'running' && jobs.state(2) === 'done');

    const otherProcess = openDatabase(db.name);
    onTestFinished(() => {
      otherProcess.close();
    });
    const cancelledAt = Date.now();
    expect(new JobsRepository(otherProcess).cancel([], new Date().toISOString())).toEqual({ queued: 0, running: 1 });
    await until(() => abortedAt > 0);
    expect(abortedAt - cancelledAt).toBeLessThan(600);
    await until(() => scheduler.laneStatuses()[0]?.inFlight === 0);
    expect(db.prepare('SELECT count(*) FROM results').pluck().get()).toBe(0);
    expect(jobs.state(1)).toBe('cancelled');
  });

  it('runs only its provider\'s lane when told to, leaving other providers\' jobs queued', async () => {
    const { jobs } = queueOf(2);
    jobs.enqueue('caption', 'other', [1, 2], {}, { runId: null, at: new Date().toISOString() });
    const ran: (string | null)[] = [];
    const scheduler = schedulerFor(jobs, async (job) => (ran.push(job.provider), {}));
    scheduler.workOnly('SVC');
    scheduler.start();
    await until(() => ran.length === 2);
    await delay(200);
    expect(ran).toEqual(['svc', 'svc']);
    expect(jobs.counts()).toMatchObject({ done: 2, queued: 2 });
  });

  it('tries again, without failing it or spending an attempt, a job that met a library busy past the timeout', async () => {
    const { jobs, db } = queueOf(1);
    db.pragma('busy_timeout = 50');
    db.exec('CREATE TABLE results (job_id INTEGER)');
    const otherProcess = openDatabase(db.name);
    onTestFinished(() => {
      otherProcess.close();
    });
    const tries: number[] = [];
    const scheduler = schedulerFor(jobs, async (job, context) => {
      tries.push(Date.now());
      // The first time, another process holds the write lock longer than the timeout.
      if (tries.length === 1) otherProcess.prepare('BEGIN IMMEDIATE').run();
      try {
        db.transaction(() => {
          db.prepare('INSERT INTO results (job_id) VALUES (?)').run(job.id);
          context.complete();
        })();
      } finally {
        if (otherProcess.inTransaction) otherProcess.prepare('COMMIT').run();
      }
      return {};
    });
    scheduler.start();
    await until(() => jobs.counts().done === 1);
    expect(tries).toHaveLength(2);
    expect(tries[1]! - tries[0]!).toBeGreaterThanOrEqual(900);
    expect(jobs.list([], [], 1)[0]).toMatchObject({ state: 'done', attempts: 1 });
    expect(db.prepare('SELECT job_id FROM results').pluck().all()).toEqual([1]);
  });

  it('rides out a library busy past the timeout while it looks for work, and goes on at its next look', async () => {
    const { jobs, db } = queueOf(2);
    db.pragma('busy_timeout = 50');
    const otherProcess = openDatabase(db.name);
    onTestFinished(() => {
      otherProcess.close();
    });
    otherProcess.prepare('BEGIN IMMEDIATE').run();
    const scheduler = schedulerFor(jobs, async () => ({}));
    scheduler.start();
    await delay(300);
    expect(scheduler.laneStatuses()[0]?.inFlight ?? 0).toBe(0);
    otherProcess.prepare('COMMIT').run();
    await until(() => jobs.counts().done === 2);
  });
});
