import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../src/main/db/migrate';
import { migrations } from '../../../src/main/db/migrations';
import { captionRefreshOnce } from '../../../src/main/db/migrations/0070-caption-refresh-once';

const before = migrations.filter((migration) => migration.version < captionRefreshOnce.version);

/** A library folder with two photos, the first captioned; at schema `upTo`. */
function library(upTo: typeof migrations): { db: Sqlite.Database; first: number; second: number; caption: number } {
  const db = new Sqlite(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, upTo);
  db.prepare(`INSERT INTO folders (path, name, added_at) VALUES ('/photos', 'Photos', 'now')`).run();
  const insert = db.prepare(
    `INSERT INTO photos (folder_id, path, rel_path, file_name, file_type, size, mtime_ms, fingerprint, indexed_at)
     VALUES (1, ?, ?, ?, 'JPEG', 1, 1, ?, 'now')`,
  );
  const [first, second] = ['1.jpg', '2.jpg'].map((name) => Number(insert.run(`/photos/${name}`, name, name, name.padEnd(32, '0')).lastInsertRowid)) as [number, number];
  const caption = Number(
    db.prepare(`INSERT INTO captions (photo_id, version, source, caption, created_at) VALUES (?, 1, 'generated', 'A red fox', 'now')`).run(first)
      .lastInsertRowid,
  );
  return { db, first, second, caption };
}

const matches = (db: Sqlite.Database, query: string) =>
  db.prepare('SELECT rowid FROM photo_search WHERE photo_search MATCH ? ORDER BY rowid').pluck().all(query);

/** Rows the statement and its triggers changed. */
function rowsChangedBy(db: Sqlite.Database, sql: string, ...params: unknown[]): number {
  const total = () => db.prepare('SELECT total_changes()').pluck().get() as number;
  const start = total();
  db.prepare(sql).run(...params);
  return total() - start;
}

describe('migration 0070 caption refresh once', () => {
  it('refreshes an approved caption\'s photo once instead of twice, and the status facet follows', () => {
    const old = library(before);
    const changedBefore = rowsChangedBy(old.db, `UPDATE captions SET status = 'approved' WHERE id = ?`, old.caption);

    const { db, first, caption } = library(before);
    migrate(db, [...before, captionRefreshOnce]);
    expect(db.pragma('user_version', { simple: true })).toBe(70);
    const changedAfter = rowsChangedBy(db, `UPDATE captions SET status = 'approved' WHERE id = ?`, caption);

    // The search rows of the photo are rewritten once, not twice: about half the row changes.
    expect(changedAfter).toBeLessThan(changedBefore * 0.6);
    expect(matches(db, 'facets: zcapproved')).toEqual([first]);
    expect(matches(db, 'facets: zcdraft')).toEqual([]);
    old.db.close();
    db.close();
  });

  it('still refreshes both photos when a caption moves to another', () => {
    const { db, first, second, caption } = library(migrations);
    expect(matches(db, 'fox')).toEqual([first]);
    db.prepare('UPDATE captions SET photo_id = ? WHERE id = ?').run(second, caption);
    expect(matches(db, 'fox')).toEqual([second]);
    expect(db.prepare('SELECT id, current_caption_id FROM photos ORDER BY id').all()).toEqual([
      { id: first, current_caption_id: null },
      { id: second, current_caption_id: caption },
    ]);
    db.close();
  });
});
