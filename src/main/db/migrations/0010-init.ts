import type { Database } from 'better-sqlite3';
import type { Migration } from '../migrate';

/** Library folders, photos, versioned captions, jobs, settings, index errors and the search index. */
export const init: Migration = {
  version: 10,
  name: 'init',
  up(db: Database) {
    db.exec(`
      CREATE TABLE folders (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        auto_caption INTEGER NOT NULL DEFAULT 0,
        caption_context TEXT,
        added_at TEXT NOT NULL,
        last_indexed_at TEXT
      );

      CREATE TABLE photos (
        id INTEGER PRIMARY KEY,
        folder_id INTEGER NOT NULL REFERENCES folders(id),
        path TEXT NOT NULL UNIQUE,
        rel_path TEXT NOT NULL,
        file_name TEXT NOT NULL,
        file_type TEXT NOT NULL,
        mime_type TEXT,
        size INTEGER NOT NULL,
        mtime_ms INTEGER NOT NULL,
        fingerprint TEXT NOT NULL,
        has_thumbnail INTEGER NOT NULL DEFAULT 0,
        width INTEGER,
        height INTEGER,
        orientation INTEGER,
        captured_at TEXT,
        camera_make TEXT,
        camera_model TEXT,
        lens TEXT,
        gps_latitude REAL,
        gps_longitude REAL,
        gps_altitude REAL,
        embedded_title TEXT,
        embedded_caption TEXT,
        embedded_alt_text TEXT,
        embedded_keywords TEXT NOT NULL DEFAULT '[]',
        status TEXT NOT NULL DEFAULT 'present' CHECK (status IN ('present', 'missing')),
        missing_since TEXT,
        indexed_at TEXT NOT NULL
      );
      CREATE INDEX photos_fingerprint ON photos(fingerprint);
      CREATE INDEX photos_folder ON photos(folder_id, status);
      CREATE INDEX photos_captured_at ON photos(captured_at);

      CREATE TABLE captions (
        id INTEGER PRIMARY KEY,
        photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('generated', 'edited')),
        title TEXT,
        caption TEXT,
        alt_text TEXT,
        long_description TEXT,
        keywords TEXT NOT NULL DEFAULT '[]',
        provider TEXT,
        model TEXT,
        prompt TEXT,
        prompt_version TEXT,
        options TEXT NOT NULL DEFAULT '{}',
        input_tokens INTEGER,
        output_tokens INTEGER,
        cost_usd REAL,
        status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'approved', 'written')),
        created_at TEXT NOT NULL,
        UNIQUE (photo_id, version)
      );

      CREATE TABLE jobs (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        photo_id INTEGER REFERENCES photos(id) ON DELETE CASCADE,
        provider TEXT,
        payload TEXT NOT NULL DEFAULT '{}',
        state TEXT NOT NULL DEFAULT 'queued'
          CHECK (state IN ('queued', 'running', 'waiting', 'done', 'failed', 'cancelled')),
        priority INTEGER NOT NULL DEFAULT 0,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_run_at TEXT,
        lease_expires_at TEXT,
        remote_task_id TEXT,
        last_error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX jobs_runnable ON jobs(state, priority DESC, next_run_at);

      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );

      -- Files that could not be indexed, so status can show them until they index cleanly or go.
      CREATE TABLE index_errors (
        path TEXT PRIMARY KEY,
        folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
        message TEXT NOT NULL,
        at TEXT NOT NULL
      );

      CREATE VIRTUAL TABLE photo_search USING fts5(
        title, keywords, caption, alt_text, embedded, file_name, folder,
        tokenize = 'unicode61 remove_diacritics 2'
      );
    `);
    createSearchTriggers(db);
  },
};

/**
 * The search row of a photo is rebuilt by triggers from the photo and its newest caption, so no
 * writer can leave the index stale.
 */
function createSearchTriggers(db: Database): void {
  const refresh = (photoId: string) => `
    DELETE FROM photo_search WHERE rowid = ${photoId};
    INSERT INTO photo_search(rowid, title, keywords, caption, alt_text, embedded, file_name, folder)
    SELECT p.id,
           c.title,
           (SELECT group_concat(value, ' ') FROM json_each(c.keywords)),
           c.caption,
           c.alt_text,
           concat_ws(' ', p.embedded_title, p.embedded_caption, p.embedded_alt_text,
                     (SELECT group_concat(value, ' ') FROM json_each(p.embedded_keywords))),
           p.file_name,
           f.name || ' ' || substr(p.rel_path, 1, length(p.rel_path) - length(p.file_name))
    FROM photos p
    JOIN folders f ON f.id = p.folder_id
    LEFT JOIN captions c ON c.id = (
      SELECT id FROM captions WHERE photo_id = p.id ORDER BY version DESC LIMIT 1
    )
    WHERE p.id = ${photoId};`;
  db.exec(`
    CREATE TRIGGER photos_search_insert AFTER INSERT ON photos BEGIN ${refresh('new.id')} END;
    CREATE TRIGGER photos_search_update
      AFTER UPDATE OF folder_id, rel_path, file_name, embedded_title, embedded_caption,
                      embedded_alt_text, embedded_keywords ON photos
      BEGIN ${refresh('new.id')} END;
    CREATE TRIGGER photos_search_delete AFTER DELETE ON photos
      BEGIN DELETE FROM photo_search WHERE rowid = old.id; END;
    CREATE TRIGGER captions_search_insert AFTER INSERT ON captions BEGIN ${refresh('new.photo_id')} END;
    CREATE TRIGGER captions_search_update AFTER UPDATE ON captions BEGIN ${refresh('new.photo_id')} END;
    CREATE TRIGGER captions_search_delete AFTER DELETE ON captions BEGIN ${refresh('old.photo_id')} END;
  `);
}
