import type { Database } from 'better-sqlite3';
import { isPlaceholderText } from '../../../shared/placeholders';
import type { Migration } from '../migrate';

/**
 * Writes of metadata that survive a crash, and placeholders that are not captions.
 *
 * `metadata_write_intents`: what Captionist means to write into which file, recorded before it
 * touches the file and settled (turned into a `metadata_writes` row, or dropped) after. A process
 * killed in between leaves its intent behind, so the next run can tell a file that holds exactly
 * what was meant (recorded as written, revert data and all) from one someone else changed.
 *
 * Embedded text indexed before placeholders were recognised ("x-default", a camera's stamp, the
 * file's own name) is cleared, so search and the inspector stop showing it at once, and those
 * photos are read again at the next index (their time is forgotten): the file may hold real words
 * in another copy (IIM, EXIF) that the placeholder hid.
 */
export const writeSafety: Migration = {
  version: 100,
  name: 'write-safety',
  up(db: Database) {
    db.exec(`
      CREATE TABLE metadata_write_intents (
        id INTEGER PRIMARY KEY,
        photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        -- write: the file will hold \`tags\`, then \`record\` (a metadata_writes row as JSON) is recorded;
        -- revert: the file will hold \`tags\` (null: Captionist's own sidecar removed), then write_id is reverted.
        operation TEXT NOT NULL CHECK (operation IN ('write', 'revert')),
        write_id INTEGER REFERENCES metadata_writes(id) ON DELETE CASCADE,
        target_path TEXT NOT NULL,
        -- Captionist's temporary copy beside the target, swapped in once complete.
        temporary_path TEXT,
        -- The target's content fingerprint before (null: it did not exist yet), and the written
        -- copy's, noted just before it is swapped in: only a file with exactly that content is ours.
        fingerprint_before TEXT,
        fingerprint_after TEXT,
        tags TEXT,
        record TEXT,
        -- The process writing it ("host:pid:nonce"): only a process that is gone leaves an intent behind.
        owner TEXT NOT NULL,
        started_at TEXT NOT NULL,
        CHECK ((operation = 'write') = (record IS NOT NULL AND write_id IS NULL))
      );
      CREATE INDEX metadata_write_intents_photo ON metadata_write_intents(photo_id);
    `);

    db.function('captionist_placeholder', { deterministic: true }, (text: unknown, fileName: unknown) =>
      typeof text === 'string' && isPlaceholderText(text, String(fileName)) ? 1 : 0,
    );
    db.exec(`
      UPDATE photos SET
        embedded_title = CASE WHEN captionist_placeholder(embedded_title, file_name) THEN NULL ELSE embedded_title END,
        embedded_caption = CASE WHEN captionist_placeholder(embedded_caption, file_name) THEN NULL ELSE embedded_caption END,
        embedded_alt_text = CASE WHEN captionist_placeholder(embedded_alt_text, file_name) THEN NULL ELSE embedded_alt_text END,
        mtime_ms = -1
      WHERE captionist_placeholder(embedded_title, file_name)
         OR captionist_placeholder(embedded_caption, file_name)
         OR captionist_placeholder(embedded_alt_text, file_name);
    `);
  },
};
