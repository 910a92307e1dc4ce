import type { Database } from 'better-sqlite3';
import type { Migration } from '../migrate';

/**
 * Counts that hold up at a million photos, kept by triggers instead of counted on each call.
 *
 * - `photo_dirs.first_id` and `last_id` bound the ids of each folder's photos. A folder whose
 *   photos fill its bounds exactly (the indexer adds a folder's files one after the other) owns
 *   every id between them, so counting a search's matches per folder walks the matching ids
 *   against those ranges instead of looking each one up in `photo_dir_of`. Removing a photo
 *   leaves the bounds wider than the folder, which then falls back to the lookups.
 * - `library_totals.captioned` counts the photos that have a caption of ours, for the status.
 * - Renaming a library folder refreshes its photos' search rows: its name is one of their words.
 */
export const searchSpeed: Migration = {
  version: 60,
  name: 'search-speed',
  up(db: Database) {
    db.exec(`
      ALTER TABLE photo_dirs ADD COLUMN first_id INTEGER;
      ALTER TABLE photo_dirs ADD COLUMN last_id INTEGER;
      UPDATE photo_dirs SET first_id = bounds.first_id, last_id = bounds.last_id
      FROM (SELECT dir_id, min(photo_id) AS first_id, max(photo_id) AS last_id FROM photo_dir_of GROUP BY dir_id) AS bounds
      WHERE bounds.dir_id = photo_dirs.id;
      CREATE INDEX photo_dirs_first_id ON photo_dirs(first_id);

      CREATE TRIGGER photo_dir_bounds AFTER INSERT ON photo_dir_of BEGIN
        UPDATE photo_dirs SET first_id = min(coalesce(first_id, new.photo_id), new.photo_id),
                              last_id = max(coalesce(last_id, new.photo_id), new.photo_id)
        WHERE id = new.dir_id;
      END;

      CREATE TABLE library_totals (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        captioned INTEGER NOT NULL
      );
      INSERT INTO library_totals (id, captioned)
        SELECT 1, count(*) FROM photos WHERE current_caption_id IS NOT NULL;
      CREATE TRIGGER library_totals_caption
        AFTER UPDATE OF current_caption_id ON photos
        WHEN (old.current_caption_id IS NULL) <> (new.current_caption_id IS NULL)
      BEGIN
        UPDATE library_totals SET captioned = captioned + (CASE WHEN new.current_caption_id IS NULL THEN -1 ELSE 1 END);
      END;
      CREATE TRIGGER library_totals_photo_delete AFTER DELETE ON photos WHEN old.current_caption_id IS NOT NULL BEGIN
        UPDATE library_totals SET captioned = captioned - 1;
      END;

      -- Setting folder_id to itself runs the photos' own search trigger, which reads the new name.
      CREATE TRIGGER folders_search_rename AFTER UPDATE OF name ON folders WHEN old.name IS NOT new.name BEGIN
        UPDATE photos SET folder_id = folder_id WHERE folder_id = new.id;
      END;
    `);
  },
};
