import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { stemsOf } from '../../src/main/db/stems';

describe('stemsOf', () => {
  it('gives each word the stem the search index keeps for it', () => {
    const words = ['market', 'markets', 'snowy', 'cathedral', 'cathedrale', 'University', 'Café', 'croißant', '東京タワー', 'red-fox'];
    expect(stemsOf(words)).toEqual(['market', 'market', 'snowi', 'cathedr', 'cathedral', 'univers', 'cafe', 'croißant', '東京タワー', 'red fox']);
    // What a search relies on: a word finds exactly the words of the same stem.
    const db = new Sqlite(':memory:');
    db.exec(`CREATE VIRTUAL TABLE t USING fts5(body, tokenize = 'porter unicode61 remove_diacritics 2')`);
    const insert = db.prepare('INSERT INTO t (rowid, body) VALUES (?, ?)');
    words.forEach((word, index) => insert.run(index, word));
    const stems = stemsOf(words);
    words.forEach((word, index) => {
      const found = db.prepare(`SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid`).pluck().all(`"${word}"`) as number[];
      expect(found, word).toEqual(stems.flatMap((stem, other) => (stem === stems[index] ? [other] : [])));
    });
    db.close();
    expect(stemsOf([])).toEqual([]);
  });
});
