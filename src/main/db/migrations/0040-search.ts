import type { Database } from 'better-sqlite3';
import type { Migration } from '../migrate';

/**
 * Search that holds up at a million photos.
 *
 * - `photo_search` is rebuilt with the Porter stemmer over unicode61 (diacritics folded), so
 *   "dogs" finds "dog" and "cafe" finds "café". Both sides of a match are stemmed alike, so whole
 *   words in any language still find themselves. It holds the text (for snippets) and ranks with
 *   bm25 weights stored as its default rank.
 * - `photo_words` indexes the same text unstemmed, without positions or content: only its
 *   vocabulary (`photo_words_vocab`) is read, to turn a half-typed word into the whole words it
 *   can become ("universit" → "university"), which stemming alone would miss ("univers").
 *   Words of two or three letters being typed use the prefix indexes of `photo_search` instead.
 * - Embedded title, caption, alt text and keywords share the columns of Captionist's own, so an
 *   embedded title ranks as a title.
 * - `photos.current_caption_id` names the newest caption version, kept by triggers, so a result
 *   page and the caption filters join one row instead of searching the versions of each photo.
 * - A `facets` column holds tokens for what most searches filter on (library folder, folder,
 *   capture year, month and day, missing file, caption status and provider), so those filters
 *   are intersections inside the index instead of a lookup of every matching photo. User text
 *   never reaches that column.
 * - `photos.dir` (virtual) is the folder a file lies in; `photo_dirs` counts the photos of each
 *   folder, kept by triggers, for the sidebar and to list the folders below a folder.
 *   `photo_dir_of` maps each photo to its folder in two integers: counting the matches of a
 *   search per folder reads it, five times faster than reading each photo's wide row.
 * - `saved_searches` holds smart albums: a name and the query that fills them.
 */
export const search: Migration = {
  version: 40,
  name: 'search',
  up(db: Database) {
    db.exec(`
      DROP TRIGGER photos_search_insert;
      DROP TRIGGER photos_search_update;
      DROP TRIGGER photos_search_delete;
      DROP TRIGGER captions_search_insert;
      DROP TRIGGER captions_search_update;
      DROP TRIGGER captions_search_delete;
      DROP TABLE photo_search;

      ALTER TABLE photos ADD COLUMN current_caption_id INTEGER;
      UPDATE photos SET current_caption_id =
        (SELECT id FROM captions WHERE photo_id = photos.id ORDER BY version DESC LIMIT 1);
      ALTER TABLE photos ADD COLUMN dir TEXT
        GENERATED ALWAYS AS (substr(path, 1, length(path) - length(file_name))) VIRTUAL;

      CREATE TABLE photo_dirs (
        id INTEGER PRIMARY KEY,
        dir TEXT NOT NULL UNIQUE,
        folder_id INTEGER NOT NULL,
        present INTEGER NOT NULL,
        missing INTEGER NOT NULL
      );
      INSERT INTO photo_dirs (dir, folder_id, present, missing)
        SELECT dir, max(folder_id), sum(status = 'present'), sum(status = 'missing') FROM photos GROUP BY dir;
      CREATE TABLE photo_dir_of (
        photo_id INTEGER PRIMARY KEY,
        dir_id INTEGER NOT NULL
      );
      INSERT INTO photo_dir_of (photo_id, dir_id) SELECT p.id, d.id FROM photos p JOIN photo_dirs d ON d.dir = p.dir;

      CREATE VIRTUAL TABLE photo_search USING fts5(
        title, keywords, caption, alt_text, file_name, folder, facets,
        tokenize = 'porter unicode61 remove_diacritics 2',
        -- Prefix indexes: a short half-typed word reads one list instead of merging hundreds.
        prefix = '2 3'
      );
      -- Title and keywords weigh most, then what describes the picture, then where the file is.
      INSERT INTO photo_search(photo_search, rank) VALUES ('rank', 'bm25(10.0, 8.0, 5.0, 4.0, 2.0, 1.0, 0.0)');

      CREATE VIRTUAL TABLE photo_words USING fts5(
        text, content = '', contentless_delete = 1, detail = none,
        tokenize = 'unicode61 remove_diacritics 2'
      );
      CREATE VIRTUAL TABLE photo_words_vocab USING fts5vocab(photo_words, row);

      CREATE TABLE saved_searches (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        query TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
    `);
    db.exec(insertSearchRows(null));
    createSearchTriggers(db);
  },
};

/**
 * Builds the search rows of one photo (every photo when null) from it and its newest caption;
 * `placeText`, an SQL text expression over `p`, joins the folder column (where the photo is).
 */
export function insertSearchRows(photoId: string | null, placeText?: string): string {
  return `
    INSERT INTO photo_search(rowid, title, keywords, caption, alt_text, file_name, folder, facets)
    SELECT p.id,
           concat_ws(' ', c.title, p.embedded_title),
           concat_ws(' ', (SELECT group_concat(value, ' ') FROM json_each(c.keywords)),
                          (SELECT group_concat(value, ' ') FROM json_each(p.embedded_keywords))),
           concat_ws(' ', c.caption, c.long_description, p.embedded_caption),
           concat_ws(' ', c.alt_text, p.embedded_alt_text),
           p.file_name,
           f.name || ' ' || substr(p.rel_path, 1, length(p.rel_path) - length(p.file_name))${placeText ? ` || ' ' || ${placeText}` : ''},
           ${facetTokens}
    FROM photos p
    JOIN folders f ON f.id = p.folder_id
    LEFT JOIN captions c ON c.id = p.current_caption_id
    WHERE ${photoId === null ? 'true' : `p.id = ${photoId}`};
    INSERT INTO photo_words(rowid, text)
    SELECT rowid, concat_ws(' ', title, keywords, caption, alt_text, file_name, folder)
    FROM photo_search WHERE ${photoId === null ? 'true' : `rowid = ${photoId}`};`;
}

/**
 * The facet tokens of photo `p` with its newest caption `c`; src/main/db/facets.ts writes the
 * same tokens into queries.
 * Capture dates are read as written (local time of the camera), to the day.
 */
const facetTokens = `concat_ws(' ',
  'zf' || p.folder_id,
  'zd' || hex(p.dir),
  CASE WHEN p.status = 'missing' THEN 'zmissing' END,
  CASE WHEN c.id IS NOT NULL THEN 'zcaptioned zc' || c.status END,
  CASE WHEN c.provider IS NOT NULL THEN 'zp' || hex(lower(c.provider)) END,
  CASE WHEN p.captured_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' THEN
    'zy' || substr(p.captured_at, 1, 4) || ' zm' || substr(p.captured_at, 1, 4) || substr(p.captured_at, 6, 2) ||
    ' zt' || substr(p.captured_at, 1, 4) || substr(p.captured_at, 6, 2) || substr(p.captured_at, 9, 2)
  END)`;

export function refreshSearchRows(photoId: string, placeText?: string): string {
  return `
    DELETE FROM photo_search WHERE rowid = ${photoId};
    DELETE FROM photo_words WHERE rowid = ${photoId};
    ${insertSearchRows(photoId, placeText)}`;
}

export function currentCaption(photoId: string): string {
  return `
    UPDATE photos SET current_caption_id =
      (SELECT id FROM captions WHERE photo_id = ${photoId} ORDER BY version DESC LIMIT 1)
    WHERE id = ${photoId};`;
}

export function countInDir(photo: 'new'): string {
  return `
    INSERT INTO photo_dirs (dir, folder_id, present, missing)
    VALUES (${photo}.dir, ${photo}.folder_id, ${photo}.status = 'present', ${photo}.status = 'missing')
    ON CONFLICT (dir) DO UPDATE SET folder_id = excluded.folder_id,
      present = present + excluded.present, missing = missing + excluded.missing;
    INSERT INTO photo_dir_of (photo_id, dir_id) VALUES (${photo}.id, (SELECT id FROM photo_dirs WHERE dir = ${photo}.dir));`;
}

export function uncountInDir(photo: 'old'): string {
  return `
    DELETE FROM photo_dir_of WHERE photo_id = ${photo}.id;
    UPDATE photo_dirs SET present = present - (${photo}.status = 'present'), missing = missing - (${photo}.status = 'missing')
    WHERE dir = ${photo}.dir;
    DELETE FROM photo_dirs WHERE dir = ${photo}.dir AND present = 0 AND missing = 0;`;
}

/** Triggers keep the search rows in step, so no writer can leave the index stale. */
function createSearchTriggers(db: Database): void {
  db.exec(`
    CREATE TRIGGER photos_search_insert AFTER INSERT ON photos BEGIN
      ${countInDir('new')} ${refreshSearchRows('new.id')}
    END;
    CREATE TRIGGER photos_search_update
      AFTER UPDATE OF folder_id, path, rel_path, file_name, status, captured_at, embedded_title,
                      embedded_caption, embedded_alt_text, embedded_keywords ON photos
    BEGIN
      ${uncountInDir('old')} ${countInDir('new')} ${refreshSearchRows('new.id')}
    END;
    CREATE TRIGGER photos_search_delete AFTER DELETE ON photos BEGIN
      ${uncountInDir('old')}
      DELETE FROM photo_search WHERE rowid = old.id;
      DELETE FROM photo_words WHERE rowid = old.id;
    END;
    CREATE TRIGGER captions_search_insert AFTER INSERT ON captions BEGIN
      ${currentCaption('new.photo_id')} ${refreshSearchRows('new.photo_id')}
    END;
    CREATE TRIGGER captions_search_update
      AFTER UPDATE OF photo_id, version, title, caption, alt_text, long_description, keywords, status, provider
      ON captions
    BEGIN
      ${currentCaption('old.photo_id')} ${refreshSearchRows('old.photo_id')}
      ${currentCaption('new.photo_id')} ${refreshSearchRows('new.photo_id')}
    END;
    CREATE TRIGGER captions_search_delete AFTER DELETE ON captions BEGIN
      ${currentCaption('old.photo_id')} ${refreshSearchRows('old.photo_id')}
    END;
  `);
}
