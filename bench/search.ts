import Sqlite from 'better-sqlite3';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../src/main/db/database';
import { FoldersRepository } from '../src/main/db/folders.repo';
import { PhotosRepository } from '../src/main/db/photos.repo';
import { SearchRepository } from '../src/main/db/search.repo';
import { SearchService } from '../src/main/search/search.service';
import { SearchCriteriaSchema, SearchQuerySchema } from '../src/shared/domain';
import type { SearchCriteria, SearchQuery } from '../src/shared/domain';
import { generateLibrary, libraryRoot } from './search-library';
import { recallTable } from './search-recall';

/**
 * Search latency at a million photos: Captionist's search (its search service, the contract's validation
 * included) for typical queries, beside the bare better-sqlite3 FTS5 MATCH for the same words on
 * the same index. The library is generated once and kept (see search-library.ts); `--rebuild`
 * builds it again and reports the index build rate.
 */
const { values } = parseArgs({
  options: {
    photos: { type: 'string', default: '1000000' },
    rounds: { type: 'string', default: '200' },
    dir: { type: 'string' },
    rebuild: { type: 'boolean', default: false },
    /** Runs only the cases whose name contains this (while working on one of them). */
    only: { type: 'string' },
    /** Skips the recall tables (first page beside exact bm25). */
    'no-recall': { type: 'boolean', default: false },
    /** Then adds photos with long captions (the average row length grows), measures again and removes them. */
    drift: { type: 'boolean', default: false },
  },
});
const photoCount = Number(values.photos);
const rounds = Number(values.rounds);
const dataDir = values.dir ?? join(tmpdir(), 'captionist-bench', `search-${photoCount}`);
const dbFile = join(dataDir, 'library.db');

if (values.rebuild || !existsSync(dbFile)) {
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const db = openDatabase(dbFile);
  process.stdout.write(`Building a library of ${photoCount.toLocaleString('en-US')} photos in ${dataDir} ...\n`);
  const seconds = generateLibrary(db, {
    photos: photoCount,
    folders: 12,
    onProgress: (done) => {
      if (done % 100_000 === 0) process.stdout.write(`  ${done.toLocaleString('en-US')}\n`);
    },
  });
  db.pragma('wal_checkpoint(TRUNCATE)');
  const captions = db.prepare('SELECT count(*) FROM captions').pluck().get() as number;
  db.close();
  process.stdout.write(
    `Index build: ${photoCount.toLocaleString('en-US')} photos and ${captions.toLocaleString('en-US')} captions written ` +
      `through the search triggers in ${seconds.toFixed(1)} s = ${Math.round(photoCount / seconds).toLocaleString('en-US')} photos/s\n`,
  );
}

const opening = process.hrtime.bigint();
const db = openDatabase(dbFile);
const openedMs = Number(process.hrtime.bigint() - opening) / 1e6;
const searchService = new SearchService(new SearchRepository(db));
const folders = new FoldersRepository(db);
const bare = new Sqlite(dbFile, { readonly: true });
const photoCounts = new PhotosRepository(bare);

const oneWord = ['beach', 'dog', 'sunset', 'lighthouse', 'glacier', 'fox', 'cathedral', 'harbour', 'puffin', 'market',
  'kyoto', 'snow', 'wedding', 'europe', 'reflections', 'aurora', 'croissant', 'vineyard', 'fog', 'penguin'];
const twoWords = ['dog beach', 'fox snow', 'lighthouse sunset', 'market lisbon', 'bride cathedral', 'glacier iceland',
  'surfer waves', 'cat balcony', 'ferry fjord', 'owl forest'];
const prefixes = ['ligh', 'cathe', 'puf', 'glac', 'harb', 'sunfl', 'rey', 'vine', 'moun', 'bicy'];
const phrases = ['"golden hour"', '"sandy beach"', '"frozen lake"', '"old town"', '"busy market"', '"stormy sky"',
  '"snow-capped peaks"', '"blue hour"', '"fishing boat"', '"long shadows"'];
const years = ['2008', '2012', '2015', '2019', '2023'];

interface Case {
  name: string;
  run: (round: number) => unknown;
  /** The bare FTS5 query for the same words, when there is one to compare with: exact bm25, ranking every match. */
  bare?: (round: number) => unknown;
  /** The bare FTS5 match for the same words, unranked. */
  match?: (round: number) => unknown;
}

const page = { limit: 50, offset: 0 };
// Validated with the contract's schemas, as `invoke` does before the search service sees a query.
const search = (query: SearchQuery) => searchService.search(SearchQuerySchema.parse({ ...page, ...query }));
const counts = (criteria: SearchCriteria) => searchService.folderCounts(SearchCriteriaSchema.parse(criteria));
const bareRanked = bare.prepare('SELECT rowid FROM photo_search WHERE photo_search MATCH ? ORDER BY rank LIMIT 50');
const bareMatch = (words: string) => bareRanked.all(words);
const bareUnranked = bare.prepare('SELECT rowid FROM photo_search WHERE photo_search MATCH ? LIMIT 50');
const at = <T>(list: readonly T[], round: number) => list[round % list.length]!;

const cases: Case[] = [
  {
    name: 'one word',
    run: (i) => search({ text: `${at(oneWord, i)} ` }),
    bare: (i) => bareMatch(at(oneWord, i)),
    match: (i) => bareUnranked.all(at(oneWord, i)),
  },
  {
    name: 'two words',
    run: (i) => search({ text: `${at(twoWords, i)} ` }),
    bare: (i) => bareMatch(at(twoWords, i)),
    match: (i) => bareUnranked.all(at(twoWords, i)),
  },
  {
    name: "one word, first 1,000 ids (hybrid search's text half)",
    run: (i) => searchService.ids(SearchCriteriaSchema.parse({ text: `${at(oneWord, i)} ` }), 1000),
  },
  { name: 'prefix (as you type)', run: (i) => search({ text: at(prefixes, i) }), bare: (i) => bareMatch(`${at(prefixes, i)}*`) },
  { name: 'phrase', run: (i) => search({ text: at(phrases, i) }), bare: (i) => bareMatch(at(phrases, i)) },
  {
    name: 'one word, library folder',
    run: (i) => search({ text: `${at(oneWord, i)} `, folder: `${libraryRoot}/Archive ${String((i % 12) + 1).padStart(2, '0')}` }),
  },
  {
    name: 'one word, year folder',
    run: (i) => search({ text: `${at(oneWord, i)} `, folder: `${libraryRoot}/Archive ${String((i % 12) + 1).padStart(2, '0')}/${at(years, i)}` }),
  },
  { name: 'one word, one year', run: (i) => search({ text: `${at(oneWord, i)} `, from: at(years, i), to: at(years, i) }) },
  { name: 'one word, 18 months', run: (i) => search({ text: `${at(oneWord, i)} `, from: `${at(years, i)}-07-15`, to: `${Number(at(years, i)) + 1}-12` }) },
  { name: 'one word, by date', run: (i) => search({ text: `${at(oneWord, i)} `, sort: 'date' }) },
  { name: 'one word, draft captions', run: (i) => search({ text: `${at(oneWord, i)} `, captionStatus: 'draft' }) },
  { name: 'no text, newest first', run: (i) => search({ text: '', offset: (i % 10) * 50 }) },
  { name: 'library folders with photo counts', run: () => folders.list() },
  { name: 'library status: photo, missing and captioned counts', run: () => photoCounts.counts() },
  { name: 'folder counts, whole library', run: () => counts({}) },
  { name: 'folder counts, one word', run: (i) => counts({ text: `${at(oneWord, i)} ` }) },
  { name: 'folder counts, rare word', run: (i) => counts({ text: `${at(['puffin', 'croissant', 'penguin', 'aurora'], i)} ` }) },
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function measure(run: (round: number) => unknown): { p50: number; p95: number; p99: number } {
  for (let i = 0; i < 20; i++) run(i); // warm the page cache and the statement caches
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const started = process.hrtime.bigint();
    run(i);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), p99: percentile(times, 99) };
}

const sqliteVersion = bare.prepare('SELECT sqlite_version()').pluck().get() as string;
process.stdout.write(
  `\n${new Date().toISOString().slice(0, 10)}, ${cpus().length} x ${cpus()[0]?.model.trim()}, ` +
    `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, SQLite ${sqliteVersion}, ` +
    `${photoCount.toLocaleString('en-US')} photos, ${rounds} queries per row, 50 results a page, ` +
    `opened (with any migration and the backup before it) in ${(openedMs / 1000).toFixed(1)} s, load average ${loadavg().map((load) => load.toFixed(1)).join(' ')}\n\n`,
);
if (!values['no-recall']) process.stdout.write(`${recallTable(bare, searchService, [...oneWord, ...twoWords])}\n\n`);

function timeTable(): void {
  process.stdout.write(
    '| query | p50 ms | p95 ms | p99 ms | bare FTS5 exact bm25 p50 / p95 ms | p95 ratio | bare FTS5 MATCH (unranked) p50 / p95 ms |\n' +
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n',
  );
  const ms = (value: number) => value.toFixed(1);
  for (const test of cases.filter((test) => values.only === undefined || test.name.includes(values.only))) {
    const ours = measure(test.run);
    const theirs = test.bare ? measure(test.bare) : null;
    const unranked = test.match ? measure(test.match) : null;
    process.stdout.write(
      `| ${test.name} | ${ms(ours.p50)} | ${ms(ours.p95)} | ${ms(ours.p99)} | ` +
        `${theirs ? `${ms(theirs.p50)} / ${ms(theirs.p95)}` : ''} | ${theirs ? (ours.p95 / theirs.p95).toFixed(2) : ''} | ` +
        `${unranked ? `${ms(unranked.p50)} / ${ms(unranked.p95)}` : ''} |\n`,
    );
  }
}
timeTable();

if (values.drift) {
  // Longer captions than the library's: the average row length bm25 divides by grows.
  const chosenFor = () => JSON.stringify(db.prepare('SELECT round(min(average_length), 2), round(max(average_length), 2) FROM search_lists').raw().get());
  const firstNew = (db.prepare('SELECT max(id) FROM photos').pluck().get() as number) + 1;
  const added = 4_000;
  const started = process.hrtime.bigint();
  db.transaction(() => {
    const photo = db.prepare(
      `INSERT INTO photos (id, folder_id, path, rel_path, file_name, file_type, size, mtime_ms, fingerprint, embedded_caption, indexed_at)
       VALUES (?, 1, ?, ?, ?, 'JPEG', 1, 1, 'drift', ?, 'now')`,
    );
    const long = 'A long caption about a quiet morning walk along the coast with friends and a dog. '.repeat(30);
    for (let id = firstNew; id < firstNew + added; id++) photo.run(id, `${libraryRoot}/drift/${id}.jpg`, `drift/${id}.jpg`, `${id}.jpg`, long);
  })();
  process.stdout.write(
    `\nDrift: ${added.toLocaleString('en-US')} photos with 480-word captions added in ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s ` +
      `; the lists were chosen for average row lengths ${chosenFor()}:\n\n`,
  );
  process.stdout.write(`${recallTable(bare, searchService, oneWord)}\n\nAfterwards the lists are chosen for ${chosenFor()}.\n\n`);
  timeTable();
  db.prepare(`DELETE FROM photos WHERE id >= ? AND fingerprint = 'drift'`).run(firstNew);
}
bare.close();
db.close();
