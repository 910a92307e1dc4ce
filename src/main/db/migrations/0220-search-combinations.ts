import type { Database } from 'better-sqlite3';
import type { Migration } from '../migrate';
import { staleListAfter } from './0160-relevance-lists';

/**
 * Lists for searches of several words (src/main/db/relevance-lists.ts): the best photos of one
 * phrase are rarely the best of two, so a text of several phrases that the phrases' lists cannot
 * vouch for is ranked once and its own best photos kept, with their bm25 score for the library
 * as it was then (each phrase's idf, the average length). A photo changed since and the list is
 * built again when next searched, not brought up to date.
 *
 * - `search_combinations`: one row a text, numbered as built (the newest has the largest id), the
 *   score of its last photo (every other match scores at most that) and the change it was built at.
 * - `search_combination_photos`: its photos and their scores.
 *
 * Changes are logged while a combination exists too, and the log's trim drops combinations far
 * behind as it drops the phrases' lists.
 */
export const searchCombinations: Migration = {
  version: 220,
  name: 'search-combinations',
  up(db: Database) {
    db.exec(`
      CREATE TABLE search_combinations (
        id INTEGER PRIMARY KEY,
        text TEXT NOT NULL UNIQUE,
        cutoff_score REAL NOT NULL,
        cutoff_id INTEGER NOT NULL,
        changes_seen INTEGER NOT NULL
      );
      CREATE TABLE search_combination_photos (
        combination_id INTEGER NOT NULL REFERENCES search_combinations (id) ON DELETE CASCADE,
        photo_id INTEGER NOT NULL,
        score REAL NOT NULL,
        PRIMARY KEY (combination_id, photo_id)
      ) WITHOUT ROWID;
    `);
    // The photo triggers as they are, logging while any list or combination exists.
    const loggers = db
      .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'search_changes_photo_%'`)
      .raw()
      .all() as [string, string][];
    for (const [name, sql] of loggers) {
      const logging = sql.replace('WHEN EXISTS (SELECT 1 FROM search_lists)', 'WHEN (EXISTS (SELECT 1 FROM search_lists) OR EXISTS (SELECT 1 FROM search_combinations))');
      if (logging === sql) throw new Error(`Trigger ${name} is not as migration 0160 made it.`);
      db.exec(`DROP TRIGGER ${name}; ${logging};`);
    }
    db.exec(`
      DROP TRIGGER search_changes_trim;
      CREATE TRIGGER search_changes_trim AFTER INSERT ON search_changes WHEN new.seq % 1000 = 0 BEGIN
        DELETE FROM search_lists WHERE changes_seen < new.seq - ${staleListAfter};
        DELETE FROM search_combinations WHERE changes_seen < new.seq - ${staleListAfter};
        DELETE FROM search_changes WHERE seq <= coalesce(
          (SELECT min(seen) FROM (SELECT changes_seen AS seen FROM search_lists UNION ALL SELECT changes_seen FROM search_combinations)),
          new.seq);
      END;
    `);
  },
};
