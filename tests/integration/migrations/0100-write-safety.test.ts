import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../src/main/db/migrate';
import { migrations } from '../../../src/main/db/migrations';
import { writeSafety } from '../../../src/main/db/migrations/0100-write-safety';

const before = migrations.filter((migration) => migration.version < writeSafety.version);

/** A library at the schema before 0100, with photos holding what older versions indexed. */
function library(): Sqlite.Database {
  const db = new Sqlite(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, before);
  db.prepare(`INSERT INTO folders (path, name, added_at) VALUES ('/photos', 'photos', 'now')`).run();
  const insert = db.prepare(
    `INSERT INTO photos (folder_id, path, rel_path, file_name, file_type, size, mtime_ms, fingerprint, indexed_at,
       embedded_title, embedded_caption, embedded_alt_text, embedded_keywords)
     VALUES (1, ?, ?, ?, 'JPEG', 100, 1700000000000, ?, 'now', ?, ?, ?, '["lake"]')`,
  );
  const rows: [string, string | null, string | null, string | null][] = [
    ['P1010001.JPG', 'P1010001', 'x-default', null],
    ['lake.jpg', 'Dawn at the lake', 'Sony DSC-RX100 at the lake', 'A lake at dawn'],
    ['DSC_0002.JPG', null, 'Boats at dusk', 'charset=Ascii'],
    ['plain.jpg', null, null, null],
  ];
  rows.forEach(([name, title, caption, altText], i) =>
    insert.run(`/photos/${name}`, name, name, String(i).padStart(32, '0'), title, caption, altText),
  );
  return db;
}

const photos = (db: Sqlite.Database) =>
  db
    .prepare('SELECT file_name AS name, embedded_title AS title, embedded_caption AS caption, embedded_alt_text AS altText, mtime_ms AS mtimeMs FROM photos ORDER BY id')
    .all();

describe('migration 0100 write safety', () => {
  it('clears placeholders that older versions indexed and has those photos read again, leaving words a person wrote', () => {
    const db = library();
    expect(db.prepare(`SELECT rowid FROM photo_search WHERE photo_search MATCH '"x-default"'`).pluck().all()).toEqual([1]);

    migrate(db, migrations, writeSafety.version);

    expect(db.pragma('user_version', { simple: true })).toBe(100);
    expect(photos(db)).toEqual([
      { name: 'P1010001.JPG', title: null, caption: null, altText: null, mtimeMs: -1 },
      { name: 'lake.jpg', title: 'Dawn at the lake', caption: 'Sony DSC-RX100 at the lake', altText: 'A lake at dawn', mtimeMs: 1700000000000 },
      { name: 'DSC_0002.JPG', title: null, caption: 'Boats at dusk', altText: null, mtimeMs: -1 },
      { name: 'plain.jpg', title: null, caption: null, altText: null, mtimeMs: 1700000000000 },
    ]);
    // The search index follows: the placeholder is no longer found, the person's words still are.
    expect(db.prepare(`SELECT rowid FROM photo_search WHERE photo_search MATCH '"x-default"'`).pluck().all()).toEqual([]);
    expect(db.prepare(`SELECT rowid FROM photo_search WHERE photo_search MATCH 'boats'`).pluck().all()).toEqual([3]);
    expect(db.prepare(`SELECT rowid FROM photo_search WHERE photo_search MATCH 'rx100'`).pluck().all()).toEqual([2]);
    db.close();
  });

  it('records write intents that go with their photo and with the write a revert undoes', () => {
    const db = library();
    migrate(db, migrations);
    const intent = db.prepare(
      `INSERT INTO metadata_write_intents (photo_id, operation, write_id, target_path, tags, record, owner, started_at)
       VALUES (?, ?, ?, '/photos/lake.jpg', '{}', ?, 'host:1:x', 'now')`,
    );
    intent.run(2, 'write', null, '{}');
    // A write intent carries the record to make; a revert intent names the write it undoes.
    expect(() => intent.run(2, 'write', null, null)).toThrow(/CHECK/);
    expect(() => intent.run(2, 'revert', null, '{}')).toThrow(/CHECK/);
    expect(() => intent.run(2, 'rename', null, '{}')).toThrow(/CHECK/);
    const write = db
      .prepare(
        `INSERT INTO metadata_writes (photo_id, caption_version, previous_caption_status, target_path, target_kind, previous, written, written_at)
         VALUES (2, 1, 'draft', '/photos/lake.jpg', 'embedded', '{}', '{}', 'now')`,
      )
      .run().lastInsertRowid;
    intent.run(2, 'revert', write, null);
    expect(db.prepare('SELECT count(*) FROM metadata_write_intents').pluck().get()).toBe(2);
    db.prepare('DELETE FROM metadata_writes WHERE id = ?').run(write);
    expect(db.prepare('SELECT operation FROM metadata_write_intents').pluck().all()).toEqual(['write']);
    db.prepare('DELETE FROM photos WHERE id = 2').run();
    expect(db.prepare('SELECT count(*) FROM metadata_write_intents').pluck().get()).toBe(0);
    db.close();
  });
});
