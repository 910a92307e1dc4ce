import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { random as mulberry32 } from '../../bench/search-library';
import { captionist, readLibrary, startCaptionist } from '../helpers/cli';
import { tempDir, writeJpeg } from '../helpers/files';
import { visionServer } from '../helpers/vision-server';
import type { VisionServer } from '../helpers/vision-server';

const apiKey = 'sk-kill-9d8c7b';
const env = { KILL_TEST_KEY: apiKey };
const photoCount = 16;

/**
 * The same moments for the same seed, so a failing run can be replayed: each test names its seed.
 * A whole number below `below`.
 */
function seededRandom(seed: number): (below: number) => number {
  const next = mulberry32(seed);
  return (below) => Math.floor(next() * below);
}

async function until(what: string, probe: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await delay(15);
  }
}

const count = (home: string, sql: string) => readLibrary(home, (db) => db.prepare(sql).pluck().get() as number);

/** How far a starting process got: nothing while it is still creating the library. */
function progress(home: string, sql: string): number {
  try {
    return count(home, sql);
  } catch {
    return 0;
  }
}

/**
 * Starts the command and SIGKILLs it once `progressed` says it got `atLeast` far, plus a random
 * few milliseconds: in the middle of its work, at a moment the seed chose.
 */
async function killMidway(args: string[], home: string, progressed: () => number, atLeast: number, extraMs: number) {
  const child = startCaptionist(args, home, env);
  await until(`${args[0]} to get ${atLeast} far`, () => progressed() >= atLeast || child.child.exitCode !== null);
  await delay(extraMs);
  child.child.kill('SIGKILL');
  return (await child.exited).signal;
}

function checkIntegrity(home: string) {
  expect(readLibrary(home, (db) => db.pragma('integrity_check', { simple: true }))).toBe('ok');
}

async function photos(root: string) {
  const paths: string[] = [];
  for (let i = 0; i < photoCount; i++) {
    paths.push(await writeJpeg(join(root, 'Card', `IMG_${100 + i}.jpg`), { width: 800, height: 600, seed: 7 + i * 3 }));
  }
  return paths;
}

/** Each kill of a caption run leaves its jobs in flight running; the next start sends them again. */
function runningJobs(home: string): number {
  return count(home, `SELECT count(*) FROM jobs WHERE state = 'running'`);
}

async function addProvider(home: string, server: VisionServer) {
  const added = await captionist(
    ['provider', 'add', 'vision', '--type', 'openai-compatible', '--base-url', `${server.url}/v1`, '--model', 'vision-test',
      '--api-key-env', 'KILL_TEST_KEY', '--concurrency', '2'],
    home,
    env,
  );
  expect(added.code).toBe(0);
}

// Two kills of each command per seed: a job in flight at every kill counts two crashes, short of
// the three after which it would be given up.
describe('SIGKILL during index and caption loses nothing', { timeout: 240_000 }, () => {
  it.each([20261204, 4242])('seed %i', async (seed) => {
    const random = seededRandom(seed);
    const home = tempDir('captionist-home-');
    const root = tempDir('captionist-photos-');
    const paths = await photos(root);
    const indexed = () => progress(home, 'SELECT count(*) FROM photos');

    for (let kill = 0; kill < 2; kill++) {
      // Short of the last few photos, so the run is still at work when the signal comes.
      const at = Math.min(indexed() + 1 + random(photoCount / 2), photoCount - 3);
      expect(await killMidway(['index', root], home, indexed, at, random(50))).toBe('SIGKILL');
      checkIntegrity(home);
    }
    const index = await captionist(['index', root, '--json'], home, env);
    expect(index.code).toBe(0);
    expect(JSON.parse(index.stdout)).toMatchObject({ errors: [] });
    checkIntegrity(home);
    expect(
      readLibrary(home, (db) => db.prepare(`SELECT path, status, has_thumbnail AS thumbnail FROM photos ORDER BY path`).all()),
    ).toEqual(paths.map((path) => ({ path, status: 'present', thumbnail: 1 })));
    expect(count(home, 'SELECT count(*) FROM index_errors')).toBe(0);
    // Nothing was left beside the photos.
    expect(readdirSync(join(root, 'Card')).sort()).toEqual(paths.map((path) => basename(path)).sort());

    const server = await visionServer({ apiKey, latencyMs: 150 });
    await addProvider(home, server);
    const captioned = () => count(home, 'SELECT count(*) FROM captions');
    let inFlightAtKills = 0;
    for (let kill = 0; kill < 2; kill++) {
      const at = Math.min(captioned() + random(5), photoCount - 4);
      // Only while a photo is with the provider: the moment that may send it twice.
      const progress = () => (server.inFlight > 0 ? captioned() : -1);
      expect(await killMidway(['caption', '--provider', 'vision'], home, progress, at, random(200))).toBe('SIGKILL');
      checkIntegrity(home);
      inFlightAtKills += runningJobs(home);
    }
    expect(inFlightAtKills).toBeGreaterThan(0);
    const before = captioned();
    const rerun = await captionist(['caption', '--provider', 'vision', '--json'], home, env);
    expect(rerun.code).toBe(0);
    expect(JSON.parse(rerun.stdout)).toMatchObject({ total: photoCount - before, captioned: photoCount - before, failed: [] });

    checkIntegrity(home);
    expect(readLibrary(home, (db) => db.prepare('SELECT count(c.id) FROM photos p LEFT JOIN captions c ON c.photo_id = p.id GROUP BY p.id').pluck().all())).toEqual(
      Array(photoCount).fill(1),
    );
    expect(readLibrary(home, (db) => db.prepare('SELECT state, count(*) AS n FROM jobs GROUP BY state').all())).toEqual([
      { state: 'done', n: photoCount },
    ]);
    // Every photo was sent; only those in flight at a kill were sent again.
    expect(new Set(server.requested).size).toBe(photoCount);
    expect(server.received - photoCount).toBeLessThanOrEqual(inFlightAtKills);
  });
});
