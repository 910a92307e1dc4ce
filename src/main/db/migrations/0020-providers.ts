import type { Database } from 'better-sqlite3';
import type { Migration } from '../migrate';

/**
 * Configured caption providers (never their keys), caption runs with their running totals,
 * and per-folder caption defaults, which take over the single context column of 0010.
 */
export const providers: Migration = {
  version: 20,
  name: 'providers',
  up(db: Database) {
    db.exec(`
      CREATE TABLE providers (
        name TEXT PRIMARY KEY COLLATE NOCASE,
        type TEXT NOT NULL,
        config TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );

      CREATE TABLE caption_runs (
        id INTEGER PRIMARY KEY,
        provider TEXT NOT NULL,
        options TEXT NOT NULL DEFAULT '{}',
        started_at TEXT NOT NULL,
        finished_at TEXT,
        total INTEGER NOT NULL DEFAULT 0,
        captioned INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0,
        input_tokens INTEGER NOT NULL DEFAULT 0,
        output_tokens INTEGER NOT NULL DEFAULT 0,
        cost_usd REAL
      );

      ALTER TABLE captions ADD COLUMN run_id INTEGER REFERENCES caption_runs(id);
      CREATE INDEX captions_provider ON captions(provider);
      CREATE INDEX captions_photo ON captions(photo_id, version);
      CREATE INDEX jobs_photo ON jobs(photo_id, kind, state);

      ALTER TABLE folders ADD COLUMN caption_options TEXT NOT NULL DEFAULT '{}';
      UPDATE folders SET caption_options = json_object('context', caption_context)
        WHERE caption_context IS NOT NULL AND trim(caption_context) != '';
      ALTER TABLE folders DROP COLUMN caption_context;
    `);
  },
};
