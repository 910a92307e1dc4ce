import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { ShortCodeTable } from '../src/main/base/hamming';
import { defaultRetryPolicy } from '../src/main/base/retry';
import { codeWords, signCode } from '../src/main/base/sign-code';
import { fileLogger } from '../src/main/base/logger';
import { environmentSecrets } from '../src/main/base/secrets';
import { openDatabase } from '../src/main/db/database';
import { EmbeddingsRepository } from '../src/main/db/embeddings.repo';
import { ProvidersRepository } from '../src/main/db/providers.repo';
import { SearchRepository } from '../src/main/db/search.repo';
import { fromBlob } from '../src/main/db/vector-blobs';
import { unitLength } from '../src/main/providers/embeddings';
import { HttpClient } from '../src/main/providers/http';
import { ProviderRegistry } from '../src/main/providers/provider-registry';
import { EmbeddingsService } from '../src/main/search/embeddings.service';
import { MeaningSearch } from '../src/main/search/meaning-search';
import { SearchService } from '../src/main/search/search.service';
import { VectorIndex } from '../src/main/search/vector-index';
import { MeaningSearchQuerySchema } from '../src/shared/embeddings';
import { random } from './search-library';

/**
 * Search by meaning at scale. Generated caption vectors with cluster structure (photos of one shoot
 * mean nearly the same), stored as Captionist stores them, for every photo of a generated library,
 * or of a copy of the text bench's library (`--library DIR`, never written to) so hybrid search has
 * real text matches to fuse. Measures the index's build (all at once, as a one-off CLI search
 * waits for it, with its memory; and in the background, as the app and `serve` build it), the nearest 1,000 (what hybrid fuses) and its recall@10 beside a bare
 * exact cosine over every float vector in memory, and hybrid and "more like this" searches through
 * Captionist's search with their filters (unfiltered, and one year), then where each search's
 * time goes, stage by stage. `--reuse` keeps the library of an earlier run; a library whose codes
 * are short (stored before migration 0180) first has them lengthened, timed.
 */
const { values } = parseArgs({
  options: {
    photos: { type: 'string', default: '100000' },
    dimensions: { type: 'string', default: '768' },
    queries: { type: 'string', default: '40' },
    library: { type: 'string' },
    reuse: { type: 'boolean', default: false },
  },
});
const photos = Number(values.photos);
const dimensions = Number(values.dimensions);
const queryCount = Number(values.queries);
const clusters = Math.max(10, Math.round(photos / 1000));
const dir = join(tmpdir(), 'captionist-bench', `embeddings-${photos}`);
const dbFile = join(dir, 'library.db');
const next = random(42);
const gaussian = () => Math.sqrt(-2 * Math.log(next() || 1e-12)) * Math.cos(2 * Math.PI * next());
const centres = Array.from({ length: clusters }, () => Float32Array.from({ length: dimensions }, gaussian));
const near = (centre: Float32Array, spread: number) => unitLength(centre.map((value) => value + spread * gaussian()));
const nearSomeCentre = (spread: number) => near(centres[Math.floor(next() * clusters)]!, spread);
const model = { provider: 'bench', model: 'generated', dimensions: null };
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const say = (line: string) => process.stdout.write(`${line}\n`);

if (!values.reuse || !existsSync(dbFile)) generate();
const db = openDatabase(dbFile);
const repo = new EmbeddingsRepository(db);
const text = new SearchService(new SearchRepository(db));
const now = () => new Date();
const providers = new ProviderRegistry(new ProvidersRepository(db), environmentSecrets({}), { http: new HttpClient(), poll: { intervalMs: 2000, maxIntervalMs: 2000, deadlineMs: 2000 }, sleep: defaultRetryPolicy.sleep }, now);
const logger = fileLogger(join(dirname(dbFile), 'captionist.log'), now);
const embeddings = new EmbeddingsService({ repo, logger, providers, retryPolicy: defaultRetryPolicy, emit: () => undefined, now, captionSpend: () => 0, indexDelayMs: 0 });
const meaning = new MeaningSearch(text, embeddings, repo);
const photoCount = db.prepare('SELECT count(*) FROM photo_embeddings').pluck().get() as number;
say(`${photoCount} photos x ${dimensions} dimensions in ${clusters} clusters; database ${mb(statSync(dbFile).size)} (${(statSync(dbFile).size / photoCount).toFixed(0)} bytes a photo); load average ${loadavg().map((load) => load.toFixed(1)).join(' ')}`);

const [lengthened, lengthenMs] = timed(() => {
  let steps = 0;
  for (let afterId: number | null = 0; afterId !== null; steps++) afterId = repo.lengthenCodes(afterId, 500);
  return steps - 1;
});
say(lengthened ? `short codes lengthened from the stored vectors: ${lengthened} steps of 500 in ${(lengthenMs / 1000).toFixed(1)} s` : 'every code is long already');

oneOffBuild();
// The app and `serve` build the index in the background when they start: the rounds below find it so.
await builtInBackground();
const [index, catchUpMs] = timed(() => embeddings.vectorIndex());
say(`each later search's catch-up with new codes: ${catchUpMs.toFixed(2)} ms`);

const [exact, decodeMs] = timed(() => allVectors());
say(`bare reference: every float vector decoded into one array in ${decodeMs.toFixed(0)} ms (${mb(exact.vectors.byteLength)})`);

const query = (fields: Record<string, unknown>) => MeaningSearchQuerySchema.parse({ limit: 50, ...fields });
const oneYear = { from: '2019', to: '2019' };
// The session's first search also compiles its statements and code and reads what later
// searches keep (the missing photos, a list): timed on its own, with a word the rounds do not use.
repo.cacheQuery('mountain', unitLength(centres[0]!)); // drawn without the rounds' random numbers
const [, firstHybridMs] = await timedAsync(() => meaning.search(query({ text: 'mountain', mode: 'hybrid' })));
say(`the session's first hybrid search (after the index): ${firstHybridMs.toFixed(0)} ms; the rounds below follow it`);
const words = ['beach', 'dog', 'sunset', 'lighthouse', 'glacier', 'fox', 'cathedral', 'harbour', 'puffin', 'market', 'kyoto', 'snow', 'wedding', 'europe', 'reflections', 'aurora', 'croissant', 'vineyard', 'fog', 'penguin'];
// Several words, as photographers also search (the last one still a prefix, as typed).
const phrases = ['dog beach', 'sunset harbour', 'wedding europe', 'snow fox', 'golden hour', 'misty hillside', 'wedding kyoto', 'fox in the snow', 'black and white', 'dog on the beach at sunset'];
const times: Record<string, number[]> = { nearest: [], exact: [], hybrid: [], phrases: [], filtered: [], similar: [], similarExact: [] };
// Captionist's searches first, all of them, then the bare scans for the same queries: a bare scan
// sweeps 2.9 GB through the caches, and a search run right after one measured that sweep (about
// 70 ms of its time at a million photos) more than its own work.
const rounds = Array.from({ length: queryCount }, (_, round) => ({
  vector: nearSomeCentre(1.5),
  word: words[round % words.length]!,
  similarTo: exact.photoIds[Math.floor(next() * exact.photoIds.length)]!,
}));
const answers: { nearest: number[]; similar: number[] }[] = [];
const slowHybrid: [ms: number, search: string][] = [];
const slowPhrases: [ms: number, search: string][] = [];
// Several words keep a list of their own best photos, built by their first search in a state of
// the library: each phrase's first search here builds it, as a user's first search of it does.
db.prepare('DELETE FROM search_combinations').run();
const firstPhraseTimes: number[] = [];
for (const { vector, word, similarTo } of rounds) {
  const [found, ms] = timed(() => index.nearest(vector, 1000, -1, null).slice(0, 10));
  times.nearest!.push(ms);
  // As the app sends it after the typing pause (and the CLI as given): the last word still a
  // prefix. Each round's generated vector is cached as that text's embedding.
  repo.cacheQuery(word, vector);
  const hybridMs = (await timedAsync(() => meaning.search(query({ text: word, mode: 'hybrid' }))))[1];
  times.hybrid!.push(hybridMs);
  slowHybrid.push([hybridMs, `${word} (round ${times.hybrid!.length})`]);
  times.filtered!.push((await timedAsync(() => meaning.search(query({ text: word, mode: 'hybrid', ...oneYear }))))[1]);
  const phrase = phrases[times.hybrid!.length % phrases.length]!;
  repo.cacheQuery(phrase, vector);
  const phraseMs = (await timedAsync(() => meaning.search(query({ text: phrase, mode: 'hybrid' }))))[1];
  (times.hybrid!.length <= phrases.length ? firstPhraseTimes : times.phrases!).push(phraseMs);
  slowPhrases.push([phraseMs, phrase]);
  const [similar, similarMs] = await timedAsync(() => meaning.search(query({ similarTo, limit: 10 })));
  times.similar!.push(similarMs);
  answers.push({ nearest: found.map((item) => item.photoId), similar: similar.results.map((hit) => hit.id) });
}
let recalled = 0;
let similarRecalled = 0;
rounds.forEach(({ vector, similarTo }, round) => {
  const [best, exactMs] = timed(() => exactNearest(vector, 10, -1));
  times.exact!.push(exactMs);
  recalled += answers[round]!.nearest.filter((photoId) => best.includes(photoId)).length;
  const [similarBest, similarExactMs] = timed(() => exactNearest(fromBlob(repo.currentVectors([similarTo])[0]![1]), 10, similarTo));
  times.similarExact!.push(similarExactMs);
  similarRecalled += answers[round]!.similar.filter((photoId) => similarBest.includes(photoId)).length;
});
const percentile = (numbers: number[], p: number) => [...numbers].sort((a, b) => a - b)[Math.min(numbers.length - 1, Math.floor(numbers.length * p))]!;
const row = (name: string, numbers: number[]) => say(`${name}: p50 ${percentile(numbers, 0.5).toFixed(1)} ms, p95 ${percentile(numbers, 0.95).toFixed(1)} ms`);
row('nearest 1,000 (the index: codes, then exact rerank)', times.nearest!);
row('nearest 10 (bare exact cosine over every float)', times.exact!);
say(`recall@10 against exact: ${(recalled / (queryCount * 10)).toFixed(3)}`);
row('hybrid search (text ids + nearest 1,000, fused, first 50 with their rows)', times.hybrid!);
say(`  slowest: ${slowHybrid.sort((a, b) => b[0] - a[0]).slice(0, 3).map(([ms, search]) => `${search} ${ms.toFixed(0)} ms`).join(', ')}`);
row('hybrid search within one year (2019)', times.filtered!);
row(`hybrid search, several words, each phrase's first search (${firstPhraseTimes.length}: ranks every match, keeps the best 2,000)`, firstPhraseTimes);
row(`hybrid search, several words, searched again (${times.phrases!.length})`, times.phrases!);
say(`  slowest: ${slowPhrases.sort((a, b) => b[0] - a[0]).slice(0, 4).map(([ms, search]) => `"${search}" ${ms.toFixed(0)} ms`).join(', ')}`);
row('more like this (nearest 1,000 but the photo, first 10 with their rows)', times.similar!);
row('more like this, bare exact cosine', times.similarExact!);
say(`more like this recall@10 against exact: ${(similarRecalled / (queryCount * 10)).toFixed(3)}`);
stages();
say(`rss ${mb(process.memoryUsage().rss)}; load average ${loadavg().map((load) => load.toFixed(1)).join(' ')}`);
db.close();

/** A one-off search (the CLI's) builds the index when it asks, all at once: its wait and its memory. */
function oneOffBuild(): void {
  const oneOff = new EmbeddingsService({ repo: new EmbeddingsRepository(db), logger, providers, retryPolicy: defaultRetryPolicy, emit: () => undefined, now, captionSpend: () => 0 });
  const memoryBefore = process.memoryUsage();
  const [built, waitMs] = timed(() => oneOff.vectorIndex());
  const memoryAfter = process.memoryUsage();
  // The short codes live in WebAssembly memory, which neither the heap nor array buffers count: rss does.
  say(
    `a one-off search (the CLI) waits ${waitMs.toFixed(0)} ms for the index of ${built.size} codes; ` +
      `heap + array buffers grew ${mb(memoryAfter.heapUsed + memoryAfter.arrayBuffers - memoryBefore.heapUsed - memoryBefore.arrayBuffers)}, rss ${mb(memoryAfter.rss - memoryBefore.rss)}`,
  );
}

/**
 * The index the rounds search, built as the app and `serve` build it, between other work after
 * they start: when it is ready, and how long a request arriving meanwhile would wait.
 */
async function builtInBackground(): Promise<void> {
  const slices: number[] = [];
  let ready = false;
  const codeChangesSince = repo.codeChangesSince;
  repo.codeChangesSince = (...args) => {
    const [changes, ms] = timed(() => codeChangesSince.apply(repo, args));
    slices.push(ms);
    ready = changes?.complete ?? false;
    return changes;
  };
  // The event loop's delay, sampled every millisecond: what a request arriving meanwhile waits.
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const started = performance.now();
  embeddings.prepareIndexInBackground();
  while (!ready) await new Promise((resolve) => setTimeout(resolve, 1));
  const readyMs = performance.now() - started;
  // Then a warm-up search a step.
  await new Promise((resolve) => setTimeout(resolve, 500));
  delay.disable();
  repo.codeChangesSince = codeChangesSince;
  const sorted = [...slices].sort((a, b) => a - b);
  say(
    `built in the background: ready ${readyMs.toFixed(0)} ms after the start, in ${slices.length} slices of up to 32,768 codes ` +
      `(each read in p50 ${sorted[slices.length >> 1]!.toFixed(0)} ms, the longest ${sorted.at(-1)!.toFixed(0)} ms); ` +
      `the thread's delay meanwhile p50 ${(delay.percentile(50) / 1e6).toFixed(0)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(0)} ms, longest ${(delay.max / 1e6).toFixed(0)} ms`,
  );
}

/**
 * Where a hybrid search's time goes: each stage of MeaningSearch.search timed on its own, the
 * nearest 1,000 through an index of the same codes whose reads from the database are timed.
 */
function stages(): void {
  const spent: Record<string, number[]> = {};
  const time = <T>(stage: string, work: () => T): T => {
    const [result, ms] = timed(work);
    (spent[stage] ??= []).push(ms);
    return result;
  };
  const probe = new VectorIndex({
    vectors: (photoIds) => time('floats read for the exact rerank', () => repo.currentVectors(photoIds)),
  });
  // Before long codes: the 3,000 closest short codes, every one read as floats from the database.
  const before = new VectorIndex(
    { vectors: (photoIds) => repo.currentVectors(photoIds) },
    { candidates: () => 3000, exact: () => 3000 },
  );
  // The Hamming pass over every short code, in WebAssembly as the index runs it and in plain
  // JavaScript as it ran before (the same codes, the same distances and histogram).
  const shortCodes = new ShortCodeTable();
  shortCodes.reserve(index.size);
  let coded = 0;
  repo.codesSince(0, (photoId, codes, offset, length) => {
    probe.put(photoId, codes, offset, length);
    before.put(photoId, codes, offset, length);
    shortCodes.codes.set(codes.subarray(offset, offset + codeWords), coded++ * codeWords);
  });
  const slowText: [ms: number, text: string][] = [];
  for (let round = 0; round < queryCount; round++) {
    const word = words[round % words.length]!;
    const vector = time('query vector (cached)', () => repo.cachedQuery(word)!);
    time('missing photos (unfiltered searches)', () => repo.missingPhotoIds());
    const yearIds = time('one year as a filter (its photos as a set)', () => {
      const ids = text.filteredIds(query({ ...oneYear }));
      const kept = new Uint8Array(ids.reduce((largest, id) => Math.max(largest, id), 0) + 1);
      for (const id of ids) kept[id] = 1;
      return kept;
    });
    const floor = time('meaning floor', () => embeddings.meaningFloor(vector));
    const code = signCode(vector);
    const wasm = time('Hamming pass over every short code, WebAssembly', () => shortCodes.distances(code, coded).histogram.slice());
    const js = time('Hamming pass, the same in JavaScript (as before)', () => hammingInJavaScript(shortCodes.codes, coded, code));
    if (wasm.some((count, distance) => count !== js[distance])) throw new Error('The two Hamming passes disagree');
    const found = time('nearest 1,000 in all', () => probe.nearest(vector, 1000, floor, null));
    time('nearest 1,000 within one year', () => probe.nearest(vector, 1000, floor, (id) => yearIds[id] === 1));
    time('nearest 1,000 as before long codes (3,000 read as floats)', () => before.nearest(vector, 1000, floor, null));
    slowText.push([timed(() => time('text ids (1,000, the text side of hybrid)', () => text.ids(query({ text: word }), 1000)))[1], word]);
    time('rows of the first 50 (hits)', () => repo.hits(found.slice(0, 50).map((item) => item.photoId)));
  }
  say(`where a search's time goes (${queryCount} queries; "nearest 1,000 in all" includes the reads below it, twice for the year):`);
  for (const [stage, numbers] of Object.entries(spent)) row(`  ${stage}`, numbers);
  const slowest = slowText.sort((a, b) => b[0] - a[0]).slice(0, 3);
  say(`  slowest text sides: ${slowest.map(([ms, words]) => `"${words}" ${ms.toFixed(0)} ms`).join(', ')}`);
}

/** The Hamming pass as the index ran it before WebAssembly: distances and their histogram. */
function hammingInJavaScript(codes: Uint32Array, count: number, query: Uint32Array): Int32Array {
  const distances = new Uint16Array(count);
  const histogram = new Int32Array(257);
  for (let slot = 0, base = 0; slot < count; slot++, base += 8) {
    let distance = 0;
    for (let word = 0; word < 8; word++) {
      let x = query[word]! ^ codes[base + word]!;
      x -= (x >>> 1) & 0x55555555;
      x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
      distance += Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
    }
    distances[slot] = distance;
    histogram[distance]!++;
  }
  return histogram;
}

function generate(): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  if (values.library) execFileSync('cp', ['--reflink=auto', join(values.library, 'library.db'), dbFile]);
  const started = Date.now();
  const db = openDatabase(dbFile);
  if (!values.library) addPhotos(db);
  const repo = new EmbeddingsRepository(db);
  repo.choose(model.provider, model.model, 'now');
  // Every photo with a caption to embed, as the app would embed it.
  for (let batch = repo.pending(0, 10_000); batch.length; batch = repo.pending(batch.at(-1)!.photoId, 10_000)) {
    repo.store(model, batch.map((row) => ({ ...row, vector: nearSomeCentre(1.2) })));
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  say(`vectors generated and stored in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function addPhotos(db: ReturnType<typeof openDatabase>): void {
  db.exec(`INSERT INTO folders (path, name, added_at) VALUES ('/bench', 'bench', 'now')`);
  const photo = db.prepare(`INSERT INTO photos (folder_id, path, rel_path, file_name, file_type, size, mtime_ms, fingerprint, indexed_at)
    VALUES (1, ?, ?, ?, 'JPEG', 1, 1, ?, 'now')`);
  db.transaction(() => {
    for (let n = 0; n < photos; n++) photo.run(`/bench/p${n}.jpg`, `p${n}.jpg`, `p${n}.jpg`, String(n).padStart(32, '0'));
  })();
}

/** The bare reference's data: every vector, in one array. */
function allVectors(): { photoIds: Int32Array; vectors: Float32Array } {
  const photoIds = new Int32Array(photoCount);
  const vectors = new Float32Array(photoCount * dimensions);
  const bytes = new Uint8Array(vectors.buffer);
  let row = 0;
  for (const [photoId, blob] of db.prepare('SELECT photo_id, vector FROM photo_embeddings ORDER BY photo_id').raw().iterate() as Iterable<[number, Buffer]>) {
    photoIds[row] = photoId;
    bytes.set(blob, row++ * blob.byteLength);
  }
  return { photoIds, vectors };
}

/** Exact cosine over every vector in one loop, keeping the best `limit` (photo ids, best first). */
function exactNearest(vector: Float32Array, limit: number, excluded: number): number[] {
  const best: { photoId: number; score: number }[] = [];
  const { photoIds, vectors } = exact;
  for (let row = 0; row < photoIds.length; row++) {
    let score = 0;
    const base = row * dimensions;
    for (let i = 0; i < dimensions; i++) score += vector[i]! * vectors[base + i]!;
    if (best.length === limit && score <= best.at(-1)!.score) continue;
    if (photoIds[row] === excluded) continue;
    best.push({ photoId: photoIds[row]!, score });
    best.sort((a, b) => b.score - a.score);
    if (best.length > limit) best.pop();
  }
  return best.map((item) => item.photoId);
}

async function timedAsync<T>(work: () => Promise<T>): Promise<[T, number]> {
  const at = process.hrtime.bigint();
  const result = await work();
  return [result, Number(process.hrtime.bigint() - at) / 1e6];
}

function timed<T>(work: () => T): [T, number] {
  const at = process.hrtime.bigint();
  const result = work();
  return [result, Number(process.hrtime.bigint() - at) / 1e6];
}
