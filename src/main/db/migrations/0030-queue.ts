import type { Database } from 'better-sqlite3';
import type { Migration } from '../migrate';

/**
 * The durable queue: jobs get the states the queue reports ('waiting' becomes 'waiting-for-retry'),
 * the run that queued them, a lease owner (so a restart can tell a dead process's jobs from a live
 * one's), batch membership and a finish time; pauses are kept per folder scope; Batch API
 * submissions survive restarts; a folder's auto-caption names the provider it uses.
 */
export const queue: Migration = {
  version: 30,
  name: 'queue',
  up(db: Database) {
    db.exec(`
      CREATE TABLE caption_batches (
        id INTEGER PRIMARY KEY,
        provider TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'preparing'
          CHECK (state IN ('preparing', 'submitted', 'done', 'failed', 'cancelled')),
        -- The process building it: a 'preparing' batch of a live process is not another's to recover.
        owner TEXT,
        -- Sent as metadata.captionist_batch, so a create whose answer was lost can be found again.
        client_ref TEXT UNIQUE,
        remote_batch_id TEXT,
        input_file_id TEXT,
        output_file_id TEXT,
        error_file_id TEXT,
        remote_status TEXT,
        request_count INTEGER NOT NULL DEFAULT 0,
        completed_count INTEGER NOT NULL DEFAULT 0,
        failed_count INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        finished_at TEXT
      );
      CREATE INDEX caption_batches_active ON caption_batches(provider) WHERE state IN ('preparing', 'submitted');

      CREATE TABLE jobs_v30 (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('caption', 'writeMetadata')),
        photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        provider TEXT,
        run_id INTEGER REFERENCES caption_runs(id),
        payload TEXT NOT NULL DEFAULT '{}',
        state TEXT NOT NULL DEFAULT 'queued'
          CHECK (state IN ('queued', 'running', 'waiting-for-retry', 'done', 'failed', 'cancelled')),
        via_batch INTEGER NOT NULL DEFAULT 0,
        batch_id INTEGER REFERENCES caption_batches(id),
        priority INTEGER NOT NULL DEFAULT 0,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_run_at TEXT,
        lease_owner TEXT,
        lease_expires_at TEXT,
        remote_task_id TEXT,
        last_error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        finished_at TEXT
      );
      INSERT INTO jobs_v30 (id, kind, photo_id, provider, payload, state, priority, attempts, next_run_at,
          lease_expires_at, remote_task_id, last_error, created_at, updated_at, finished_at)
        SELECT id, kind, photo_id, provider, payload,
          CASE state WHEN 'waiting' THEN 'waiting-for-retry' ELSE state END,
          priority, attempts, next_run_at, lease_expires_at, remote_task_id, last_error, created_at, updated_at,
          CASE WHEN state IN ('done', 'failed', 'cancelled') THEN updated_at END
        FROM jobs WHERE photo_id IS NOT NULL;
      DROP TABLE jobs;
      ALTER TABLE jobs_v30 RENAME TO jobs;

      CREATE INDEX jobs_due ON jobs(kind, provider, via_batch, priority DESC, id)
        WHERE state IN ('queued', 'waiting-for-retry');
      CREATE INDEX jobs_photo ON jobs(photo_id, kind, state);
      CREATE INDEX jobs_running ON jobs(lease_expires_at) WHERE state = 'running';
      CREATE INDEX jobs_run ON jobs(run_id, state);
      CREATE INDEX jobs_finished ON jobs(finished_at) WHERE state = 'done';
      CREATE INDEX jobs_batch ON jobs(batch_id) WHERE batch_id IS NOT NULL;

      -- What each line of a batch asked for, so its answer is stored as the direct path stores it.
      CREATE TABLE caption_batch_requests (
        batch_id INTEGER NOT NULL REFERENCES caption_batches(id) ON DELETE CASCADE,
        custom_id TEXT NOT NULL,
        job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        line INTEGER NOT NULL,
        sent TEXT NOT NULL,
        PRIMARY KEY (batch_id, custom_id)
      );
      CREATE INDEX caption_batch_requests_job ON caption_batch_requests(job_id);

      CREATE TABLE queue_pauses (
        scope TEXT PRIMARY KEY,
        paused_at TEXT NOT NULL
      );

      ALTER TABLE folders ADD COLUMN auto_caption_provider TEXT;
      ALTER TABLE folders DROP COLUMN auto_caption;
    `);
  },
};
