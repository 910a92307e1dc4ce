import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../src/main/db/migrate';
import { init } from '../../../src/main/db/migrations/0010-init';
import { providers } from '../../../src/main/db/migrations/0020-providers';
import { queue } from '../../../src/main/db/migrations/0030-queue';
import { search } from '../../../src/main/db/migrations/0040-search';
import { writeBack } from '../../../src/main/db/migrations/0050-write-back';
import { searchSpeed } from '../../../src/main/db/migrations/0060-search-speed';

const before = [init, providers, queue, search, writeBack];

function insertPhoto(db: Sqlite.Database, relPath: string): number {
  return Number(
    db
      .prepare(
        `INSERT INTO photos (folder_id, path, rel_path, file_name, file_type, size, mtime_ms, fingerprint, indexed_at)
         VALUES (1, ?, ?, ?, 'JPEG', 1, 1, ?, 'now')`,
      )
      .run(`/photos/${relPath}`, relPath, relPath.split('/').at(-1)!, relPath.padEnd(32, '0')).lastInsertRowid,
  );
}

const addCaption = (db: Sqlite.Database, photoId: number, version: number) =>
  Number(
    db
      .prepare(`INSERT INTO captions (photo_id, version, source, caption, created_at) VALUES (?, ?, 'generated', 'A fox', 'now')`)
      .run(photoId, version).lastInsertRowid,
  );

const bounds = (db: Sqlite.Database) =>
  db.prepare('SELECT dir, first_id AS firstId, last_id AS lastId, present + missing AS photos FROM photo_dirs ORDER BY dir').all();
const captioned = (db: Sqlite.Database) => db.prepare('SELECT captioned FROM library_totals').pluck().get();
const matches = (db: Sqlite.Database, query: string) =>
  db.prepare('SELECT rowid FROM photo_search WHERE photo_search MATCH ? ORDER BY rowid').pluck().all(query);

describe('migration 0060 search speed', () => {
  it('bounds the ids of each folder and counts the captioned photos of an existing library', () => {
    const db = new Sqlite(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, before);
    db.prepare(`INSERT INTO folders (path, name, added_at) VALUES ('/photos', 'Photos', 'now')`).run();
    const [a1, b1, a2] = ['a/1.jpg', 'b/1.jpg', 'a/2.jpg'].map((path) => insertPhoto(db, path)) as [number, number, number];
    addCaption(db, a1, 1);
    addCaption(db, a1, 2);
    addCaption(db, b1, 1);

    migrate(db, [...before, searchSpeed]);

    expect(db.pragma('user_version', { simple: true })).toBe(60);
    expect(bounds(db)).toEqual([
      { dir: '/photos/a/', firstId: a1, lastId: a2, photos: 2 },
      { dir: '/photos/b/', firstId: b1, lastId: b1, photos: 1 },
    ]);
    expect(captioned(db)).toBe(2);
    expect(db.prepare('SELECT count(*) FROM captions').pluck().get()).toBe(3);
    db.close();
  });

  it('keeps the bounds, the captioned total and the folder words in step', () => {
    const db = new Sqlite(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, [...before, searchSpeed]);
    db.prepare(`INSERT INTO folders (path, name, added_at) VALUES ('/photos', 'Holidays', 'now')`).run();
    const first = insertPhoto(db, 'a/1.jpg');
    const second = insertPhoto(db, 'a/2.jpg');
    expect(bounds(db)).toEqual([{ dir: '/photos/a/', firstId: first, lastId: second, photos: 2 }]);
    // Removing a photo leaves the bounds as they were: wider than the folder, so they are not trusted.
    db.prepare('DELETE FROM photos WHERE id = ?').run(first);
    expect(bounds(db)).toEqual([{ dir: '/photos/a/', firstId: first, lastId: second, photos: 1 }]);

    addCaption(db, second, 1);
    addCaption(db, second, 2);
    expect(captioned(db)).toBe(1);
    const other = insertPhoto(db, 'b/1.jpg');
    addCaption(db, other, 1);
    expect(captioned(db)).toBe(2);
    db.prepare('DELETE FROM captions WHERE photo_id = ?').run(other);
    expect(captioned(db)).toBe(1);
    db.prepare('DELETE FROM photos WHERE id = ?').run(second);
    expect(captioned(db)).toBe(0);

    expect(matches(db, 'holidays')).toEqual([other]);
    db.prepare(`UPDATE folders SET name = 'Iceland' WHERE id = 1`).run();
    expect(matches(db, 'holidays')).toEqual([]);
    expect(matches(db, 'iceland')).toEqual([other]);
    db.close();
  });
});
