import Sqlite from 'better-sqlite3';
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeBackupInBackground, writeBackupNow } from '../src/main/db/backups';
import { openDatabase } from '../src/main/db/database';
import { median, measure } from './measure';

/**
 * What keeping the library safe costs on the million-photo library of bench/search.ts (build it
 * first with `npm run bench:search`): opening it with Captionist's start-up checks beside a bare
 * open, the full checks SQLite offers (run after an unclean shutdown), and each way of writing a
 * backup beside the bare SQLite statement or a plain file copy, with how long the event loop
 * stalls while the background one runs (what `serve` and the app feel).
 */
const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: join(tmpdir(), 'captionist-bench', 'search-1000000') },
    rounds: { type: 'string', default: '3' },
  },
});
const libraryFile = join(values.dir, 'library.db');
const rounds = Number(values.rounds);
if (!existsSync(libraryFile)) {
  process.stderr.write(`No library at ${libraryFile}: run "npm run bench:search" first (or pass --dir).\n`);
  process.exit(2);
}
const outDir = join(tmpdir(), 'captionist-bench', 'backup-out');
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const out = (name: string) => {
  const file = join(outDir, name);
  rmSync(file, { force: true });
  return file;
};

/** The longest and 99th-percentile gaps of a 1 ms timer while `work` runs: how long the event loop was blocked. */
async function stalls(work: () => Promise<void>): Promise<{ maxMs: number; p99Ms: number }> {
  const gaps: number[] = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    gaps.push(now - last);
    last = now;
  }, 1);
  await work();
  clearInterval(timer);
  gaps.sort((a, b) => a - b);
  return { maxMs: gaps.at(-1) ?? 0, p99Ms: gaps[Math.floor(gaps.length * 0.99)] ?? 0 };
}

interface Row {
  name: string;
  seconds: number;
  bare?: { name: string; seconds: number };
}

async function timed(work: () => unknown): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) samples.push((await measure(async () => void (await work()))).seconds);
  return median(samples);
}

const rows: Row[] = [];
const sizeGb = (statSync(libraryFile).size / 2 ** 30).toFixed(2);

rows.push({
  name: 'open with the start-up checks (openDatabase, clean shutdown)',
  seconds: await timed(() => openDatabase(libraryFile).close()),
  bare: {
    name: 'bare open, journal_mode = WAL',
    seconds: await timed(() => {
      const db = new Sqlite(libraryFile);
      db.pragma('journal_mode = WAL');
      db.close();
    }),
  },
});

const db = new Sqlite(libraryFile);
db.pragma('journal_mode = WAL');
rows.push({ name: 'PRAGMA quick_check (after an unclean shutdown)', seconds: await timed(() => db.pragma('quick_check')) });
rows.push({ name: 'PRAGMA integrity_check (restore checks the backup)', seconds: await timed(() => db.pragma('integrity_check')) });

rows.push({
  name: 'writeBackupNow (VACUUM INTO, fsync, rename)',
  seconds: await timed(() => writeBackupNow(db, out('now.db'))),
  bare: { name: 'bare VACUUM INTO', seconds: await timed(() => db.prepare('VACUUM INTO ?').run(out('bare-vacuum.db'))) },
});

let background = { maxMs: 0, p99Ms: 0 };
let bareBackground = { maxMs: 0, p99Ms: 0 };
rows.push({
  name: 'writeBackupInBackground (online backup, 100 pages a step, flushed every 64 MB)',
  seconds: await timed(async () => {
    background = await stalls(() => writeBackupInBackground(db, out('background.db')));
  }),
  bare: {
    name: "bare db.backup() (better-sqlite3's 100 pages a step)",
    seconds: await timed(async () => {
      bareBackground = await stalls(() => db.backup(out('bare-backup.db')).then(() => undefined));
    }),
  },
});
rows.push({ name: 'plain file copy (no consistency, for scale)', seconds: await timed(() => copyFileSync(libraryFile, out('copy.db'))) });
db.close();

const sqliteVersion = new Sqlite(':memory:').prepare('SELECT sqlite_version()').pluck().get() as string;
process.stdout.write(
  `\n${new Date().toISOString().slice(0, 10)}, ${cpus().length} x ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, ` +
    `Node ${process.version}, SQLite ${sqliteVersion}, ${libraryFile} (${sizeGb} GiB), median of ${rounds}\n\n` +
    '| work | s | bare | bare s | ratio |\n| --- | ---: | --- | ---: | ---: |\n',
);
for (const row of rows) {
  process.stdout.write(
    `| ${row.name} | ${row.seconds.toFixed(3)} | ${row.bare?.name ?? ''} | ${row.bare ? row.bare.seconds.toFixed(3) : ''} | ` +
      `${row.bare ? (row.seconds / row.bare.seconds).toFixed(2) : ''} |\n`,
  );
}
process.stdout.write(
  `\nEvent loop during the background backup (last round): longest stall ${background.maxMs.toFixed(0)} ms, p99 ${background.p99Ms.toFixed(1)} ms; ` +
    `bare db.backup(): longest ${bareBackground.maxMs.toFixed(0)} ms, p99 ${bareBackground.p99Ms.toFixed(1)} ms.\n`,
);
rmSync(outDir, { recursive: true, force: true });
