import type { Database } from 'better-sqlite3';
import type { Migration } from '../migrate';

/** Changes after which a word's list is dropped rather than brought up to date (it is built again when next searched). */
export const staleListAfter = 5_000;

/**
 * Honest relevance at a million photos: for each word searched, its best photos by bm25, kept in
 * advance (src/main/db/relevance-lists.ts builds and reads them).
 *
 * - `search_lists`: one row a word (an FTS5 phrase): the average row length its scores were
 *   computed with, and the score (and id, among ties) of its last photo: every photo not listed
 *   scores at most that.
 * - `search_list_photos`: the listed photos with what their score is made of: the word's weighted
 *   count in the row and the row's length in tokens, so the order can be computed again for
 *   today's average length.
 * - `search_changes`: photos whose search row changed since (kept only while some list exists),
 *   so a list is brought up to date when next read. Every thousandth change drops the lists more
 *   than `staleListAfter` changes behind, and the changes no list needs any more: the log stays
 *   small even when nobody searches.
 *
 * The triggers fire on what rebuilds a photo's search row (the photo's own columns, and its
 * newest caption, which every caption change sets again).
 */
export const relevanceLists: Migration = {
  version: 160,
  name: 'relevance-lists',
  up(db: Database) {
    db.exec(`
      CREATE TABLE search_lists (
        phrase TEXT PRIMARY KEY,
        average_length REAL NOT NULL,
        cutoff_score REAL NOT NULL,
        cutoff_id INTEGER NOT NULL,
        changes_seen INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE search_list_photos (
        phrase TEXT NOT NULL REFERENCES search_lists (phrase) ON DELETE CASCADE,
        photo_id INTEGER NOT NULL,
        frequency REAL NOT NULL,
        length INTEGER NOT NULL,
        PRIMARY KEY (phrase, photo_id)
      ) WITHOUT ROWID;
      CREATE TABLE search_changes (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        photo_id INTEGER NOT NULL
      );

      CREATE TRIGGER search_changes_photo_insert AFTER INSERT ON photos WHEN EXISTS (SELECT 1 FROM search_lists) BEGIN
        INSERT INTO search_changes (photo_id) VALUES (new.id);
      END;
      CREATE TRIGGER search_changes_photo_update
        AFTER UPDATE OF current_caption_id, folder_id, path, rel_path, file_name, status, captured_at, embedded_title,
                        embedded_caption, embedded_alt_text, embedded_keywords,
                        place_name, place_ascii_name, place_region, place_country ON photos
        WHEN EXISTS (SELECT 1 FROM search_lists)
      BEGIN
        INSERT INTO search_changes (photo_id) VALUES (new.id);
      END;
      CREATE TRIGGER search_changes_photo_delete AFTER DELETE ON photos WHEN EXISTS (SELECT 1 FROM search_lists) BEGIN
        INSERT INTO search_changes (photo_id) VALUES (old.id);
      END;
      CREATE TRIGGER search_changes_trim AFTER INSERT ON search_changes WHEN new.seq % 1000 = 0 BEGIN
        DELETE FROM search_lists WHERE changes_seen < new.seq - ${staleListAfter};
        DELETE FROM search_changes WHERE seq <= coalesce((SELECT min(changes_seen) FROM search_lists), new.seq);
      END;
    `);
  },
};
