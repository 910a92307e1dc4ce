import type { Database } from 'better-sqlite3';
import type { Migration } from '../migrate';

/** Removals kept for indexes catching up; an index older than the oldest kept one is built again. */
export const keptCodeRemovals = 100_000;

/**
 * `embedding_code_removals`: each sign code removed (its photo deleted, its caption changed, the
 * model changed), in order, so that the index in memory drops it when it next catches up, as it
 * takes in new codes by their seq. Before, the index kept a removed code until the app restarted
 * and had to ask the database, on every search, which of the photos it ranked from codes still had
 * one. A code replaced (INSERT OR REPLACE) is not a removal: its new row brings the new code (the
 * embeddings repository updates a vector in place for the same reason: replacing it would cascade).
 */
export const codeRemovals: Migration = {
  version: 190,
  name: 'code-removals',
  up(db: Database) {
    db.exec(`
      CREATE TABLE embedding_code_removals (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        photo_id INTEGER NOT NULL
      );
      CREATE TRIGGER embedding_code_removed AFTER DELETE ON embedding_codes
        BEGIN
          INSERT INTO embedding_code_removals (photo_id) VALUES (old.photo_id);
          DELETE FROM embedding_code_removals WHERE seq <= (SELECT max(seq) FROM embedding_code_removals) - ${keptCodeRemovals};
        END;
    `);
  },
};
