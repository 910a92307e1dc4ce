import type { Database, Statement } from 'better-sqlite3';
import { scopeCondition } from './photo-selection';
import { statementCache } from './statements';
import type { CancelledJobs, JobKind, JobState, QueueCounts, QueueJob } from '../../shared/queue';

export interface ClaimedJob {
  id: number;
  kind: JobKind;
  /** Null for an 'embed' job: its work is the library's captions waiting for a vector. */
  photoId: number | null;
  provider: string | null;
  runId: number | null;
  payload: string;
  attempts: number;
  remoteTaskId: string | null;
}

/** The photo of a job of a photo's kind ('caption', 'writeMetadata'); the table allows no such job without one. */
export function photoOfJob(job: ClaimedJob): number {
  if (job.photoId === null) throw new Error(`A ${job.kind} job (${job.id}) without a photo`);
  return job.photoId;
}

/** A kind and provider with jobs waiting; the scheduler runs one lane per pair. */
export interface DueLane {
  kind: JobKind;
  provider: string | null;
  viaBatch: boolean;
}

/** The photo of a job that falls due next: enough to make its caption-ready copy ahead of time. */
export interface DuePhoto {
  path: string;
  fingerprint: string;
  width: number | null;
  height: number | null;
}

export interface EnqueueOptions {
  runId: number | null;
  at: string;
  viaBatch?: boolean;
  priority?: number;
}

/** States in which a job still has work ahead of it. */
const unfinished = `state IN ('queued', 'running', 'waiting-for-retry')`;
/** States in which a job waits to be claimed. */
export const waiting = `state IN ('queued', 'waiting-for-retry')`;

/**
 * The order in which a lane takes its jobs: what the user looks at first, then those that never
 * stopped a worker (a job that crashed or hung one waits behind the rest), then the oldest.
 */
export const claimOrder = 'j.priority DESC, j.crashes, j.id';

/**
 * True when a pause covers the job's photo: '' pauses everything, a folder path ending in the
 * separator everything below it, any other path that one file.
 */
export const pausedSql = (photoPath: string) =>
  `EXISTS (SELECT 1 FROM queue_pauses q WHERE q.scope = '' OR q.scope = ${photoPath}
     OR (substr(q.scope, -1) IN ('/', '\\') AND substr(${photoPath}, 1, length(q.scope)) = q.scope))`;

/** Jobs whose photo lies in one of the scopes (folder prefixes ending in the separator, or files). */
function jobScope(scopes: readonly string[]): { sql: string; params: string[] } {
  return scopeCondition(scopes) ?? { sql: '1', params: [] };
}

/** Jobs of the scopes' photos; every job, the library's embed job included, when there are no scopes. */
function jobsOfPhotosIn(scopes: readonly string[]): string {
  return scopes.length ? `photo_id IN (SELECT p.id FROM photos p WHERE ${jobScope(scopes).sql})` : '1';
}

interface JobRow {
  id: number;
  kind: JobKind;
  provider: string | null;
  path: string;
  state: JobState;
  paused: number;
  via_batch: number;
  priority: number;
  attempts: number;
  next_run_at: string | null;
  last_error: string | null;
  updated_at: string;
}

export class JobsRepository {
  private readonly sql: (sql: string) => Statement;

  constructor(private readonly db: Database) {
    this.sql = statementCache(db);
  }

  /**
   * One unfinished job per photo, kind and provider. A photo with an unfinished job keeps it (and
   * any remote task it holds), handed to this run; a failed or cancelled
   * one is queued again afresh, but for the crashes it counted (one given up for crashing its
   * worker is tried once more, after the others); only a photo with neither gets a new job.
   * Returns the job ids.
   */
  enqueue(kind: JobKind, provider: string | null, photoIds: readonly number[], payload: object, options: EnqueueOptions): number[] {
    const find = this.sql(
      `SELECT id, state FROM jobs WHERE kind = ? AND provider IS ? AND photo_id = ?
         AND (${unfinished} OR state IN ('failed', 'cancelled')) ORDER BY id DESC LIMIT 1`,
    );
    // A running job joins this run too (its result will count here); only a waiting one takes the new options.
    const adopt = this.sql(
      `UPDATE jobs SET run_id = @runId, updated_at = @at,
         payload = CASE WHEN ${waiting} THEN @payload ELSE payload END,
         via_batch = CASE WHEN ${waiting} THEN @viaBatch ELSE via_batch END,
         priority = max(priority, @priority)
       WHERE id = @id AND batch_id IS NULL`,
    );
    const requeue = this.sql(
      `UPDATE jobs SET state = 'queued', run_id = @runId, payload = @payload, via_batch = @viaBatch, priority = @priority,
         attempts = 0, next_run_at = NULL, last_error = NULL, batch_id = NULL,
         -- A failed job kept its task only when the task may yet finish: polling it costs nothing.
         remote_task_id = CASE WHEN state = 'failed' THEN remote_task_id END,
         finished_at = NULL, updated_at = @at
       WHERE id = @id`,
    );
    const insert = this.sql(
      `INSERT INTO jobs (kind, photo_id, provider, run_id, payload, via_batch, priority, created_at, updated_at)
       VALUES (@kind, @photoId, @provider, @runId, @payload, @viaBatch, @priority, @at, @at)`,
    );
    const values = {
      runId: options.runId,
      payload: JSON.stringify(payload),
      viaBatch: options.viaBatch ? 1 : 0,
      priority: options.priority ?? 0,
      at: options.at,
    };
    return this.db.transaction(() =>
      photoIds.map((photoId) => {
        const existing = find.get(kind, provider, photoId) as { id: number; state: JobState } | undefined;
        if (existing?.state === 'failed' || existing?.state === 'cancelled') requeue.run({ ...values, id: existing.id });
        else if (existing) adopt.run({ ...values, id: existing.id });
        if (existing) return existing.id;
        return Number(insert.run({ ...values, kind, photoId, provider }).lastInsertRowid);
      }),
    )();
  }

  /** Every kind and provider with a job waiting, now or later (paused or not: claiming skips paused jobs). */
  dueLanes(): DueLane[] {
    return (
      this
        .sql(`SELECT DISTINCT kind, provider, via_batch AS viaBatch FROM jobs WHERE ${waiting}`)
        .all() as { kind: JobKind; provider: string | null; viaBatch: number }[]
    ).map((lane) => ({ ...lane, viaBatch: lane.viaBatch === 1 }));
  }

  /**
   * Takes the lane's most urgent due job (highest priority, then oldest) for `owner` until
   * `leaseUntil`. Undefined when none is due.
   */
  claimNext(lane: DueLane, owner: string, now: string, leaseUntil: string): ClaimedJob | undefined {
    return this
      .sql(
        `UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = @owner,
           lease_expires_at = @leaseUntil, updated_at = @now
         WHERE id = (
           -- An embed job has no photo: only a pause of everything holds it back.
           SELECT j.id FROM jobs j LEFT JOIN photos p ON p.id = j.photo_id
           WHERE j.kind = @kind AND j.provider IS @provider AND j.via_batch = @viaBatch AND j.${waiting}
             AND (j.next_run_at IS NULL OR j.next_run_at <= @now) AND NOT ${pausedSql('p.path')}
           ORDER BY ${claimOrder} LIMIT 1)
         RETURNING id, kind, photo_id AS photoId, provider, run_id AS runId, payload, attempts, remote_task_id AS remoteTaskId`,
      )
      .get({ kind: lane.kind, provider: lane.provider, viaBatch: lane.viaBatch ? 1 : 0, owner, now, leaseUntil }) as
      | ClaimedJob
      | undefined;
  }

  /** The photos of the next `limit` jobs a direct lane would claim, in the order it would claim them. */
  nextDue(kind: JobKind, provider: string, limit: number, now: string): DuePhoto[] {
    return this
      .sql(
        `SELECT p.path, p.fingerprint, p.width, p.height FROM jobs j JOIN photos p ON p.id = j.photo_id
         WHERE j.kind = ? AND j.provider IS ? AND j.via_batch = 0 AND j.${waiting}
           AND (j.next_run_at IS NULL OR j.next_run_at <= ?) AND NOT ${pausedSql('p.path')}
         ORDER BY ${claimOrder} LIMIT ?`,
      )
      .all(kind, provider, now, limit) as DuePhoto[];
  }

  /**
   * When the lane's next waiting job falls due, if later than `now`. Jobs due already but not
   * claimed are paused: the scheduler's heartbeat notices when they are resumed.
   */
  nextDueAt(lane: DueLane, now: string): string | null {
    return (
      (this
        .sql(
          `SELECT min(next_run_at) FROM jobs
           WHERE kind = ? AND provider IS ? AND via_batch = ? AND ${waiting} AND next_run_at > ?`,
        )
        .pluck()
        .get(lane.kind, lane.provider, lane.viaBatch ? 1 : 0, now) as string | null) ?? null
    );
  }

  /**
   * Extends the lease on the jobs this process is running now (and only those). Returns the ids
   * that are no longer ours to run: cancelled meanwhile, or taken back after our lease ran out.
   */
  renewLeases(owner: string, ids: readonly number[], leaseUntil: string): number[] {
    const renew = this.sql(`UPDATE jobs SET lease_expires_at = ? WHERE id = ? AND state = 'running' AND lease_owner = ?`);
    if (!ids.length) return [];
    return this.db.transaction(() => ids.filter((id) => renew.run(leaseUntil, id, owner).changes === 0))();
  }

  /**
   * Takes back the running jobs of processes that died (a crash, SIGKILL, power loss) or hung:
   * those whose owner `isDead` says is gone, and those whose lease ran out. Each such job counts
   * a crash, apart from its attempts (the service did not fail it): it goes back to the queue
   * behind the others, or fails once it has stopped its worker `maxCrashes` times, so a photo that
   * crashes or hangs Captionist cannot stop the queue at every start. Jobs inside a Batch API
   * submission are left to the batch.
   */
  recoverAbandoned(now: string, isDead: (owner: string) => boolean, maxCrashes: number): { requeued: number; failed: number } {
    const running = this.sql(
      `SELECT id, lease_owner AS owner, lease_expires_at AS leaseExpiresAt, crashes
       FROM jobs WHERE state = 'running' AND batch_id IS NULL`,
    );
    // Its attempt is given back as on a clean stop: the crash is counted apart.
    const crashed = (state: string, finishedAt: string) =>
      this.sql(
        `UPDATE jobs SET state = ${state}, finished_at = ${finishedAt}, attempts = max(attempts - 1, 0),
           crashes = crashes + 1, last_error = @message, lease_owner = NULL, lease_expires_at = NULL, updated_at = @now
         WHERE id = @id AND state = 'running' AND lease_owner IS @owner AND lease_expires_at IS @leaseExpiresAt`,
      );
    const requeue = crashed(`CASE WHEN attempts > 1 THEN 'waiting-for-retry' ELSE 'queued' END`, 'NULL');
    const giveUp = crashed(`'failed'`, '@now');
    const abandoned = (running.all() as { id: number; owner: string | null; leaseExpiresAt: string | null; crashes: number }[])
      .map((job) => ({ ...job, dead: job.owner !== null && isDead(job.owner) }))
      .filter((job) => job.dead || job.owner === null || job.leaseExpiresAt === null || job.leaseExpiresAt < now);
    const outcome = { requeued: 0, failed: 0 };
    // Usually nothing was abandoned: then no write lock is taken. The updates check the lease is
    // still the one seen, in case another process took the job back meanwhile.
    if (!abandoned.length) return outcome;
    return this.db.transaction(() => {
      for (const job of abandoned) {
        const why = job.dead
          ? 'the process running it ended while it ran'
          : 'the process running it stopped answering (hung or suspended) until its lease ran out';
        const crashes = job.crashes + 1;
        const params = { id: job.id, owner: job.owner, leaseExpiresAt: job.leaseExpiresAt, now };
        if (crashes >= maxCrashes) {
          const message = `Stopped the worker ${crashes} times, so it was given up (retry it to try again); last: ${why}.`;
          outcome.failed += giveUp.run({ ...params, message }).changes;
        } else {
          const message = `${why[0]!.toUpperCase()}${why.slice(1)} (${crashes} of ${maxCrashes} times before it is given up).`;
          outcome.requeued += requeue.run({ ...params, message }).changes;
        }
      }
      return outcome;
    })();
  }

  /** Jobs of this kind and provider running now, directly or inside a batch. */
  runningCount(kind: JobKind, provider: string): number {
    return this
      .sql(`SELECT count(*) FROM jobs WHERE kind = ? AND provider = ? AND state = 'running'`)
      .pluck()
      .get(kind, provider) as number;
  }

  /** The run a job counts for now (a later run may have taken it over while it ran). */
  runId(id: number): number | null {
    return (this.sql('SELECT run_id FROM jobs WHERE id = ?').pluck().get(id) as number | null) ?? null;
  }

  /** Written the moment a provider names its task, so a restart polls it instead of paying again. */
  setRemoteTaskId(id: number, taskId: string, at: string): void {
    this.sql('UPDATE jobs SET remote_task_id = ?, updated_at = ? WHERE id = ?').run(taskId, at, id);
  }

  /** False once the job is gone: removed with its photo when its folder left the library. */
  exists(id: number): boolean {
    return this.sql('SELECT 1 FROM jobs WHERE id = ?').get(id) !== undefined;
  }

  remoteTaskId(id: number): string | null {
    return (this.sql('SELECT remote_task_id FROM jobs WHERE id = ?').pluck().get(id) as string | null) ?? null;
  }

  /**
   * Marks a running job of `owner` done. False when the job is no longer ours (our lease ran out
   * while the process slept and another process took the job over): the caller must not keep
   * its result, or the photo would be captioned (and paid for) twice.
   */
  complete(id: number, owner: string, at: string): boolean {
    return (
      this.sql(
        `UPDATE jobs SET state = 'done', last_error = NULL, lease_owner = NULL, lease_expires_at = NULL,
           updated_at = @at, finished_at = @at WHERE id = @id AND state = 'running' AND lease_owner = @owner`,
      ).run({ id, owner, at }).changes === 1
    );
  }

  /**
   * Ends a job in failure. A remote task it still holds is kept only when the task may yet
   * finish (the failure was transient); otherwise a retry starts afresh.
   */
  fail(id: number, owner: string, message: string, keepRemoteTask: boolean, at: string): void {
    this
      .sql(
        `UPDATE jobs SET state = 'failed', last_error = @message, lease_owner = NULL, lease_expires_at = NULL,
           updated_at = @at, finished_at = @at, remote_task_id = CASE WHEN @keep THEN remote_task_id END
         WHERE id = @id AND state = 'running' AND lease_owner = @owner`,
      )
      .run({ id, owner, message, keep: keepRemoteTask ? 1 : 0, at });
  }

  /** A transient failure: the job tries again at `nextRunAt`, its attempt counted. */
  retryLater(id: number, owner: string, message: string, nextRunAt: string, at: string): void {
    this
      .sql(
        `UPDATE jobs SET state = 'waiting-for-retry', last_error = ?, next_run_at = ?, lease_owner = NULL,
           lease_expires_at = NULL, updated_at = ? WHERE id = ? AND state = 'running' AND lease_owner = ?`,
      )
      .run(message, nextRunAt, at, id, owner);
  }

  /**
   * Hands a running job back to the queue with its attempt given back: the run was stopped, the
   * network is down or the service asked us to slow down, none of which is the photo's fault.
   */
  release(id: number, owner: string, at: string, nextRunAt: string | null = null): void {
    this
      .sql(
        `UPDATE jobs SET state = CASE WHEN attempts > 1 THEN 'waiting-for-retry' ELSE 'queued' END,
           attempts = max(attempts - 1, 0), next_run_at = ?, lease_owner = NULL, lease_expires_at = NULL, updated_at = ?
         WHERE id = ? AND state = 'running' AND lease_owner = ?`,
      )
      .run(nextRunAt, at, id, owner);
  }

  state(id: number): JobState | undefined {
    return this.sql('SELECT state FROM jobs WHERE id = ?').pluck().get(id) as JobState | undefined;
  }

  counts(scopes: readonly string[] = []): QueueCounts {
    const scope = jobScope(scopes);
    const byState = new Map(
      (
        this.sql(
          scopes.length
            ? `SELECT j.state, count(*) AS n FROM jobs j JOIN photos p ON p.id = j.photo_id WHERE ${scope.sql} GROUP BY j.state`
            : 'SELECT state, count(*) AS n FROM jobs GROUP BY state',
        ).all(...scope.params) as { state: JobState; n: number }[]
      ).map((row) => [row.state, row.n]),
    );
    // Only waiting jobs can be paused, and only when a pause exists: usually nothing to count.
    // LEFT JOIN: the embed job has no photo, yet a pause of everything holds it (as claimNext does).
    const paused = this.pausedScopes().length
      ? (this.sql(
          `SELECT count(*) FILTER (WHERE j.state = 'queued') AS queued, count(*) FILTER (WHERE j.state = 'waiting-for-retry') AS retrying
           FROM jobs j LEFT JOIN photos p ON p.id = j.photo_id WHERE j.${waiting} AND ${pausedSql('p.path')} AND ${scope.sql}`,
        ).get(...scope.params) as { queued: number; retrying: number })
      : { queued: 0, retrying: 0 };
    const count = (state: JobState) => byState.get(state) ?? 0;
    return {
      queued: count('queued') - paused.queued,
      running: count('running'),
      waitingForRetry: count('waiting-for-retry') - paused.retrying,
      paused: paused.queued + paused.retrying,
      done: count('done'),
      failed: count('failed'),
      cancelled: count('cancelled'),
    };
  }

  /** How a run's jobs stand. */
  runCounts(runId: number): { total: number; done: number; failed: number; unfinished: number } {
    return this
      .sql(
        `SELECT count(*) AS total,
           count(*) FILTER (WHERE state = 'done') AS done,
           count(*) FILTER (WHERE state IN ('failed', 'cancelled')) AS failed,
           count(*) FILTER (WHERE ${unfinished}) AS unfinished
         FROM jobs WHERE run_id = ?`,
      )
      .get(runId) as { total: number; done: number; failed: number; unfinished: number };
  }

  /** Jobs finished since `since`: the recent rate behind the queue's ETA. */
  finishedSince(since: string): number {
    return this.sql(`SELECT count(*) FROM jobs WHERE state = 'done' AND finished_at >= ?`).pluck().get(since) as number;
  }

  /** Runs that still have work queued: the spending the progress shows. */
  activeRunIds(): number[] {
    return this
      .sql(`SELECT DISTINCT run_id FROM jobs WHERE ${unfinished} AND run_id IS NOT NULL`)
      .pluck()
      .all() as number[];
  }

  list(scopes: readonly string[], states: readonly JobState[], limit: number, runId?: number): QueueJob[] {
    const scope = jobScope(scopes);
    const stateFilter =
      (states.length ? `AND j.state IN (${states.map(() => '?').join(', ')})` : '') +
      (runId === undefined ? '' : ' AND j.run_id = ?');
    const rows = this
      .sql(
        `SELECT j.id, j.kind, j.provider, coalesce(p.path, '') AS path, j.state, ${pausedSql('p.path')} AS paused, j.via_batch,
           j.priority, j.attempts, j.next_run_at, j.last_error, j.updated_at
         FROM jobs j LEFT JOIN photos p ON p.id = j.photo_id
         WHERE ${scope.sql} ${stateFilter}
         ORDER BY CASE j.state WHEN 'running' THEN 0 WHEN 'waiting-for-retry' THEN 1 WHEN 'queued' THEN 2
           WHEN 'failed' THEN 3 ELSE 4 END, j.priority DESC, j.id
         LIMIT ?`,
      )
      .all(...scope.params, ...states, ...(runId === undefined ? [] : [runId]), limit) as JobRow[];
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      provider: row.provider,
      path: row.path,
      state: row.state,
      paused: row.paused === 1 && (row.state === 'queued' || row.state === 'waiting-for-retry'),
      viaBatch: row.via_batch === 1,
      priority: row.priority,
      attempts: row.attempts,
      nextRunAt: row.next_run_at,
      lastError: row.last_error,
      updatedAt: row.updated_at,
    }));
  }

  /** Pauses the scope ('' for everything); jobs already running finish. */
  pause(scope: string, at: string): void {
    this.sql('INSERT OR IGNORE INTO queue_pauses (scope, paused_at) VALUES (?, ?)').run(scope, at);
  }

  /** Lifts the pauses at or below the scope ('' lifts them all). Returns how many were lifted. */
  resume(scope: string): number {
    if (scope === '') return this.sql('DELETE FROM queue_pauses').run().changes;
    return this
      .sql('DELETE FROM queue_pauses WHERE scope = ? OR substr(scope, 1, length(?)) = ?')
      .run(scope, scope, scope).changes;
  }

  pausedScopes(): string[] {
    return this.sql('SELECT scope FROM queue_pauses ORDER BY scope').pluck().all() as string[];
  }

  /** Queues the failed jobs of the scopes again, from their first attempt (their crashes stay counted). */
  retryFailed(scopes: readonly string[], at: string): number {
    const scope = jobScope(scopes);
    return this
      .sql(
        `UPDATE jobs SET state = 'queued', attempts = 0, next_run_at = NULL, last_error = NULL, finished_at = NULL,
           updated_at = ?
         WHERE state = 'failed' AND ${jobsOfPhotosIn(scopes)}`,
      )
      .run(at, ...scope.params).changes;
  }

  /**
   * Cancels the scopes' unfinished jobs: waiting ones, and running ones too (a live process notices
   * at its next lease renewal, drops the job and stores nothing; a dead one's job just ends). Jobs
   * inside a submitted batch stay with it.
   */
  cancel(scopes: readonly string[], at: string): CancelledJobs {
    const scope = jobScope(scopes);
    return this.cancelWhere(jobsOfPhotosIn(scopes), scope.params, at);
  }

  /** Cancels every unfinished job of a provider (one being removed), except those inside a submitted batch. */
  cancelProvider(provider: string, at: string): CancelledJobs {
    return this.cancelWhere('provider = ? COLLATE NOCASE', [provider], at);
  }

  /** How many of a provider's jobs wait inside its submitted Batch API batches. */
  inBatches(provider: string): number {
    return this
      .sql(`SELECT count(*) FROM jobs WHERE provider = ? COLLATE NOCASE AND state = 'running' AND batch_id IS NOT NULL`)
      .pluck()
      .get(provider) as number;
  }

  private cancelWhere(condition: string, params: readonly unknown[], at: string): CancelledJobs {
    const cancel = (states: string) =>
      this
        .sql(
          `UPDATE jobs SET state = 'cancelled', next_run_at = NULL, lease_owner = NULL, lease_expires_at = NULL,
             updated_at = ?, finished_at = ?
           WHERE ${states} AND batch_id IS NULL AND ${condition}`,
        )
        .run(at, at, ...params).changes;
    return this.db.transaction(() => ({ queued: cancel(waiting), running: cancel(`state = 'running'`) }))();
  }

  /** Moves these photos' waiting jobs ahead of the rest (what the user is looking at). */
  prioritise(photoIds: readonly number[], priority: number, at: string): number {
    const statement = this.sql(
      `UPDATE jobs SET priority = ?, updated_at = ? WHERE photo_id = ? AND ${waiting}`,
    );
    return this.db.transaction(() => photoIds.reduce((changed, id) => changed + statement.run(priority, at, id).changes, 0))();
  }
}
