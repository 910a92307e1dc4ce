import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../src/main/db/migrate';
import { init } from '../../../src/main/db/migrations/0010-init';
import { providers } from '../../../src/main/db/migrations/0020-providers';
import { writeBack } from '../../../src/main/db/migrations/0050-write-back';

describe('migration 0050 write-back', () => {
  it('keeps photos and captions, and records writes that go with their photo', () => {
    const db = new Sqlite(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, [init, providers]);
    db.exec(`
      INSERT INTO folders (path, name, added_at) VALUES ('/photos', 'photos', 'now');
      INSERT INTO photos (folder_id, path, rel_path, file_name, file_type, size, mtime_ms, fingerprint, indexed_at)
        VALUES (1, '/photos/a.jpg', 'a.jpg', 'a.jpg', 'JPEG', 1, 1, '${'a'.repeat(32)}', 'now');
      INSERT INTO captions (photo_id, version, source, caption, keywords, status, created_at)
        VALUES (1, 1, 'generated', 'Harbour at dusk', '["harbour"]', 'approved', 'now');
    `);

    migrate(db, [init, providers, writeBack]);

    expect(db.pragma('user_version', { simple: true })).toBe(50);
    expect(db.prepare('SELECT caption, keywords, status FROM captions').get()).toEqual({
      caption: 'Harbour at dusk',
      keywords: '["harbour"]',
      status: 'approved',
    });
    db.prepare(
      `INSERT INTO metadata_writes (photo_id, caption_id, caption_version, previous_caption_status, target_path, target_kind,
         previous, written, written_at) VALUES (1, 1, 1, 'approved', '/photos/a.jpg', 'embedded', '{}', '{}', 'now')`,
    ).run();
    expect(() =>
      db.prepare(
        `INSERT INTO metadata_writes (photo_id, caption_id, caption_version, previous_caption_status, target_path, target_kind,
           previous, written, written_at) VALUES (1, 1, 1, 'approved', '/photos/a.xmp', 'elsewhere', '{}', '{}', 'now')`,
      ).run(),
    ).toThrow(/CHECK/);
    // A caption version deleted keeps the record (revert still works); a photo deleted takes its records along.
    db.exec('DELETE FROM captions');
    expect(db.prepare('SELECT caption_id FROM metadata_writes').pluck().get()).toBeNull();
    db.exec('DELETE FROM photos');
    expect(db.prepare('SELECT count(*) FROM metadata_writes').pluck().get()).toBe(0);
    // The search index still follows the photos table.
    expect(db.prepare('SELECT count(*) FROM photo_search').pluck().get()).toBe(0);
  });
});
