import type { Database, Statement } from 'better-sqlite3';
import { claimOrder, pausedSql, waiting } from './jobs.repo';
import type { ClaimedJob } from './jobs.repo';
import { statementCache } from './statements';

/**
 * A Batch API submission as we keep it: 'preparing' while its file is built, uploaded and the
 * batch created; 'submitted' once the service named it; then 'done', 'failed' or 'cancelled'
 * once its results are imported.
 */
export type CaptionBatchState = 'preparing' | 'submitted' | 'done' | 'failed' | 'cancelled';

export interface CaptionBatch {
  id: number;
  provider: string;
  state: CaptionBatchState;
  owner: string | null;
  clientRef: string;
  remoteBatchId: string | null;
  inputFileId: string | null;
  remoteStatus: string | null;
  requestCount: number;
  completedCount: number;
  failedCount: number;
  lastError: string | null;
  createdAt: string;
}

/** One line of a batch file: the job it answers and what was sent (see CaptionSteps' SentCaption). */
export interface CaptionBatchRequest {
  customId: string;
  jobId: number;
  line: number;
  sent: string;
}

const columns = `id, provider, state, owner, client_ref AS clientRef, remote_batch_id AS remoteBatchId,
  input_file_id AS inputFileId, remote_status AS remoteStatus, request_count AS requestCount,
  completed_count AS completedCount, failed_count AS failedCount, last_error AS lastError, created_at AS createdAt`;

/** The Batch API's batches, their lines, and the queue's jobs while a batch holds them. */
export class CaptionBatchesRepository {
  private readonly sql: (sql: string) => Statement;

  constructor(private readonly db: Database) {
    this.sql = statementCache(db);
  }

  /** A new batch, 'preparing'; its client ref joins the id to a nonce, unique across libraries sharing a key. */
  create(provider: string, owner: string, nonce: string, at: string): number {
    const id = Number(
      this.db
        .prepare(`INSERT INTO caption_batches (provider, owner, created_at, updated_at) VALUES (?, ?, ?, ?)`)
        .run(provider, owner, at, at).lastInsertRowid,
    );
    this.db.prepare('UPDATE caption_batches SET client_ref = ? WHERE id = ?').run(`${id}-${nonce}`, id);
    return id;
  }

  delete(id: number): void {
    this.db.prepare('DELETE FROM caption_batches WHERE id = ?').run(id);
  }

  get(id: number): CaptionBatch | undefined {
    return this.db.prepare(`SELECT ${columns} FROM caption_batches WHERE id = ?`).get(id) as CaptionBatch | undefined;
  }

  /** Batches not yet imported, oldest first. */
  active(): CaptionBatch[] {
    return this.db
      .prepare(`SELECT ${columns} FROM caption_batches WHERE state IN ('preparing', 'submitted') ORDER BY id`)
      .all() as CaptionBatch[];
  }

  /** Records the file's lines in one go: a batch with requests has a complete file on disk. */
  addRequests(batchId: number, requests: readonly CaptionBatchRequest[], at: string): void {
    const insert = this.db.prepare(
      `INSERT OR REPLACE INTO caption_batch_requests (batch_id, custom_id, job_id, line, sent)
       VALUES (@batchId, @customId, @jobId, @line, @sent)`,
    );
    this.db.transaction(() => {
      for (const request of requests) insert.run({ ...request, batchId });
      this.db
        .prepare('UPDATE caption_batches SET request_count = ?, updated_at = ? WHERE id = ?')
        .run(requests.length, at, batchId);
    })();
  }

  request(batchId: number, customId: string): CaptionBatchRequest | undefined {
    return this.db
      .prepare(
        `SELECT custom_id AS customId, job_id AS jobId, line, sent FROM caption_batch_requests WHERE batch_id = ? AND custom_id = ?`,
      )
      .get(batchId, customId) as CaptionBatchRequest | undefined;
  }

  /** The request on a line of the file (1-based, as the Batch API counts them). */
  requestOnLine(batchId: number, line: number): CaptionBatchRequest | undefined {
    return this.db
      .prepare(`SELECT custom_id AS customId, job_id AS jobId, line, sent FROM caption_batch_requests WHERE batch_id = ? AND line = ?`)
      .get(batchId, line) as CaptionBatchRequest | undefined;
  }

  /** The line of the batch file that asked for a job's photo. */
  lineOf(batchId: number, jobId: number): number | undefined {
    return this.db
      .prepare('SELECT line FROM caption_batch_requests WHERE batch_id = ? AND job_id = ?')
      .pluck()
      .get(batchId, jobId) as number | undefined;
  }

  /** A stopping process hands over the batches it was preparing: anyone may recover them now. */
  disown(owner: string): void {
    this.db.prepare(`UPDATE caption_batches SET owner = NULL WHERE owner = ? AND state = 'preparing'`).run(owner);
  }

  /** Stored the moment the upload answers, so a restart can create the batch without uploading again. */
  setInputFile(id: number, fileId: string, at: string): void {
    this.db.prepare('UPDATE caption_batches SET input_file_id = ?, updated_at = ? WHERE id = ?').run(fileId, at, id);
  }

  /** Stored the moment the service names the batch: from then on it is polled, never created again. */
  setSubmitted(id: number, remoteBatchId: string, status: string, at: string): void {
    this.db
      .prepare(
        `UPDATE caption_batches SET state = 'submitted', remote_batch_id = ?, remote_status = ?, owner = NULL,
           updated_at = ? WHERE id = ?`,
      )
      .run(remoteBatchId, status, at, id);
  }

  setRemoteStatus(
    id: number,
    remote: { status: string; outputFileId: string | null; errorFileId: string | null; completed: number; failed: number },
    at: string,
  ): void {
    this.db
      .prepare(
        `UPDATE caption_batches SET remote_status = @status, output_file_id = @outputFileId, error_file_id = @errorFileId,
           completed_count = @completed, failed_count = @failed, last_error = NULL, updated_at = @at WHERE id = @id`,
      )
      .run({ ...remote, at, id });
  }

  setLastError(id: number, message: string | null, at: string): void {
    this.db.prepare('UPDATE caption_batches SET last_error = ?, updated_at = ? WHERE id = ?').run(message, at, id);
  }

  finish(id: number, state: Exclude<CaptionBatchState, 'preparing' | 'submitted'>, lastError: string | null, at: string): void {
    this.db
      .prepare(
        `UPDATE caption_batches SET state = ?, last_error = coalesce(?, last_error), owner = NULL, updated_at = ?,
           finished_at = ? WHERE id = ?`,
      )
      .run(state, lastError, at, at, id);
  }

  /** Whether any of the provider's Batch API jobs is due and not paused. */
  anyJobDue(provider: string, now: string): boolean {
    return (
      this
        .sql(
          `SELECT 1 FROM jobs j JOIN photos p ON p.id = j.photo_id
           WHERE j.kind = 'caption' AND j.provider IS ? AND j.via_batch = 1 AND j.${waiting}
             AND (j.next_run_at IS NULL OR j.next_run_at <= ?) AND NOT ${pausedSql('p.path')} LIMIT 1`,
        )
        .get(provider, now) !== undefined
    );
  }

  /**
   * Takes up to `limit` of the provider's due Batch API caption jobs (highest priority, then
   * oldest; paused ones skipped) into local batch `batchId`, in one statement: leased to 'batch',
   * not to a process, so they stay with the batch across restarts.
   */
  claimJobs(provider: string, batchId: number, limit: number, now: string): ClaimedJob[] {
    return this
      .sql(
        `UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = 'batch', lease_expires_at = NULL,
           batch_id = @batchId, updated_at = @now
         WHERE id IN (
           SELECT j.id FROM jobs j JOIN photos p ON p.id = j.photo_id
           WHERE j.kind = 'caption' AND j.provider IS @provider AND j.via_batch = 1 AND j.${waiting}
             AND (j.next_run_at IS NULL OR j.next_run_at <= @now) AND NOT ${pausedSql('p.path')}
           ORDER BY ${claimOrder} LIMIT @limit)
         RETURNING id, kind, photo_id AS photoId, provider, run_id AS runId, payload, attempts, remote_task_id AS remoteTaskId`,
      )
      .all({ provider, batchId, limit, now }) as ClaimedJob[];
  }

  /** The jobs still waiting for a batch's answer. */
  jobsWaiting(batchId: number): ClaimedJob[] {
    return this
      .sql(
        `SELECT id, kind, photo_id AS photoId, provider, run_id AS runId, payload, attempts, remote_task_id AS remoteTaskId
         FROM jobs WHERE batch_id = ? AND state = 'running' ORDER BY id`,
      )
      .all(batchId) as ClaimedJob[];
  }

  /**
   * Marks a batch's job done, if it still waits for that batch; false when it does not (another
   * process imported the line first), so the caller's transaction can roll its caption back. A
   * job leaves its batch as it ends (caption_batch_requests keeps which batch answered it).
   */
  completeJob(id: number, batchId: number, at: string): boolean {
    return (
      this
        .sql(
          `UPDATE jobs SET state = 'done', last_error = NULL, lease_owner = NULL, batch_id = NULL, updated_at = @at,
             finished_at = @at
           WHERE id = @id AND batch_id = @batchId AND state = 'running'`,
        )
        .run({ id, batchId, at }).changes === 1
    );
  }

  /**
   * Takes a job out of its batch and back into the queue (the Batch API lane, as before), to wait
   * until `nextRunAt` if given. Its attempt is given back unless `countAttempt` (the batch expired
   * or was never created, the service was busy: not the photo's fault).
   */
  returnJob(
    id: number,
    batchId: number,
    at: string,
    options: { countAttempt?: boolean; message?: string; nextRunAt?: string } = {},
  ): void {
    this
      .sql(
        `UPDATE jobs SET attempts = CASE WHEN @count THEN attempts ELSE max(attempts - 1, 0) END,
           state = CASE WHEN @count OR attempts > 1 THEN 'waiting-for-retry' ELSE 'queued' END,
           next_run_at = @nextRunAt, last_error = coalesce(@message, last_error), batch_id = NULL, lease_owner = NULL,
           updated_at = @at
         WHERE id = @id AND batch_id = @batchId AND state = 'running'`,
      )
      .run({
        id,
        batchId,
        at,
        count: options.countAttempt ? 1 : 0,
        message: options.message ?? null,
        nextRunAt: options.nextRunAt ?? null,
      });
  }

  /** Ends a batch's job as failed or cancelled, if it still waits for that batch. */
  endJob(id: number, batchId: number, state: 'failed' | 'cancelled', message: string, at: string): void {
    this
      .sql(
        `UPDATE jobs SET state = @state, last_error = @message, lease_owner = NULL, batch_id = NULL, updated_at = @at,
           finished_at = @at
         WHERE id = @id AND batch_id = @batchId AND state = 'running'`,
      )
      .run({ id, batchId, state, message, at });
  }
}
