import type { Database } from 'better-sqlite3';
import { readTransaction, withoutMovingStamp } from './statements';

/** photo_search's tokenizer (migration 0040): a match compares the stems it makes. */
const searchTokenizer = 'porter unicode61 remove_diacritics 2';

/** Per connection, its stemmer. */
const stemmers = new WeakMap<Database, (words: readonly string[]) => string[]>();

/**
 * Each word as the search index keeps it ("markets" → "market", "snowy" → "snowi"), from FTS5's
 * own tokenizer over a small index in the connection's TEMP schema (in memory, never in the
 * library file, writable on a read-only connection): a copy of Porter's rules in JavaScript could
 * differ from SQLite's in a corner. The library's own connection, not one of its own, so the app
 * needs no second native binding. A word the tokenizer splits gives its stems joined by spaces.
 */
export function stemsOf(db: Database, words: readonly string[]): string[] {
  if (!words.length) return [];
  let stem = stemmers.get(db);
  if (!stem) {
    stem = createStemmer(db);
    stemmers.set(db, stem);
  }
  // Scratch writes no read kept in memory depends on (see changeStamp).
  return withoutMovingStamp(db, () => stem(words));
}

function createStemmer(db: Database): (words: readonly string[]) => string[] {
  withoutMovingStamp(db, () =>
    db.exec(`
      CREATE VIRTUAL TABLE IF NOT EXISTS temp.stem_words USING fts5(word, tokenize = '${searchTokenizer}');
      CREATE VIRTUAL TABLE IF NOT EXISTS temp.stem_terms USING fts5vocab(temp, stem_words, instance);
    `),
  );
  const clear = db.prepare('DELETE FROM temp.stem_words');
  const insert = db.prepare('INSERT INTO temp.stem_words (rowid, word) VALUES (?, ?)');
  const read = db.prepare('SELECT doc, term FROM temp.stem_terms ORDER BY doc, offset').raw();
  // Not db.transaction: its write lock would wait for another process's write to the library.
  return (words: readonly string[]) => readTransaction(db, () => {
    clear.run();
    words.forEach((word, index) => insert.run(index, word));
    const stems = words.map(() => [] as string[]);
    for (const [doc, term] of read.all() as [number, string][]) stems[doc]!.push(term);
    clear.run();
    return stems.map((parts) => parts.join(' '));
  });
}
