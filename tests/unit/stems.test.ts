import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { changeStamp, statementCache } from '../../src/main/db/statements';
import { stemsOf } from '../../src/main/db/stems';
import { tempDir } from '../helpers/files';

describe('stemsOf', () => {
  it('gives each word the stem the search index keeps for it', () => {
    const db = new Sqlite(':memory:');
    const words = ['market', 'markets', 'snowy', 'cathedral', 'cathedrale', 'University', 'Café', 'croißant', '東京タワー', 'red-fox'];
    const stems = stemsOf(db, words);
    expect(stems).toEqual(['market', 'market', 'snowi', 'cathedr', 'cathedral', 'univers', 'cafe', 'croißant', '東京タワー', 'red fox']);
    // What a search relies on: a word finds exactly the words of the same stem.
    db.exec(`CREATE VIRTUAL TABLE t USING fts5(body, tokenize = 'porter unicode61 remove_diacritics 2')`);
    const insert = db.prepare('INSERT INTO t (rowid, body) VALUES (?, ?)');
    words.forEach((word, index) => insert.run(index, word));
    words.forEach((word, index) => {
      const found = db.prepare(`SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid`).pluck().all(`"${word}"`) as number[];
      expect(found, word).toEqual(stems.flatMap((stem, other) => (stem === stems[index] ? [other] : [])));
    });
    expect(stemsOf(db, [])).toEqual([]);
    db.close();
  });

  it('works on a read-only library, leaves nothing in it, and does not count as a change to it', () => {
    const file = join(tempDir(), 'library.db');
    const writer = new Sqlite(file);
    writer.exec('CREATE TABLE photos (id INTEGER PRIMARY KEY)');
    writer.close();
    const db = new Sqlite(file, { readonly: true });
    const sql = statementCache(db);
    const before = changeStamp(sql);
    expect(stemsOf(db, ['markets', 'harbours'])).toEqual(['market', 'harbour']);
    expect(stemsOf(db, ['snowy'])).toEqual(['snowi']);
    expect(changeStamp(sql)).toBe(before);
    expect(db.prepare(`SELECT name FROM sqlite_master`).pluck().all()).toEqual(['photos']);
    db.close();
  });
});
