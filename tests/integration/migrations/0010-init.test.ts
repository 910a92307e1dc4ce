import Sqlite from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/main/db/database';
import { migrate } from '../../../src/main/db/migrate';
import { init } from '../../../src/main/db/migrations/0010-init';
import { migrations } from '../../../src/main/db/migrations';
import { tempDir } from '../../helpers/files';

function photoRow(folderId: number, fileName: string, extra: Record<string, unknown> = {}) {
  return {
    folder_id: folderId,
    path: `/photos/2024/${fileName}`,
    rel_path: `2024/${fileName}`,
    file_name: fileName,
    file_type: 'JPEG',
    size: 1000,
    mtime_ms: 1,
    fingerprint: 'f'.repeat(32),
    embedded_caption: null,
    embedded_keywords: '[]',
    indexed_at: '2026-01-01T00:00:00Z',
    ...extra,
  };
}

function insertPhoto(db: Sqlite.Database, row: ReturnType<typeof photoRow>): number {
  const columns = Object.keys(row);
  return Number(
    db.prepare(`INSERT INTO photos (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`).run(row)
      .lastInsertRowid,
  );
}

const matches = (db: Sqlite.Database, query: string) =>
  db.prepare('SELECT rowid FROM photo_search WHERE photo_search MATCH ? ORDER BY rowid').pluck().all(query);

const latestVersion = migrations.at(-1)!.version;

describe('migration 0010 init', () => {
  it('creates the schema on an empty database, with WAL and foreign keys on', () => {
    const file = join(tempDir(), 'library.db');
    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(latestVersion);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'photo_search_%'`).pluck().all();
    expect(tables).toEqual(
      expect.arrayContaining(['folders', 'photos', 'captions', 'jobs', 'settings', 'index_errors', 'photo_search']),
    );
    db.close();
    // Opening again migrates nothing and loses nothing.
    const reopened = openDatabase(file);
    expect(reopened.pragma('user_version', { simple: true })).toBe(latestVersion);
    reopened.close();
  });

  it('keeps the search index in step with photos and their newest caption', () => {
    const db = new Sqlite(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, [init]);
    db.prepare(`INSERT INTO folders (path, name, added_at) VALUES ('/photos', 'Holidays', 'now')`).run();
    const fox = insertPhoto(db, photoRow(1, 'IMG_1.jpg', { embedded_caption: 'Café at dusk', embedded_keywords: '["Paris"]' }));
    const other = insertPhoto(db, photoRow(1, 'IMG_2.jpg', { path: '/photos/2024/IMG_2.jpg' }));

    expect(matches(db, 'cafe')).toEqual([fox]);
    expect(matches(db, 'paris')).toEqual([fox]);
    expect(matches(db, 'holidays')).toEqual([fox, other]);
    expect(matches(db, '"2024"')).toEqual([fox, other]);

    const addCaption = db.prepare(
      `INSERT INTO captions (photo_id, version, source, caption, title, alt_text, keywords, created_at)
       VALUES (?, ?, 'generated', ?, ?, ?, ?, 'now')`,
    );
    addCaption.run(fox, 1, 'A red fox', 'Fox', 'A fox in snow', '["wildlife"]');
    expect(matches(db, 'wildlife')).toEqual([fox]);
    addCaption.run(fox, 2, 'A vixen', 'Vixen', 'A vixen in snow', '["mammal"]');
    expect(matches(db, 'wildlife')).toEqual([]);
    expect(matches(db, 'vixen')).toEqual([fox]);
    // Embedded text stays searchable beside Captionist's own caption.
    expect(matches(db, 'cafe')).toEqual([fox]);

    db.prepare(`UPDATE photos SET file_name = 'renamed.jpg', rel_path = '2024/renamed.jpg' WHERE id = ?`).run(other);
    expect(matches(db, 'renamed')).toEqual([other]);
    expect(matches(db, 'IMG_2')).toEqual([]);

    db.prepare('DELETE FROM captions WHERE photo_id = ? AND version = 2').run(fox);
    expect(matches(db, 'wildlife')).toEqual([fox]);
    db.prepare('DELETE FROM photos WHERE id = ?').run(fox);
    expect(matches(db, 'cafe')).toEqual([]);
    expect(db.prepare('SELECT count(*) FROM captions').pluck().get()).toBe(0);
  });

  it('refuses rows that break the rules', () => {
    const db = new Sqlite(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, [init]);
    expect(() => insertPhoto(db, photoRow(99, 'orphan.jpg'))).toThrow(/FOREIGN KEY/);
    db.prepare(`INSERT INTO folders (path, name, added_at) VALUES ('/photos', 'p', 'now')`).run();
    expect(() => insertPhoto(db, photoRow(1, 'a.jpg', { status: 'gone' } as never))).toThrow(/CHECK/);
    const id = insertPhoto(db, photoRow(1, 'a.jpg'));
    expect(() =>
      db.prepare(`INSERT INTO captions (photo_id, version, source, status, created_at) VALUES (?, 1, 'generated', 'published', 'now')`).run(id),
    ).toThrow(/CHECK/);
    expect(() => insertPhoto(db, photoRow(1, 'a.jpg'))).toThrow(/UNIQUE/);
  });
});
