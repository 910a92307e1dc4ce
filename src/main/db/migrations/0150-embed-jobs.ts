import type { Database } from 'better-sqlite3';
import type { Migration } from '../migrate';

/** A job still to do or doing: the states the one-embed-job rule and its triggers look at. */
const unfinished = `state IN ('queued', 'running', 'waiting-for-retry')`;

/**
 * Queues embedding in the statement that makes a caption waiting: one unfinished 'embed' job per
 * embedding provider, created only when none is, so every process storing a caption (a queue
 * worker, an edit in the app, indexing a file's own caption) queues it in its own transaction.
 */
const queueEmbedding = `
  INSERT INTO jobs (kind, photo_id, provider, created_at, updated_at)
    SELECT 'embed', NULL, m.provider, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
    FROM embedding_model m
    WHERE NOT EXISTS (SELECT 1 FROM jobs j WHERE j.kind = 'embed' AND j.provider = m.provider AND j.${unfinished});`;

/**
 * Embedding runs through the queue. Jobs get the kind 'embed': one job for the library's backlog
 * of captions without a vector, so it has no photo (`photo_id` NULL for that kind only). SQLite
 * cannot change a CHECK in place, so `jobs` is rebuilt with every row, id, index and trigger
 * kept, and with the Batch API's requests that point at its rows. Triggers then queue the job
 * whenever a caption becomes waiting (a new caption version, a file's own caption changed, a
 * new photo with one) or the model is chosen or changed; a library with a model queues it now.
 * The model gains the dimensions the user asked for (sent as the request's `dimensions`) and its
 * price per million input tokens; `embedding_spend` counts each provider's embedding tokens and
 * cost, as `provider_totals` counts its captions', for the budget and `embeddings status`.
 */
export const embedJobs: Migration = {
  version: 150,
  name: 'embed-jobs',
  up(db: Database) {
    const kept = db
      .prepare(`SELECT sql FROM sqlite_master WHERE tbl_name = 'jobs' AND type IN ('index', 'trigger') AND sql IS NOT NULL`)
      .pluck()
      .all() as string[];
    db.exec(`
      CREATE TEMP TABLE jobs_before_150 AS SELECT * FROM jobs;
      -- Dropping jobs deletes these through their foreign key: kept aside and put back.
      CREATE TEMP TABLE batch_requests_before_150 AS SELECT * FROM caption_batch_requests;
      DROP TABLE jobs;
      CREATE TABLE jobs (
        id INTEGER PRIMARY KEY,
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
        FROM temp.jobs_before_150;
      INSERT INTO caption_batch_requests SELECT * FROM temp.batch_requests_before_150;
      DROP TABLE temp.jobs_before_150;
      DROP TABLE temp.batch_requests_before_150;
    `);
    for (const sql of kept) db.exec(sql);
    db.exec(`
      ALTER TABLE embedding_model ADD COLUMN requested_dimensions INTEGER CHECK (requested_dimensions > 0);
      ALTER TABLE embedding_model ADD COLUMN usd_per_million_tokens REAL CHECK (usd_per_million_tokens >= 0);
      CREATE TABLE embedding_spend (
        provider TEXT PRIMARY KEY COLLATE NOCASE,
        input_tokens INTEGER NOT NULL DEFAULT 0,
        cost_usd REAL NOT NULL DEFAULT 0
      );
      CREATE UNIQUE INDEX jobs_one_embed ON jobs(provider) WHERE kind = 'embed' AND ${unfinished};
      CREATE TRIGGER embed_new_caption AFTER UPDATE OF current_caption_id ON photos
        WHEN new.current_caption_id IS NOT old.current_caption_id BEGIN ${queueEmbedding} END;
      CREATE TRIGGER embed_file_caption AFTER UPDATE OF embedded_caption, embedded_title, embedded_keywords ON photos
        WHEN new.current_caption_id IS NULL AND (new.embedded_caption IS NOT old.embedded_caption
          OR new.embedded_title IS NOT old.embedded_title OR new.embedded_keywords IS NOT old.embedded_keywords)
        BEGIN ${queueEmbedding} END;
      CREATE TRIGGER embed_new_photo AFTER INSERT ON photos
        WHEN new.embedded_caption IS NOT NULL OR new.current_caption_id IS NOT NULL BEGIN ${queueEmbedding} END;
      CREATE TRIGGER embed_model_chosen AFTER INSERT ON embedding_model BEGIN ${queueEmbedding} END;
      CREATE TRIGGER embed_model_changed AFTER UPDATE OF provider, model ON embedding_model
        WHEN old.provider IS NOT new.provider OR old.model IS NOT new.model BEGIN ${queueEmbedding} END;
      -- Vectors of other lengths cannot be compared: asking for other dimensions embeds anew.
      CREATE TRIGGER embed_dimensions_changed AFTER UPDATE OF requested_dimensions ON embedding_model
        WHEN old.requested_dimensions IS NOT new.requested_dimensions
        BEGIN
          DELETE FROM photo_embeddings;
          DELETE FROM query_embeddings;
          ${queueEmbedding}
        END;
      ${queueEmbedding}
    `);
  },
};
