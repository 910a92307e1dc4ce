import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/main/db/migrate';
import type { Migration } from '../../src/main/db/migrate';

const table = (version: number, name: string): Migration => ({
  version,
  name,
  up: (db) => db.exec(`CREATE TABLE ${name} (id INTEGER)`),
});

describe('migrate', () => {
  it('applies pending migrations in version order and records the version', () => {
    const db = new Sqlite(':memory:');
    expect(migrate(db, [table(20, 'b'), table(10, 'a')])).toBe(20);
    expect(db.pragma('user_version', { simple: true })).toBe(20);
    expect(migrate(db, [table(20, 'b'), table(10, 'a'), table(30, 'c')])).toBe(30);
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).pluck().all();
    expect(tables).toEqual(['a', 'b', 'c']);
  });

  it('rolls a failing migration back and keeps the last good version', () => {
    const db = new Sqlite(':memory:');
    const broken: Migration = {
      version: 20,
      name: 'broken',
      up: (d) => {
        d.exec('CREATE TABLE half (id INTEGER)');
        throw new Error('boom');
      },
    };
    expect(() => migrate(db, [table(10, 'a'), broken])).toThrow('boom');
    expect(db.pragma('user_version', { simple: true })).toBe(10);
    expect(db.prepare(`SELECT count(*) FROM sqlite_master WHERE name = 'half'`).pluck().get()).toBe(0);
  });

  it('refuses a database made by a newer Captionist', () => {
    const db = new Sqlite(':memory:');
    db.pragma('user_version = 99');
    expect(() => migrate(db, [table(10, 'a')])).toThrow(/newer Captionist/);
  });

  it('refuses two migrations with one version', () => {
    expect(() => migrate(new Sqlite(':memory:'), [table(10, 'a'), table(10, 'b')])).toThrow(/share version 10/);
  });
});
