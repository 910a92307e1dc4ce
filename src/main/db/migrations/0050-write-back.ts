import type { Database } from 'better-sqlite3';
import type { Migration } from '../migrate';

/**
 * Every write of a caption into a photo or its sidecar, with what each tag held before, so that
 * `revert` can put it back; the caption's status before the write, so revert restores that too.
 */
export const writeBack: Migration = {
  version: 50,
  name: 'write-back',
  up(db: Database) {
    db.exec(`
      CREATE TABLE metadata_writes (
        id INTEGER PRIMARY KEY,
        photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        caption_id INTEGER REFERENCES captions(id) ON DELETE SET NULL,
        caption_version INTEGER NOT NULL,
        previous_caption_status TEXT NOT NULL CHECK (previous_caption_status IN ('draft', 'approved', 'written')),
        target_path TEXT NOT NULL,
        target_kind TEXT NOT NULL CHECK (target_kind IN ('embedded', 'sidecar')),
        -- The sidecar did not exist before: revert may remove it when nothing else is in it.
        created_target INTEGER NOT NULL DEFAULT 0,
        -- The file had IPTC IIM before: revert keeps the IIM block (with its UTF-8 marker).
        had_iim INTEGER NOT NULL DEFAULT 0,
        -- JSON objects keyed by tag ("XMP-dc:Title"): the values before (null: absent) and written.
        previous TEXT NOT NULL,
        written TEXT NOT NULL,
        changes TEXT NOT NULL DEFAULT '[]',
        written_at TEXT NOT NULL,
        reverted_at TEXT
      );
      CREATE INDEX metadata_writes_photo ON metadata_writes(photo_id, reverted_at, id);
    `);
  },
};
