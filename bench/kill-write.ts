import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import Sqlite from 'better-sqlite3';
import { ExifTool } from 'exiftool-vendored';
import sharp from 'sharp';
import { createCore } from '../src/main/core';
import { CaptionsRepository } from '../src/main/db/captions.repo';
import { random as seededRandom } from './search-library';

/**
 * Kills `captionist write` with SIGKILL at random moments (seeded, so a failure can be replayed),
 * run after run over a library of JPEGs and RAW files with sidecars, each run writing a newer
 * caption version than the last. After every kill: every photo decodes to the very pixels it had
 * (RAW files are byte for byte the same), ExifTool reads every file and sidecar without error,
 * each holds one caption version throughout (XMP, IIM and EXIF agree: the one the library recorded
 * or the one being written, never a mix), any temporary copy beside the photos is one the library
 * database records as a write in flight (the next run removes it), and the database passes
 * PRAGMA integrity_check. A last run, not killed, must write everything that remains and leave no
 * temporary file at all.
 *
 *   npm run kill-test:write -- --photos 60 --kills 40 --seed 7
 */

export interface KillTestOptions {
  /** JPEGs in the library (plus four RAW files, whose captions go into sidecars). */
  photos: number;
  /** Runs killed while writing; then one more run finishes the job. */
  kills: number;
  seed: number;
  /** A kill lands up to this long after the run's first write began. */
  maxKillDelayMs: number;
  /** Each line of progress. */
  log?: (line: string) => void;
}

export interface KillTestReport {
  /** Runs killed while writing. */
  killed: number;
  /** Runs that finished before their kill was due. */
  finishedEarly: number;
  /** Photos whose interrupted write a later run found done in the file and recorded. */
  recordedAfterKill: number;
  /** Everything found wrong, each naming the run and the file. */
  problems: string[];
  /** The last run's own summary. */
  finalRun: { total: number; written: number; failed: number } | null;
}

const bin = resolve(import.meta.dirname, '../bin/captionist.js');
const samples = resolve(import.meta.dirname, '../tests/fixtures/exiftool-samples');
const raws = ['CanonRaw.cr2', 'Nikon.nef', 'FujiFilm.raf', 'Panasonic.rw2'];

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const isRaw = (path: string) => raws.some((name) => extname(name).toLowerCase() === extname(path).toLowerCase());

/** What a photo must stay: its decoded pixels, or for a RAW file its bytes. */
async function contentOf(path: string): Promise<string> {
  return isRaw(path) ? sha(readFileSync(path)) : sha(await sharp(path).raw().toBuffer());
}

/** Caption version `version` of photo `index`: every field says which version it is. */
function captionFields(version: number, index: number) {
  return {
    title: `v${version}: Harbour ${index}`,
    caption: `v${version}: Fishing boats in the harbour at dusk, photo ${index}.`,
    altText: `v${version}: Boats in a harbour at dusk`,
    longDescription: null,
    keywords: ['harbour', `version ${version}`],
  };
}

/** Adds caption version `version` to every photo, as a captioning run would. */
function addCaptionVersion(home: string, version: number): void {
  const db = new Sqlite(join(home, 'library.db'));
  try {
    const captions = new CaptionsRepository(db);
    const ids = db.prepare('SELECT id FROM photos ORDER BY id').pluck().all() as number[];
    db.transaction(() => {
      for (const photoId of ids) {
        captions.insertGenerated({
          photoId,
          runId: null,
          fields: captionFields(version, photoId),
          provider: 'local',
          model: 'kill-test',
          prompt: 'p',
          promptVersion: '1',
          options: { detail: 'medium', includeFolderName: true, includePlace: true },
          inputTokens: null,
          outputTokens: null,
          costUsd: null,
          createdAt: new Date().toISOString(),
        });
      }
    })();
  } finally {
    db.close();
  }
}

async function makeLibrary(dir: string, count: number): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const path = join(dir, `DSC_${String(i + 1).padStart(4, '0')}.jpg`);
    await sharp({ create: { width: 800, height: 600, channels: 3, background: { r: (i * 37) % 256, g: 90, b: 140 }, noise: { type: 'gaussian', mean: 128, sigma: 30 } } })
      .jpeg({ quality: 88 })
      .toFile(path);
    paths.push(path);
  }
  for (const [i, name] of raws.entries()) {
    const path = join(dir, `RAW_${i + 1}${extname(name).toUpperCase()}`);
    copyFileSync(join(samples, name), path);
    paths.push(path);
  }
  return paths;
}

interface Child {
  pid: number;
  exited: Promise<{ code: number | null; stdout: string }>;
}

/** `captionist write --json`, leading a process group of its own, so its ExifTool processes can be waited for. */
function startWrite(home: string): Child {
  const child = spawn(process.execPath, [bin, 'write', '--json'], {
    env: { ...process.env, CAPTIONIST_HOME: home },
    stdio: ['ignore', 'pipe', 'ignore'],
    detached: true,
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return { pid: child.pid!, exited: new Promise((done) => child.once('exit', (code) => done({ code, stdout }))) };
}

/** Waits until every process of a killed run's group is gone (an ExifTool outlives Node by a moment). */
async function groupGone(pid: number): Promise<void> {
  for (let waited = 0; waited < 30_000; waited += 20) {
    try {
      process.kill(-pid, 0);
    } catch {
      return;
    }
    await delay(20);
  }
  throw new Error(`processes of run ${pid} still alive after 30 s`);
}

/** Writes begun (journaled) or done: the run is past its start-up. */
function writesBegun(home: string): number {
  const db = new Sqlite(join(home, 'library.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT (SELECT count(*) FROM metadata_write_intents) + (SELECT count(*) FROM metadata_writes)').pluck().get() as number;
  } finally {
    db.close();
  }
}

/** Runs `write`, killing it `delayMs` after its first write began; resolves whether it was killed. */
async function killedRun(home: string, delayMs: number): Promise<boolean> {
  const baseline = writesBegun(home);
  const child = startWrite(home);
  let finished = false;
  void child.exited.then(() => (finished = true));
  while (!finished && writesBegun(home) === baseline) await delay(5);
  if (!finished) await delay(delayMs);
  const killed = !finished;
  if (killed) process.kill(child.pid, 'SIGKILL');
  await child.exited;
  await groupGone(child.pid);
  return killed;
}

interface LibraryState {
  /** The caption version each photo's newest live write put into its file (0: none). */
  recorded: Map<string, number>;
  /** Caption versions of writes in flight, by photo: a file may hold one until the next run settles it. */
  pending: Map<string, Set<number>>;
  /** Temporary copies the library knows as writes in flight. */
  inFlight: Set<string>;
  intents: number;
  integrity: string;
}

function libraryState(home: string): LibraryState {
  // Read-write, as Captionist opens it: a killed run's WAL is taken up first.
  const db = new Sqlite(join(home, 'library.db'));
  try {
    const rows = db
      .prepare(
        `SELECT p.path, coalesce((SELECT w.caption_version FROM metadata_writes w WHERE w.photo_id = p.id AND w.reverted_at IS NULL
           ORDER BY w.id DESC LIMIT 1), 0) AS version FROM photos p`,
      )
      .all() as { path: string; version: number }[];
    const temporaries = db.prepare('SELECT temporary_path FROM metadata_write_intents WHERE temporary_path IS NOT NULL').pluck().all() as string[];
    const pending = new Map<string, Set<number>>();
    const intents = db
      .prepare(`SELECT p.path, json_extract(i.record, '$.captionVersion') AS version FROM metadata_write_intents i JOIN photos p ON p.id = i.photo_id`)
      .all() as { path: string; version: number | null }[];
    for (const { path, version } of intents) if (version !== null) pending.set(path, (pending.get(path) ?? new Set()).add(version));
    return {
      recorded: new Map(rows.map((row) => [row.path, row.version])),
      pending,
      inFlight: new Set(temporaries),
      intents: db.prepare('SELECT count(*) FROM metadata_write_intents').pluck().get() as number,
      integrity: db.pragma('integrity_check', { simple: true }) as string,
    };
  } finally {
    db.close();
  }
}

/** The caption version a file (or its sidecar) holds, from every copy of every field; "mixed" when they disagree. */
async function versionIn(exiftool: ExifTool, path: string): Promise<number | 'mixed' | 'unreadable'> {
  const tags = (await exiftool.readRaw(path, {
    readArgs: ['-G1', '-XMP-dc:Description', '-XMP-dc:Title', '-XMP-iptcCore:AltTextAccessibility', '-IPTC:Caption-Abstract', '-IPTC:ObjectName', '-IFD0:ImageDescription'],
    useMWG: false,
  })) as Record<string, unknown>;
  if (tags['ExifTool:Error'] ?? tags.Error) return 'unreadable';
  const versions = new Set(
    Object.entries(tags)
      .filter(([name]) => /^(XMP-|IPTC:|IFD0:)/.test(name))
      .map(([, value]) => Number(/^v(\d+):/.exec(String(value))?.[1] ?? NaN)),
  );
  if (versions.size > 1 || versions.has(NaN)) return 'mixed';
  return versions.size ? [...versions][0]! : 0;
}

/** Everything wrong with the library after run `run`, which was writing caption version `writing`. */
async function check(
  exiftool: ExifTool,
  home: string,
  dir: string,
  photos: string[],
  content: Map<string, string>,
  run: string,
  writing: number,
): Promise<string[]> {
  const problems: string[] = [];
  const state = libraryState(home);
  if (state.integrity !== 'ok') problems.push(`${run}: PRAGMA integrity_check says ${state.integrity}`);
  for (const photo of photos) {
    if ((await contentOf(photo).catch(() => 'undecodable')) !== content.get(photo)) problems.push(`${run}: ${photo} no longer has its pixels`);
    const target = isRaw(photo) ? photo.replace(/\.[^.]+$/, '.xmp') : photo;
    const found = readdirSync(dir).includes(target.slice(dir.length + 1)) ? await versionIn(exiftool, target) : 0;
    const recorded = state.recorded.get(photo) ?? 0;
    const allowed = new Set([recorded, writing, ...(state.pending.get(photo) ?? [])]);
    if (typeof found !== 'number' || !allowed.has(found)) {
      problems.push(`${run}: ${target} holds caption version ${found}; the library recorded ${recorded}, the run was writing ${writing}`);
    }
  }
  for (const name of readdirSync(dir).filter((entry) => /captionist-|_exiftool_tmp$/.test(entry))) {
    if (!state.inFlight.has(join(dir, name))) problems.push(`${run}: ${name} is a temporary file the library does not know`);
  }
  return problems;
}

export async function killTestWrite(options: KillTestOptions): Promise<KillTestReport> {
  const log = options.log ?? (() => {});
  // Seeded, so the kill moments of a run can be replayed.
  const random = seededRandom(options.seed);
  const work = mkdtempSync(join(tmpdir(), 'captionist-kill-test-'));
  const home = join(work, 'home');
  const dir = join(work, 'photos');
  const exiftool = new ExifTool({ maxProcs: 2, taskRetries: 0 });
  const report: KillTestReport = { killed: 0, finishedEarly: 0, recordedAfterKill: 0, problems: [], finalRun: null };
  try {
    const photos = await makeLibrary(dir, options.photos);
    const core = createCore({ dataDir: home, concurrency: 2 });
    try {
      await core.invoke('library:index', { paths: [dir] });
    } finally {
      await core.close();
    }
    const content = new Map(await Promise.all(photos.map(async (path) => [path, await contentOf(path)] as const)));

    for (let run = 1; run <= options.kills; run++) {
      addCaptionVersion(home, run);
      const delayMs = Math.round(random() * options.maxKillDelayMs);
      const killed = await killedRun(home, delayMs);
      if (killed) report.killed++;
      else report.finishedEarly++;
      const problems = await check(exiftool, home, dir, photos, content, `run ${run}`, run);
      report.problems.push(...problems);
      log(`run ${run}: ${killed ? `killed ${delayMs} ms into writing` : 'finished before its kill'}; ${problems.length} problems`);
    }

    const finalRun = startWrite(home);
    const { code, stdout } = await finalRun.exited;
    await groupGone(finalRun.pid);
    if (code !== 0) report.problems.push(`last run: exit code ${code}`);
    const result = JSON.parse(stdout || '{}') as { total: number; written: number; failed: number };
    report.finalRun = { total: result.total, written: result.written, failed: result.failed };
    report.recordedAfterKill = readFileSync(join(home, 'captionist.log'), 'utf8').split('\n').filter((line) => line.includes('recorded an interrupted write')).length;
    report.problems.push(...(await check(exiftool, home, dir, photos, content, 'last run', options.kills)));
    const state = libraryState(home);
    for (const photo of photos) {
      if (state.recorded.get(photo) !== options.kills) report.problems.push(`last run: ${photo} has caption version ${state.recorded.get(photo)} recorded, not ${options.kills}`);
    }
    if (state.intents) report.problems.push(`last run: ${state.intents} writes still in flight`);
    const leftovers = readdirSync(dir).filter((entry) => /captionist-|_exiftool_tmp$/.test(entry));
    if (leftovers.length) report.problems.push(`last run: temporary files left: ${leftovers.join(', ')}`);
    log(`last run: ${JSON.stringify(report.finalRun)}, ${report.recordedAfterKill} interrupted writes found done and recorded`);
    return report;
  } finally {
    await exiftool.end();
    rmSync(work, { recursive: true, force: true });
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      photos: { type: 'string', default: '30' },
      kills: { type: 'string', default: '20' },
      seed: { type: 'string', default: String(Date.now() % 100_000) },
      'max-delay': { type: 'string', default: '600' },
    },
  });
  const options = { photos: Number(values.photos), kills: Number(values.kills), seed: Number(values.seed), maxKillDelayMs: Number(values['max-delay']) };
  console.error(`Kill test of captionist write: ${options.photos} JPEGs and ${raws.length} RAW files, ${options.kills} kills, seed ${options.seed}`);
  const started = Date.now();
  const report = await killTestWrite({ ...options, log: (line) => console.error(line) });
  console.log(JSON.stringify(report, null, 2));
  console.error(`${((Date.now() - started) / 1000).toFixed(0)} s; ${report.problems.length ? `${report.problems.length} PROBLEMS` : 'no problems'} (replay with --seed ${options.seed})`);
  process.exitCode = report.problems.length ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
