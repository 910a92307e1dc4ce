import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../src/main/db/migrate';
import { init } from '../../../src/main/db/migrations/0010-init';
import { providers } from '../../../src/main/db/migrations/0020-providers';

describe('migration 0020 providers', () => {
  it('keeps folders, photos and captions, and moves each folder context into its caption options', () => {
    const db = new Sqlite(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, [init]);
    db.exec(`
      INSERT INTO folders (path, name, added_at, caption_context) VALUES
        ('/photos/wedding', 'wedding', 'now', 'Smith–Jones wedding, Lisbon'),
        ('/photos/misc', 'misc', 'now', NULL);
      INSERT INTO photos (folder_id, path, rel_path, file_name, file_type, size, mtime_ms, fingerprint, indexed_at)
        VALUES (1, '/photos/wedding/a.jpg', 'a.jpg', 'a.jpg', 'JPEG', 1, 1, '${'a'.repeat(32)}', 'now');
      INSERT INTO captions (photo_id, version, source, caption, provider, created_at)
        VALUES (1, 1, 'edited', 'The first dance', NULL, 'now');
    `);

    migrate(db, [init, providers]);

    expect(db.pragma('user_version', { simple: true })).toBe(20);
    const folders = db.prepare('SELECT path, caption_options FROM folders ORDER BY id').all() as {
      path: string;
      caption_options: string;
    }[];
    expect(folders.map((folder) => [folder.path, JSON.parse(folder.caption_options)])).toEqual([
      ['/photos/wedding', { context: 'Smith–Jones wedding, Lisbon' }],
      ['/photos/misc', {}],
    ]);
    const columns = db.prepare('SELECT name FROM pragma_table_info(?)').pluck();
    expect(columns.all('folders')).not.toContain('caption_context');
    expect(columns.all('captions')).toContain('run_id');
    expect(db.prepare('SELECT caption, run_id FROM captions').get()).toEqual({ caption: 'The first dance', run_id: null });
    // The search index still follows captions.
    expect(db.prepare(`SELECT rowid FROM photo_search WHERE photo_search MATCH 'dance'`).pluck().all()).toEqual([1]);
  });

  it('stores providers by case-insensitive name and ties captions to the run that made them', () => {
    const db = new Sqlite(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, [init, providers]);
    db.prepare(`INSERT INTO providers (name, type, config, created_at, updated_at) VALUES ('Local', 'openai-compatible', '{}', 'now', 'now')`).run();
    expect(() =>
      db.prepare(`INSERT INTO providers (name, type, config, created_at, updated_at) VALUES ('local', 'anthropic', '{}', 'now', 'now')`).run(),
    ).toThrow(/UNIQUE/);
    db.exec(`INSERT INTO folders (path, name, added_at) VALUES ('/p', 'p', 'now');
      INSERT INTO photos (folder_id, path, rel_path, file_name, file_type, size, mtime_ms, fingerprint, indexed_at)
        VALUES (1, '/p/a.jpg', 'a.jpg', 'a.jpg', 'JPEG', 1, 1, '${'b'.repeat(32)}', 'now');`);
    expect(() =>
      db.prepare(`INSERT INTO captions (photo_id, version, source, caption, run_id, created_at) VALUES (1, 1, 'generated', 'x', 99, 'now')`).run(),
    ).toThrow(/FOREIGN KEY/);
  });
});
