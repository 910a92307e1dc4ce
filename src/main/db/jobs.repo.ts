import type { Database } from 'better-sqlite3';

export type JobKind = 'caption';

export interface ClaimedJob {
  id: number;
  photoId: number;
  payload: string;
  attempts: number;
  remoteTaskId: string | null;
}

/** States in which a job still has work ahead of it. */
const active = `state IN ('queued', 'running', 'waiting')`;

export class JobsRepository {
  constructor(private readonly db: Database) {}

  counts(): { queued: number; failed: number } {
    return this.db
      .prepare(
        `SELECT
           count(*) FILTER (WHERE ${active}) AS queued,
           count(*) FILTER (WHERE state = 'failed') AS failed
         FROM jobs`,
      )
      .get() as { queued: number; failed: number };
  }

  /**
   * One job per photo, kind and provider: a photo with an unfinished job keeps it (and any remote
   * task it holds), a failed one is queued again, and only a photo with neither gets a new job.
   * Returns the ids of every job now due for these photos.
   */
  enqueue(kind: JobKind, provider: string, photoIds: readonly number[], payload: object, at: string): number[] {
    const find = this.db.prepare(
      `SELECT id, state FROM jobs WHERE kind = ? AND provider = ? AND photo_id = ?
         AND (${active} OR state = 'failed') ORDER BY id DESC LIMIT 1`,
    );
    const requeue = this.db.prepare(
      `UPDATE jobs SET state = 'queued', payload = ?, next_run_at = NULL, updated_at = ? WHERE id = ?`,
    );
    const insert = this.db.prepare(
      `INSERT INTO jobs (kind, photo_id, provider, payload, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    const json = JSON.stringify(payload);
    return this.db.transaction(() =>
      photoIds.map((photoId) => {
        const existing = find.get(kind, provider, photoId) as { id: number; state: string } | undefined;
        if (existing?.state === 'failed') requeue.run(json, at, existing.id);
        if (existing) return existing.id;
        return Number(insert.run(kind, photoId, provider, json, at, at).lastInsertRowid);
      }),
    )();
  }

  /**
   * Takes a job for this process until `leaseUntil`, if it is due: queued, waiting, or running
   * under a lease that expired (its process died). Undefined when another process holds it.
   */
  claim(id: number, now: string, leaseUntil: string): ClaimedJob | undefined {
    return this.db
      .prepare(
        `UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_expires_at = @leaseUntil, updated_at = @now
         WHERE id = @id AND (
           (state IN ('queued', 'waiting') AND (next_run_at IS NULL OR next_run_at <= @now))
           OR (state = 'running' AND lease_expires_at < @now))
         RETURNING id, photo_id AS photoId, payload, attempts, remote_task_id AS remoteTaskId`,
      )
      .get({ id, now, leaseUntil }) as ClaimedJob | undefined;
  }

  renewLease(ids: readonly number[], leaseUntil: string): void {
    const statement = this.db.prepare(`UPDATE jobs SET lease_expires_at = ? WHERE id = ? AND state = 'running'`);
    this.db.transaction(() => {
      for (const id of ids) statement.run(leaseUntil, id);
    })();
  }

  /** Written the moment a provider names its task, so a restart polls it instead of paying again. */
  setRemoteTaskId(id: number, taskId: string, at: string): void {
    this.db.prepare('UPDATE jobs SET remote_task_id = ?, updated_at = ? WHERE id = ?').run(taskId, at, id);
  }

  remoteTaskId(id: number): string | null {
    return (this.db.prepare('SELECT remote_task_id FROM jobs WHERE id = ?').pluck().get(id) as string | null) ?? null;
  }

  complete(id: number, at: string): void {
    this.db
      .prepare(`UPDATE jobs SET state = 'done', last_error = NULL, lease_expires_at = NULL, updated_at = ? WHERE id = ?`)
      .run(at, id);
  }

  /**
   * Ends a job in failure. A remote task it still holds is kept only when the task may yet
   * finish (the failure was transient); otherwise a retry starts afresh.
   */
  fail(id: number, message: string, keepRemoteTask: boolean, at: string): void {
    this.db
      .prepare(
        `UPDATE jobs SET state = 'failed', last_error = ?, lease_expires_at = NULL, updated_at = ?,
           remote_task_id = CASE WHEN ? THEN remote_task_id END
         WHERE id = ?`,
      )
      .run(message, at, keepRemoteTask ? 1 : 0, id);
  }

  /** Hands a running job back to the queue untouched (the run was stopped). */
  release(id: number, at: string): void {
    this.db
      .prepare(`UPDATE jobs SET state = 'queued', lease_expires_at = NULL, updated_at = ? WHERE id = ? AND state = 'running'`)
      .run(at, id);
  }
}
