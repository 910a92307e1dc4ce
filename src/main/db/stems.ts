import Sqlite from 'better-sqlite3';

/** photo_search's tokenizer (migration 0040): a match compares the stems it makes. */
const searchTokenizer = 'porter unicode61 remove_diacritics 2';

let stem: ((words: readonly string[]) => string[]) | undefined;

/**
 * Each word as the search index keeps it ("markets" → "market", "snowy" → "snowi"), from FTS5's
 * own tokenizer over a one-row index in memory: a copy of Porter's rules in JavaScript could
 * differ from SQLite's in a corner. A word the tokenizer splits gives its stems joined by spaces.
 */
export function stemsOf(words: readonly string[]): string[] {
  if (!words.length) return [];
  stem ??= createStemmer();
  return stem(words);
}

function createStemmer(): (words: readonly string[]) => string[] {
  // Its own connection, in memory: writing a scratch table through the library's would count as a
  // change to the library (see changeStamp).
  const db = new Sqlite(':memory:');
  db.exec(`
    CREATE VIRTUAL TABLE words USING fts5(word, tokenize = '${searchTokenizer}');
    CREATE VIRTUAL TABLE word_stems USING fts5vocab(words, instance);
  `);
  const clear = db.prepare('DELETE FROM words');
  const insert = db.prepare('INSERT INTO words (rowid, word) VALUES (?, ?)');
  const read = db.prepare('SELECT doc, term FROM word_stems ORDER BY doc, offset').raw();
  return db.transaction((words: readonly string[]) => {
    clear.run();
    words.forEach((word, index) => insert.run(index, word));
    const stems = words.map(() => [] as string[]);
    for (const [doc, term] of read.all() as [number, string][]) stems[doc]!.push(term);
    clear.run();
    return stems.map((parts) => parts.join(' '));
  });
}
