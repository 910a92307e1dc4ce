import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/main/db/database';
import { RelevanceLists, maxCombinations, textColumns } from '../../src/main/db/relevance-lists';
import { statementCache } from '../../src/main/db/statements';
import { SearchRepository, defaultSearchLimits } from '../../src/main/db/search.repo';
import { random } from '../../bench/search-library';
import { SearchService } from '../../src/main/search/search.service';
import { SearchCriteriaSchema, SearchQuerySchema } from '../../src/shared/domain';
import type { SearchCriteria } from '../../src/shared/domain';
import { tempDir } from '../helpers/files';

const words = ['fox', 'snow', 'beach', 'dog', 'harbour', 'sunset', 'owl', 'forest', 'boat', 'lake'];
const filler = ['quiet', 'grey', 'morning', 'small', 'old', 'light', 'path', 'wide', 'green', 'stone', 'far', 'near'];

/**
 * A library whose photos hold the same few words in titles, keywords and captions of many
 * lengths: many matches a word, many ties, and rows long and short (bm25's length part matters).
 */
function library(photos: number, vocabulary: readonly string[] = words): { db: Database; next: () => number; addPhoto: (id: number) => void; caption: (id: number, version: number) => void } {
  const db = openDatabase(join(tempDir(), 'library.db'));
  db.exec(`INSERT INTO folders (path, name, added_at) VALUES ('/photos/a', 'a', 'now'), ('/photos/b', 'b', 'now')`);
  const next = random(16);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const text = (count: number, vocabulary: readonly string[]) => Array.from({ length: count }, () => pick(vocabulary)).join(' ');
  const insertPhoto = db.prepare(
    `INSERT INTO photos (id, folder_id, path, rel_path, file_name, file_type, size, mtime_ms, fingerprint, captured_at, status, embedded_caption, indexed_at)
     VALUES (?, ?, ?, ?, ?, 'JPEG', 1, 1, ?, ?, ?, ?, 'now')`,
  );
  const insertCaption = db.prepare(
    `INSERT INTO captions (photo_id, version, source, title, caption, keywords, status, provider, created_at)
     VALUES (?, ?, 'generated', ?, ?, ?, ?, ?, 'now')`,
  );
  const addPhoto = (id: number) => {
    const folder = id % 3 ? 1 : 2;
    const name = `p${id}.jpg`;
    const path = `/photos/${folder === 1 ? 'a' : 'b'}/${id % 2 ? '2019' : '2021'}/${name}`;
    insertPhoto.run(id, folder, path, path.slice(`/photos/${folder === 1 ? 'a' : 'b'}/`.length), name, String(id).padStart(32, '0'),
      `${id % 2 ? 2019 : 2021}-0${1 + (id % 9)}-1${id % 10}T10:00:00`, id % 17 ? 'present' : 'missing',
      next() < 0.3 ? text(2 + Math.floor(next() * 12), [...vocabulary, ...filler]) : null);
  };
  const caption = (id: number, version: number) => {
    insertCaption.run(id, version, text(1 + Math.floor(next() * 3), [...vocabulary, ...filler]), text(3 + Math.floor(next() * 25), [...words, ...filler, ...filler]),
      JSON.stringify(Array.from({ length: Math.floor(next() * 4) }, () => pick(vocabulary))), pick(['draft', 'approved']), pick(['openai', 'local']));
  };
  db.transaction(() => {
    for (let id = 1; id <= photos; id++) {
      addPhoto(id);
      if (next() < 0.8) caption(id, 1);
    }
  })();
  return { db, next, addPhoto, caption };
}

/** Small lists, so that a page reaches past them and filters leave them short. */
const limits = { ...defaultSearchLimits, rankWindow: 4, listDepth: 25, exactBelow: 5, countLimit: 10_000, monthWalkAbove: 100_000 };

/** The reference: every photo the search matches (found by date, no ranking), ordered by FTS5's bm25 of the text, newest first among equals. */
function exactOrder(db: Database, service: SearchService, criteria: SearchCriteria, text: string): number[] {
  const all = service.ids(SearchCriteriaSchema.parse({ ...criteria, sort: 'date' }), 100_000).ids;
  return db
    .prepare(`SELECT rowid FROM photo_search WHERE photo_search MATCH ? AND rowid IN (SELECT value FROM json_each(?)) ORDER BY rank, rowid DESC`)
    .pluck()
    .all(`${textColumns} : (${text})`, JSON.stringify(all)) as number[];
}

function expectExact(db: Database, service: SearchService, criteria: SearchCriteria, text: string, pages: [number, number][]) {
  const exact = exactOrder(db, service, criteria, text);
  for (const [offset, limit] of pages) {
    const page = service.search(SearchQuerySchema.parse({ ...criteria, offset, limit })).results.map((photo) => photo.id);
    expect(page, `${JSON.stringify(criteria)} at ${offset}`).toEqual(exact.slice(offset, offset + limit));
  }
  expect(service.ids(SearchCriteriaSchema.parse(criteria), 30).ids, `${JSON.stringify(criteria)}: ids`).toEqual(exact.slice(0, 30));
}

const firstPages: [number, number][] = [[0, 10], [10, 10], [20, 10], [0, 50]];

describe('relevance: the first page is exact bm25 over every match', () => {
  it('for each word and pairs of words, with and without filters, from lists kept in advance', () => {
    const { db } = library(600);
    const service = new SearchService(new SearchRepository(db, limits));
    for (const word of words) expectExact(db, service, { text: `${word} ` }, `"${word}"`, firstPages);
    // The lists answered (a word's list holds 25 photos; each word matches far more).
    expect(db.prepare('SELECT count(*) FROM search_lists').pluck().get()).toBe(words.length);
    expect(db.prepare('SELECT max(n) FROM (SELECT count(*) AS n FROM search_list_photos GROUP BY phrase)').pluck().get()).toBe(25);
    const lists = new RelevanceLists(db, statementCache(db), 25);
    const everyPhoto = (ids: number[]) => new Set(ids);
    for (const word of words) {
      const exact = exactOrder(db, service, { text: `${word} `, includeMissing: true }, `"${word}"`);
      expect(exact.length).toBeGreaterThan(60);
      expect(lists.best([`"${word}"`], `${textColumns} : ("${word}")`, 20, everyPhoto), word).toEqual(exact.slice(0, 20));
      // Deeper than a list reaches, it cannot say.
      expect(lists.best([`"${word}"`], `${textColumns} : ("${word}")`, 26, everyPhoto)).toBeNull();
    }

    const filters: SearchCriteria[] = [
      { folder: '/photos/b' },
      { folder: '/photos/a/2019' },
      { captionStatus: 'draft' },
      { from: '2021-01-01', to: '2021-05-31' },
      { includeMissing: true },
      { onlyMissing: true },
      { provider: 'local', hasCaption: true },
      { keyword: 'snow' },
      { fileType: 'jpeg', includeMissing: true },
    ];
    for (const filter of filters) {
      for (const word of ['fox', 'beach', 'owl']) expectExact(db, service, { ...filter, text: `${word} ` }, `"${word}"`, firstPages);
    }
    for (const pair of ['fox snow', 'dog beach', 'owl forest', 'boat lake']) {
      const text = pair.split(' ').map((word) => `"${word}"`).join(' AND ');
      expectExact(db, service, { text: `${pair} ` }, `(${text})`, firstPages);
      expectExact(db, service, { text: `${pair} `, captionStatus: 'approved' }, `(${text})`, firstPages);
    }
    expectExact(db, service, { text: 'fox OR owl ' }, '("fox" OR "owl")', firstPages);
    expectExact(db, service, { text: 'fox -snow ' }, '("fox" NOT ("snow"))', firstPages);
    db.close();
  });

  it('ranks several words from their own list, built once for each state of the library', () => {
    const { db, caption } = library(600);
    const service = new SearchService(new SearchRepository(db, limits));
    const pairs = ['fox snow', 'dog beach', 'owl forest'];
    const textOf = (pair: string) => `(${pair.split(' ').map((word) => `"${word}"`).join(' AND ')})`;
    const scoped = (pair: string) => `${textColumns} : (${textOf(pair)})`;
    const pages: [number, number][] = [[0, 10], [10, 10], [0, 50]];
    for (const pair of pairs) {
      expect(exactOrder(db, service, { text: `${pair} ` }, textOf(pair)).length, pair).toBeGreaterThan(60);
      expectExact(db, service, { text: `${pair} ` }, textOf(pair), pages);
      expect(db.prepare('SELECT count(*) FROM search_combination_photos JOIN search_combinations ON id = combination_id WHERE text = ?').pluck().get(scoped(pair)), pair).toBe(25);
    }
    // Stored and read again (a new process): the list answers, as stored, without ranking again.
    const stored = (pair: string) =>
      db.prepare('SELECT photo_id FROM search_combination_photos JOIN search_combinations ON id = combination_id WHERE text = ? ORDER BY score DESC, photo_id DESC').pluck().all(scoped(pair)) as number[];
    const best = stored('fox snow').slice(0, 10);
    // Its order turned round, every score still above the cutoff.
    db.prepare('UPDATE search_combination_photos SET score = 1000 - score WHERE combination_id = (SELECT id FROM search_combinations WHERE text = ?)').run(scoped('fox snow'));
    const everyPhoto = (ids: number[]) => new Set(ids);
    const lists = () => new RelevanceLists(db, statementCache(db), 25);
    expect(lists().best(['"fox"', '"snow"'], scoped('fox snow'), 10, everyPhoto)).toEqual(stored('fox snow').slice(0, 10));
    expect(stored('fox snow').slice(0, 10)).not.toEqual(best);

    // A change anywhere (each word's idf, the average length) and the list is ranked again.
    db.transaction(() => {
      caption(7, 2);
      db.prepare(`UPDATE captions SET title = 'fox snow fox snow', keywords = '["fox", "snow"]' WHERE photo_id = 9`).run();
    })();
    expect(lists().best(['"fox"', '"snow"'], scoped('fox snow'), 10, everyPhoto)).toEqual(exactOrder(db, service, { text: 'fox snow ', includeMissing: true }, textOf('fox snow')).slice(0, 10));
    for (const pair of pairs) {
      expectExact(db, service, { text: `${pair} ` }, textOf(pair), pages);
      // Filters that leave too few of its photos: every match is ranked, the same order.
      expectExact(db, service, { text: `${pair} `, folder: '/photos/b', captionStatus: 'approved' }, textOf(pair), pages);
    }
    expect(exactOrder(db, service, { text: 'fox snow ' }, textOf('fox snow'))[0]).toBe(9);

    // Another process's change is seen as well: the list is ranked again.
    const otherProcess = openDatabase(db.name);
    otherProcess.prepare(`UPDATE captions SET title = 'fox snow fox snow fox snow', keywords = '["fox", "snow", "fox"]' WHERE photo_id = 11`).run();
    otherProcess.close();
    expectExact(db, service, { text: 'fox snow ' }, textOf('fox snow'), pages);
    expect(service.search(SearchQuerySchema.parse({ text: 'fox snow ', limit: 1 })).results[0]!.id).toBe(11);

    // At most so many are kept: the least recently built go first.
    const texts = Array.from({ length: maxCombinations + 5 }, (_, index) => `${textColumns} : ("fox" AND "snow" NOT "absent${index}")`);
    // Deeper than the words' lists reach: each builds its own.
    for (const text of texts) lists().best(['"fox"', '"snow"'], text, 26, everyPhoto);
    const kept = db.prepare('SELECT text FROM search_combinations').pluck().all() as string[];
    expect(kept).toHaveLength(maxCombinations);
    expect(kept).toEqual(expect.arrayContaining(texts.slice(-maxCombinations)));
    db.close();
  });

  it('stays exact after captions are added, edited and removed, photos go missing or away, and rows grow longer', () => {
    const { db, addPhoto, caption } = library(400);
    const service = new SearchService(new SearchRepository(db, limits));
    const check = () => {
      for (const word of ['fox', 'beach', 'lake']) expectExact(db, service, { text: `${word} ` }, `"${word}"`, firstPages);
      expectExact(db, service, { text: 'fox ', folder: '/photos/b' }, '"fox"', firstPages);
    };
    check();
    const listed = db.prepare(`SELECT photo_id FROM search_list_photos WHERE phrase = '"fox"'`).pluck().all() as number[];
    expect(listed.length).toBe(25);

    // The best photos of "fox" lose it, others gain it in their title, new photos arrive.
    db.transaction(() => {
      for (const id of listed.slice(0, 10)) db.prepare(`UPDATE captions SET title = 'grey', caption = 'stone path', keywords = '[]' WHERE photo_id = ?`).run(id);
      for (const id of [3, 5, 7, 11, 13]) caption(id, 2);
      db.prepare(`UPDATE captions SET title = 'fox fox', keywords = '["fox"]', caption = 'fox' WHERE photo_id IN (20, 21, 22)`).run();
      for (let id = 401; id <= 430; id++) {
        addPhoto(id);
        caption(id, 1);
      }
    })();
    expect(db.prepare('SELECT count(*) FROM search_changes').pluck().get()).toBeGreaterThan(0);
    check();
    for (const id of [20, 21]) expect(exactOrder(db, service, { text: 'fox ' }, '"fox"').slice(0, 5)).toContain(id);

    db.transaction(() => {
      db.prepare('DELETE FROM captions WHERE photo_id IN (SELECT photo_id FROM search_list_photos WHERE phrase = \'"beach"\' LIMIT 8)').run();
      db.prepare(`UPDATE photos SET status = 'missing' WHERE id IN (SELECT photo_id FROM search_list_photos WHERE phrase = '"lake"' LIMIT 8)`).run();
      db.prepare('DELETE FROM photos WHERE id IN (22, 30, 31, 32)').run();
    })();
    check();

    // Longer rows raise the average length bm25 divides by: the lists were chosen for another.
    const averageBefore = db.prepare(`SELECT average_length FROM search_lists WHERE phrase = '"fox"'`).pluck().get() as number;
    db.transaction(() => {
      for (let id = 431; id <= 600; id++) {
        addPhoto(id);
        db.prepare(`INSERT INTO captions (photo_id, version, source, caption, created_at) VALUES (?, 1, 'edited', ?, 'now')`)
          .run(id, `${'stone grey path wide '.repeat(12)} fox`);
      }
    })();
    check();
    const averageAfter = db.prepare(`SELECT average_length FROM search_lists WHERE phrase = '"fox"'`).pluck().get() as number;
    expect(averageAfter).toBeGreaterThan(averageBefore * 1.2);
    db.close();
  });

  it('ranks a word being typed exactly when the library completes it to one stem, or its ß spelling to nothing', () => {
    const { db } = library(600, [...words, 'market', 'markets', 'croissant', 'happy']);
    const service = new SearchService(new SearchRepository(db, limits));
    // "market" and "markets" are one word to the index: the typed word ranks as "market" does, from its list.
    for (const typed of ['marke', 'market']) expectExact(db, service, { text: typed }, '"market"', firstPages);
    // "croissan" is looked up as "croißan" too, which nothing in the library begins with.
    expectExact(db, service, { text: 'croissan' }, '"croissant"', firstPages);
    expect(db.prepare('SELECT phrase FROM search_lists ORDER BY phrase').pluck().all()).toEqual(['"croissant"', '"market"']);
    // No whole word begins with "happi", but the index's stem of "happy" does: still found.
    const happy = service.search(SearchQuerySchema.parse({ text: 'happi', limit: 1000 }));
    expect(happy.total).toBe(exactOrder(db, service, { text: 'happy ' }, '"happy"').length);
    expect(happy.total).toBeGreaterThan(60);
    db.close();
  });

  it('answers at once while another process holds the library for writing, and keeps its lists once it is free', () => {
    const { db } = library(300);
    const service = new SearchService(new SearchRepository(db, limits));
    const otherProcess = openDatabase(db.name);
    otherProcess.exec('BEGIN IMMEDIATE');
    otherProcess.prepare(`UPDATE photos SET embedded_title = 'held' WHERE id = 1`).run();
    const started = performance.now();
    // A phrase searched the first time: its list is built, and saving it would need the write lock.
    expectExact(db, service, { text: 'harbour ' }, '"harbour"', [[0, 10]]);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(db.prepare('SELECT count(*) FROM search_lists').pluck().get()).toBe(0);
    otherProcess.exec('COMMIT');
    otherProcess.close();
    expectExact(db, service, { text: 'harbour ' }, '"harbour"', [[0, 10]]);
    expect(db.prepare('SELECT phrase FROM search_lists').pluck().all()).toEqual(['"harbour"']);
    db.close();
  });

  it('keeps the change log short and drops the lists it has left far behind', () => {
    const { db, addPhoto } = library(50);
    const service = new SearchService(new SearchRepository(db, { ...limits, listDepth: 5 }));
    service.search(SearchQuerySchema.parse({ text: 'fox ', limit: 5 }));
    expect(db.prepare('SELECT count(*) FROM search_lists').pluck().get()).toBe(1);
    db.transaction(() => {
      for (let id = 51; id <= 7_050; id++) addPhoto(id);
    })();
    expect(db.prepare('SELECT count(*) FROM search_lists').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM search_changes').pluck().get()).toBeLessThan(1_000);
    expectExact(db, service, { text: 'fox ' }, '"fox"', [[0, 10]]);
    db.close();
  });
});
