import type { Database } from 'better-sqlite3';
import type { Migration } from '../migrate';

/**
 * A job's id is never given again. `jobs.id` was a plain INTEGER PRIMARY KEY, which SQLite hands
 * out as the largest id plus one: removing a folder deleted its photos' jobs, and the next job
 * queued could take the id of one whose request was still in flight. When that request ended, its
 * outcome was recorded on the new job (a photo of another folder marked failed, or done without
 * a caption). AUTOINCREMENT never reuses an id; `jobs` is rebuilt with every row, id, index and
 * trigger kept, and with the Batch API's requests that point at its rows (as migration 0150 did).
 */
export const jobIdsNeverReused: Migration = {
  version: 210,
  name: 'job-ids-never-reused',
  up(db: Database) {
    const kept = db
      .prepare(`SELECT sql FROM sqlite_master WHERE tbl_name = 'jobs' AND type IN ('index', 'trigger') AND sql IS NOT NULL`)
      .pluck()
      .all() as string[];
    db.exec(`
      CREATE TEMP TABLE jobs_before_210 AS SELECT * FROM jobs;
      -- Dropping jobs deletes these through their foreign key: kept aside and put back.
      CREATE TEMP TABLE batch_requests_before_210 AS SELECT * FROM caption_batch_requests;
      DROP TABLE jobs;
      CREATE TABLE jobs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL CHECK (kind IN ('caption', 'writeMetadata', 'embed')),
        -- NULL only for 'embed': its job is the library's backlog, not one photo.
        photo_id INTEGER REFERENCES photos(id) ON DELETE CASCADE CHECK ((photo_id IS NULL) = (kind = 'embed')),
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
        finished_at TEXT,
        crashes INTEGER NOT NULL DEFAULT 0
      );
      INSERT INTO jobs (id, kind, photo_id, provider, run_id, payload, state, via_batch, batch_id, priority, attempts,
          next_run_at, lease_owner, lease_expires_at, remote_task_id, last_error, created_at, updated_at, finished_at, crashes)
        SELECT id, kind, photo_id, provider, run_id, payload, state, via_batch, batch_id, priority, attempts,
          next_run_at, lease_owner, lease_expires_at, remote_task_id, last_error, created_at, updated_at, finished_at, crashes
        FROM temp.jobs_before_210;
      INSERT INTO caption_batch_requests SELECT * FROM temp.batch_requests_before_210;
      DROP TABLE temp.jobs_before_210;
      DROP TABLE temp.batch_requests_before_210;
    `);
    for (const sql of kept) db.exec(sql);
  },
};
