import type { Database } from 'better-sqlite3';

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

export class CaptionBatchesRepository {
  constructor(private readonly db: Database) {}

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
}
