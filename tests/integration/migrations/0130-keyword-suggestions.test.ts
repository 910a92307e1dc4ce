import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../src/main/db/migrate';
import { migrations } from '../../../src/main/db/migrations';
import { keywordSuggestions } from '../../../src/main/db/migrations/0130-keyword-suggestions';

const before = migrations.filter((migration) => migration.version < keywordSuggestions.version);

describe('migration 0130 keyword suggestions', () => {
  it('gives every caption an empty list of suggestions, keeping its keywords, and takes only lists', () => {
    const db = new Sqlite(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, before);
    db.prepare(`INSERT INTO folders (path, name, added_at) VALUES ('/photos', 'photos', 'now')`).run();
    db.prepare(
      `INSERT INTO photos (folder_id, path, rel_path, file_name, file_type, size, mtime_ms, fingerprint, indexed_at)
       VALUES (1, '/photos/puffin.jpg', 'puffin.jpg', 'puffin.jpg', 'JPEG', 100, 1700000000000, 'f1', 'now')`,
    ).run();
    db.prepare(
      `INSERT INTO captions (photo_id, version, source, caption, keywords, created_at)
       VALUES (1, 1, 'generated', 'A puffin on a cliff.', '["puffin","cliff"]', 'now')`,
    ).run();

    migrate(db, migrations, keywordSuggestions.version);

    expect(db.pragma('user_version', { simple: true })).toBe(130);
    expect(db.prepare('SELECT caption, keywords, keyword_suggestions AS suggestions FROM captions').get()).toEqual({
      caption: 'A puffin on a cliff.',
      keywords: '["puffin","cliff"]',
      suggestions: '[]',
    });
    db.prepare(`UPDATE captions SET keyword_suggestions = '["boat"]'`).run();
    expect(() => db.prepare(`UPDATE captions SET keyword_suggestions = 'boat'`).run()).toThrow(/malformed JSON|CHECK/);
    expect(() => db.prepare(`UPDATE captions SET keyword_suggestions = '"boat"'`).run()).toThrow(/CHECK/);
    expect(db.prepare('SELECT keyword_suggestions FROM captions').pluck().get()).toBe('["boat"]');
    db.close();
  });
});
