import Sqlite from 'better-sqlite3';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EmbeddingsRepository } from '../src/main/db/embeddings.repo';
import { migrate } from '../src/main/db/migrate';
import { migrations } from '../src/main/db/migrations';
import { unitLength } from '../src/main/providers/embeddings';
import { VectorIndex } from '../src/main/search/vector-index';
import { random } from './search-library';

/**
 * Search by meaning at scale: generated caption vectors with cluster structure (photos of one
 * shoot mean nearly the same) stored as Captionist stores them, the in-memory index built from the
 * database, and the nearest 10 for a query beside a bare loop over the same floats (exact cosine,
 * the reference for recall@10). Reports p50/p95, recall, memory and database size.
 */
const { values } = parseArgs({
  options: {
    photos: { type: 'string', default: '100000' },
    dimensions: { type: 'string', default: '768' },
    queries: { type: 'string', default: '40' },
  },
});
const photos = Number(values.photos);
const dimensions = Number(values.dimensions);
const queryCount = Number(values.queries);
const clusters = Math.max(10, Math.round(photos / 1000));
const dir = join(tmpdir(), 'captionist-bench', `embeddings-${photos}`);
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const next = random(42);
const gaussian = () => Math.sqrt(-2 * Math.log(next() || 1e-12)) * Math.cos(2 * Math.PI * next());
const centres = Array.from({ length: clusters }, () => Float32Array.from({ length: dimensions }, gaussian));
const near = (centre: Float32Array, spread: number) => unitLength(centre.map((value) => value + spread * gaussian()));

const db = new Sqlite(join(dir, 'library.db'));
db.pragma('journal_mode = WAL');
migrate(db, migrations);
const started = Date.now();
db.exec(`INSERT INTO folders (path, name, added_at) VALUES ('/bench', 'bench', 'now')`);
const photo = db.prepare(`INSERT INTO photos (folder_id, path, rel_path, file_name, file_type, size, mtime_ms, fingerprint, indexed_at)
  VALUES (1, ?, ?, ?, 'JPEG', 1, 1, ?, 'now')`);
const repo = new EmbeddingsRepository(db);
repo.choose('bench', 'generated', 'now');
for (let first = 0; first < photos; first += 10_000) {
  const rows = db.transaction(() =>
    Array.from({ length: Math.min(10_000, photos - first) }, (_, offset) => {
      const name = `p${first + offset}.jpg`;
      const photoId = Number(photo.run(`/bench/${name}`, name, name, String(first + offset).padStart(32, '0')).lastInsertRowid);
      return { photoId, captionId: null, vector: near(centres[Math.floor(next() * clusters)]!, 1.2) };
    }),
  )();
  repo.store({ provider: 'bench', model: 'generated', dimensions: null }, rows);
}
db.pragma('wal_checkpoint(TRUNCATE)');
const generateSeconds = (Date.now() - started) / 1000;
const dbBytes = statSync(join(dir, 'library.db')).size;

const heapBefore = process.memoryUsage();
const loadStarted = process.hrtime.bigint();
const index = VectorIndex.from(repo.allVectors());
const loadMs = Number(process.hrtime.bigint() - loadStarted) / 1e6;
const heapAfter = process.memoryUsage();
const bare = repo.allVectors();

function bareNearest(query: Float32Array): number[] {
  const scores = bare.map(({ photoId, vector }) => {
    let dot = 0;
    for (let i = 0; i < dimensions; i++) dot += query[i]! * vector[i]!;
    return { photoId, dot };
  });
  return scores.sort((a, b) => b.dot - a.dot).slice(0, 10).map((item) => item.photoId);
}

const timed = <T>(work: () => T): [T, number] => {
  const at = process.hrtime.bigint();
  const result = work();
  return [result, Number(process.hrtime.bigint() - at) / 1e6];
};
const percentile = (numbers: number[], p: number) => [...numbers].sort((a, b) => a - b)[Math.min(numbers.length - 1, Math.floor(numbers.length * p))]!;

const ours: number[] = [];
const reference: number[] = [];
let recalled = 0;
for (let round = 0; round < queryCount; round++) {
  const query = near(centres[Math.floor(next() * clusters)]!, 1.5);
  const [found, ms] = timed(() => index.nearest(query, 10, -1, null).map((item) => item.photoId));
  const [exact, exactMs] = timed(() => bareNearest(query));
  ours.push(ms);
  reference.push(exactMs);
  recalled += found.filter((id) => exact.includes(id)).length;
}
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
process.stdout.write(
  [
    `${photos} photos x ${dimensions} dimensions in ${clusters} clusters, generated and stored in ${generateSeconds.toFixed(1)} s`,
    `database ${mb(dbBytes)} (${(dbBytes / photos).toFixed(0)} bytes a photo)`,
    `index built from the database in ${loadMs.toFixed(0)} ms; heap + array buffers grew ${mb(heapAfter.heapUsed + heapAfter.arrayBuffers - heapBefore.heapUsed - heapBefore.arrayBuffers)}; rss ${mb(heapAfter.rss)}`,
    `nearest 10 (Captionist's index): p50 ${percentile(ours, 0.5).toFixed(1)} ms, p95 ${percentile(ours, 0.95).toFixed(1)} ms`,
    `nearest 10 (bare exact cosine, map + sort): p50 ${percentile(reference, 0.5).toFixed(1)} ms, p95 ${percentile(reference, 0.95).toFixed(1)} ms`,
    `recall@10 against exact: ${(recalled / (queryCount * 10)).toFixed(3)}`,
  ].join('\n') + '\n',
);
db.close();
