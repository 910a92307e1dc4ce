import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { toFtsQuery } from '../../src/main/search/fts-query';

describe('toFtsQuery', () => {
  it('quotes every term and makes the last one a prefix', () => {
    expect(toFtsQuery('red fox')).toBe('"red" "fox"*');
    expect(toFtsQuery('  café  ')).toBe('"café"*');
  });

  it('returns null when nothing searchable is left', () => {
    expect(toFtsQuery('')).toBeNull();
    expect(toFtsQuery('"(*)" -- ;')).toBeNull();
  });

  it('never produces an expression FTS5 rejects, whatever is typed', () => {
    const db = new Sqlite(':memory:');
    db.exec(`CREATE VIRTUAL TABLE t USING fts5(body, tokenize = 'unicode61 remove_diacritics 2')`);
    db.prepare('INSERT INTO t(body) VALUES (?)').run('A red fox at the café, NEAR the river');
    const hostile = [
      '"unbalanced', '(((', 'fox)', 'NEAR(fox river)', 'fox AND', 'OR', 'NOT fox', '-fox', 'body:fox',
      "'; DROP TABLE t; --", '*', '^fox', 'fox*', '"" ""', 'a'.repeat(20_000), '狐狸 🦊 fox',
      Array.from({ length: 500 }, (_, i) => `w${i}`).join(' '),
    ];
    for (const text of hostile) {
      const match = toFtsQuery(text);
      if (match === null) continue;
      expect(() => db.prepare('SELECT count(*) FROM t WHERE t MATCH ?').get(match)).not.toThrow();
    }
    expect(db.prepare('SELECT count(*) AS n FROM t WHERE t MATCH ?').get(toFtsQuery('cafe fo'))).toEqual({ n: 1 });
    db.close();
  });
});
