import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../src/main/db/migrate';
import { migrations } from '../../../src/main/db/migrations';
import { keywordVocabulary } from '../../../src/main/db/migrations/0110-keyword-vocabulary';

const before = migrations.filter((migration) => migration.version < keywordVocabulary.version);

describe('migration 0110 keyword vocabulary', () => {
  it('adds an empty vocabulary and leaves the library as it was', () => {
    const db = new Sqlite(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, before);
    db.prepare(`INSERT INTO folders (path, name, added_at) VALUES ('/photos', 'photos', 'now')`).run();
    db.prepare(`INSERT INTO settings (key, value) VALUES ('language', '"en"')`).run();

    migrate(db, migrations, keywordVocabulary.version);

    expect(db.pragma('user_version', { simple: true })).toBe(110);
    expect(db.prepare('SELECT path FROM folders').pluck().all()).toEqual(['/photos']);
    expect(db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get('language')).toBe('"en"');
    expect(db.prepare('SELECT count(*) FROM keyword_terms').pluck().get()).toBe(0);
    db.close();
  });

  it('keeps terms in a tree that goes with its parents, with synonyms as a list', () => {
    const db = new Sqlite(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, migrations, keywordVocabulary.version);
    const insert = db.prepare('INSERT INTO keyword_terms (id, parent_id, name, synonyms, exported) VALUES (?, ?, ?, ?, ?)');
    insert.run(1, null, 'Animals', '[]', 0);
    insert.run(2, 1, 'Birds', '[]', 1);
    insert.run(3, 2, 'Puffin', '["Sea parrot"]', 1);
    insert.run(4, null, 'Places', '[]', 1);
    expect(() => insert.run(9, 7, 'Orphan', '[]', 1)).toThrow(/FOREIGN KEY/);
    expect(() => insert.run(5, 6, 'Before its parent', '[]', 1)).toThrow(/CHECK/);
    expect(() => insert.run(5, null, '', '[]', 1)).toThrow(/CHECK/);
    expect(() => insert.run(5, null, 'Fox', '"Red fox"', 1)).toThrow(/CHECK/);
    expect(() => insert.run(5, null, 'Fox', '[]', 2)).toThrow(/CHECK/);
    db.prepare('DELETE FROM keyword_terms WHERE id = 1').run();
    expect(db.prepare('SELECT name FROM keyword_terms').pluck().all()).toEqual(['Places']);
    db.close();
  });
});
