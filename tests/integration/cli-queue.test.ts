import { execFile, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempDir, writeJpeg } from '../helpers/files';
import { visionServer } from '../helpers/vision-server';
import type { VisionServerOptions } from '../helpers/vision-server';

const bin = resolve(import.meta.dirname, '../../bin/captionist.js');
const apiKey = 'sk-cli-queue-7a1b2c';

/** Runs the command without blocking this process, whose loopback servers must keep answering. */
function captionist(args: string[], home: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env: { ...process.env, CAPTIONIST_HOME: home, CLI_QUEUE_KEY: apiKey }, timeout: 60_000 },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await delay(10);
  }
}

/** Photo path → its caption count, read straight from the library database. */
function captionsPerPhoto(home: string): Map<string, number> {
  const db = new Sqlite(join(home, 'library.db'), { readonly: true });
  try {
    const rows = db
      .prepare('SELECT p.path, count(c.id) AS captions FROM photos p LEFT JOIN captions c ON c.photo_id = p.id GROUP BY p.id')
      .all() as { path: string; captions: number }[];
    return new Map(rows.map((row) => [row.path, row.captions]));
  } finally {
    db.close();
  }
}

/** The stored captions' text, read straight from the library database. */
function storedCaptions(home: string): string[] {
  const db = new Sqlite(join(home, 'library.db'), { readonly: true });
  try {
    return db.prepare('SELECT caption FROM captions').pluck().all() as string[];
  } finally {
    db.close();
  }
}

async function setUp(photoCount: number, serverOptions: Omit<VisionServerOptions, 'apiKey'>) {
  const home = tempDir('captionist-home-');
  const library = tempDir('captionist-photos-');
  const paths: string[] = [];
  for (let i = 0; i < photoCount; i++) paths.push(await writeJpeg(join(library, 'Card', `DSC_${5000 + i}.jpg`), { seed: 5 + i * 11 }));
  const server = await visionServer({ apiKey, ...serverOptions });
  expect((await captionist(['index', library], home)).code).toBe(0);
  const added = await captionist(
    ['provider', 'add', 'vision', '--type', 'openai-compatible', '--base-url', `${server.url}/v1`, '--model', 'vision-test',
      '--api-key-env', 'CLI_QUEUE_KEY', '--concurrency', '2'],
    home,
  );
  expect(added.code).toBe(0);
  return { home, library, paths, server };
}

describe('the queue through the captionist command', () => {
  it('loses nothing when killed mid-run: the next run sends again only the photos that were in flight', async () => {
    const { home, paths, server } = await setUp(8, { latencyMs: 400 });

    const child = spawn(process.execPath, [bin, 'caption', '--provider', 'vision'], {
      env: { ...process.env, CAPTIONIST_HOME: home, CLI_QUEUE_KEY: apiKey },
      stdio: 'ignore',
    });
    const exited = new Promise<NodeJS.Signals | null>((done) => child.on('exit', (_code, signal) => done(signal)));
    await until(() => server.captioned.length >= 3 && server.inFlight > 0, 'a run in full swing');
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const captionedAtKill = storedCaptions(home);
    const receivedAtKill = server.received;
    const inFlightAtKill = receivedAtKill - captionedAtKill.length;
    expect(captionedAtKill.length).toBeGreaterThanOrEqual(2);
    expect(inFlightAtKill).toBeGreaterThanOrEqual(1);
    expect(inFlightAtKill).toBeLessThanOrEqual(2);

    const resumed = await captionist(['caption', '--provider', 'vision', '--json'], home);

    expect(resumed.code).toBe(0);
    const remaining = 8 - captionedAtKill.length;
    expect(JSON.parse(resumed.stdout)).toMatchObject({ total: remaining, captioned: remaining, failed: [] });
    expect([...captionsPerPhoto(home).values()]).toEqual(paths.map(() => 1));
    // Only the photos in flight at the kill were sent again; none captioned before it was.
    expect(server.received).toBe(8 + inFlightAtKill);
    const sentTwice = new Set(server.requested.filter((hash, index) => server.requested.indexOf(hash) !== index));
    expect(sentTwice.size).toBe(inFlightAtKill);
    for (const caption of captionedAtKill) {
      const number = /number (\w{6})\./.exec(caption)![1]!;
      expect([...sentTwice].some((hash) => hash.startsWith(number))).toBe(false);
    }
  });

  it('lists, pauses, resumes, cancels and retries jobs, and shows live counts in status', async () => {
    // The first caption request is refused for good, so one photo fails.
    const { home, library } = await setUp(3, {
      latencyMs: 0,
      before: (index) => (index === 0 ? { status: 400, body: { error: { message: 'Invalid image', code: 'invalid_image' } } } : null),
    });

    expect((await captionist(['queue', 'pause'], home)).stdout).toMatch(/^Paused the whole queue\./);
    const run = captionist(['caption', '--provider', 'vision', '--json'], home);
    let listed: { counts: Record<string, number>; globallyPaused: boolean; jobs: { state: string; paused: boolean }[] } | undefined;
    // The run queues its jobs in its own process; look until they are there.
    for (let tries = 0; tries < 20 && listed?.counts.paused !== 3; tries++) {
      listed = JSON.parse((await captionist(['queue', '--json'], home)).stdout) as typeof listed;
    }
    expect(listed).toMatchObject({ globallyPaused: true, counts: { paused: 3, done: 0 } });
    expect(listed!.jobs.map((job) => [job.state, job.paused])).toEqual([
      ['queued', true],
      ['queued', true],
      ['queued', true],
    ]);
    expect(JSON.parse((await captionist(['status', '--json'], home)).stdout)).toMatchObject({ queued: 3, running: 0, failed: 0, captioned: 0 });

    expect((await captionist(['queue', 'resume'], home)).stdout).toBe('Resumed the whole queue.\n');
    const finished = await run;
    expect(JSON.parse(finished.stdout)).toMatchObject({ total: 3, captioned: 2, failed: [{ message: expect.stringMatching(/Invalid image/) }] });
    expect(JSON.parse((await captionist(['status', '--json'], home)).stdout)).toMatchObject({ queued: 0, failed: 1, captioned: 2 });

    const text = (await captionist(['queue'], home)).stdout;
    expect(text).toMatch(/^Queued: 0 {2}running: 0 .* done: 2 {2}failed: 1/);
    expect(text).toMatch(/failed +\S+DSC_5\d{3}\.jpg {2}\(caption with vision; .*Invalid image/);

    expect((await captionist(['queue', 'retry', library], home)).stdout).toBe('Queued 1 failed job(s) again.\n');
    expect(JSON.parse((await captionist(['status', '--json'], home)).stdout)).toMatchObject({ queued: 1, failed: 0 });
    expect((await captionist(['queue', 'cancel'], home)).stdout).toBe('Cancelled 1 job(s) that had not started.\n');
    expect((await captionist(['queue', 'retry'], home)).stdout).toBe('Queued 0 failed job(s) again.\n');

    const wrong = await captionist(['queue', 'shuffle'], home);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/queue takes pause, resume, retry, cancel/);
    const missing = await captionist(['queue', 'pause', join(library, 'nowhere')], home);
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringMatching(/Not found: .*nowhere/) });
  });

  it('watches a folder, captions what is there and what arrives, and stops cleanly on SIGINT', async () => {
    const { home, library, server } = await setUp(2, { latencyMs: 50 });

    const child = spawn(process.execPath, [bin, 'watch', library, '--provider', 'vision'], {
      env: { ...process.env, CAPTIONIST_HOME: home, CLI_QUEUE_KEY: apiKey },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    const status = async () => JSON.parse((await captionist(['status', '--json'], home)).stdout) as Record<string, number>;

    await until(() => server.captioned.length === 2, 'the photos already there');
    await until(() => stderr.includes('Watching'), 'the watch to start');
    // Another process sees the live counts.
    expect(await status()).toMatchObject({ captioned: 2, queued: 0, failed: 0 });

    await writeJpeg(join(library, 'Card', 'DSC_9000.jpg'), { seed: 99 });
    await until(() => server.captioned.length === 3, 'the new photo', 30_000);
    let live = await status();
    for (let tries = 0; tries < 20 && live.captioned !== 3; tries++) live = await status();
    expect(live).toMatchObject({ photos: 3, captioned: 3, queued: 0, failed: 0 });

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stdout).toBe('Captioned 3 photo(s) with vision while watching; 0 failed.\n');
    expect(stderr).toMatch(/Indexed: 0 new, 0 changed/);
    expect(stderr).toMatch(/Watching .*; captioning with vision \(2 photos queued now\)/);
    expect(server.received).toBe(3);
  });
});
