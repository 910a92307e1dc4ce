import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { bin, captionist as runCaptionist, readLibrary, startCaptionist } from '../helpers/cli';
import { tempDir, writeJpeg } from '../helpers/files';
import { visionServer } from '../helpers/vision-server';
import type { VisionServerOptions } from '../helpers/vision-server';

const apiKey = 'sk-cli-queue-7a1b2c';

const captionist = (args: string[], home: string) => runCaptionist(args, home, { CLI_QUEUE_KEY: apiKey });

async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await delay(10);
  }
}

/** Photo path → its caption count, read straight from the library database. */
function captionsPerPhoto(home: string): Map<string, number> {
  const rows = readLibrary(home, (db) =>
    db
      .prepare('SELECT p.path, count(c.id) AS captions FROM photos p LEFT JOIN captions c ON c.photo_id = p.id GROUP BY p.id')
      .all() as { path: string; captions: number }[],
  );
  return new Map(rows.map((row) => [row.path, row.captions]));
}

/** The stored captions' text, read straight from the library database. */
function storedCaptions(home: string): string[] {
  return readLibrary(home, (db) => db.prepare('SELECT caption FROM captions').pluck().all() as string[]);
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

// Each command starts a process of its own (seconds each on a busy machine): a test runs a dozen.
describe('the queue through the captionist command', { timeout: 180_000 }, () => {
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
    expect((await captionist(['queue', 'cancel'], home)).stdout).toBe('Cancelled 1 queued and 0 running job.\n');
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

  it('gives up a photo that keeps killing its worker, and never lets it stop another provider\'s run', async () => {
    // The first photo the "vision" model is sent hangs every process that sends it.
    let poison: string | undefined;
    const { home, server } = await setUp(3, { holdForever: (hash, model) => model === 'vision-test' && (poison ??= hash) === hash });
    const other = await captionist(
      ['provider', 'add', 'other', '--type', 'openai-compatible', '--base-url', `${server.url}/v1`, '--model', 'other-test',
        '--api-key-env', 'CLI_QUEUE_KEY'],
      home,
    );
    expect(other.code).toBe(0);
    const sentPoison = () => server.requested.filter((hash) => hash === poison).length;
    const poisonJob = () =>
      readLibrary(home, (db) => db.prepare(`SELECT state, crashes FROM jobs WHERE provider = 'vision' AND state NOT IN ('done')`).all());

    for (let start = 1; start <= 3; start++) {
      const hung = startCaptionist(['caption', '--provider', 'vision'], home, { CLI_QUEUE_KEY: apiKey });
      // Each start counts the crash before, then sends the photo again, after the others.
      await until(() => sentPoison() === start && poisonJob().length === 1, `start ${start} to hang on the photo`);
      expect(poisonJob()).toEqual([{ state: 'running', crashes: start - 1 }]);
      if (start === 3) {
        // Meanwhile another provider's run captions the photo: the hung lane is not its business.
        const otherRun = await captionist(['caption', '--provider', 'other', '--json'], home);
        expect(otherRun.code).toBe(0);
        expect(JSON.parse(otherRun.stdout)).toMatchObject({ total: 1, captioned: 1, failed: [] });
      }
      hung.child.kill('SIGKILL');
      expect(await hung.exited).toMatchObject({ signal: 'SIGKILL' });
    }

    // The next start finds the photo left running a third time, and gives it up.
    const after = await captionist(['caption', '--provider', 'vision', '--json'], home);
    expect(after.code).toBe(0);
    expect(JSON.parse(after.stdout)).toMatchObject({ total: 0, captioned: 0 });
    expect(sentPoison()).toBe(3 + 1);
    const listed = JSON.parse((await captionist(['queue', '--json'], home)).stdout) as {
      counts: Record<string, number>;
      jobs: { provider: string; state: string; lastError: string | null }[];
    };
    expect(listed.counts).toMatchObject({ running: 0, failed: 1, done: 3 });
    expect(listed.jobs.filter((job) => job.state === 'failed')).toEqual([
      expect.objectContaining({
        provider: 'vision',
        lastError: 'Stopped the worker 3 times, so it was given up (retry it to try again); last: the process running it ended while it ran.',
      }),
    ]);
    expect([...captionsPerPhoto(home).values()]).toEqual([1, 1, 1]);
  });

  it('cancels the jobs another process is running: it drops them and keeps none of their captions', async () => {
    // Slower than the cancel command takes to start, so the photos are still in flight.
    const { home, server } = await setUp(4, { latencyMs: 8000 });
    const run = captionist(['caption', '--provider', 'vision', '--json'], home);
    await until(() => server.inFlight === 2, 'two photos in flight');

    const cancelled = await captionist(['queue', 'cancel'], home);
    expect(cancelled.stdout).toBe('Cancelled 2 queued and 2 running jobs. Running ones stop within seconds, and their results are not kept.\n');
    const finished = await run;
    expect(JSON.parse(finished.stdout)).toMatchObject({ total: 4, captioned: 0, failed: [{}, {}, {}, {}] });
    await until(() => server.captioned.length === 2 || server.inFlight === 0, 'the server to finish the two requests');
    expect(storedCaptions(home)).toEqual([]);
    expect(JSON.parse((await captionist(['queue', '--json'], home)).stdout)).toMatchObject({ counts: { cancelled: 4, running: 0 } });
  });

  it('removing a provider cancels its jobs and says so', async () => {
    const { home } = await setUp(2, {});
    expect((await captionist(['queue', 'pause'], home)).code).toBe(0);
    const run = captionist(['caption', '--provider', 'vision', '--json'], home);
    for (let tries = 0; tries < 20; tries++) {
      if (JSON.parse((await captionist(['status', '--json'], home)).stdout).queued === 2) break;
    }

    const removed = await captionist(['provider', 'remove', 'vision'], home);
    expect(removed.stdout).toBe(
      'Removed provider "vision". Its captions stay in the library.\n' +
        'Cancelled 2 queued and 0 running jobs. Their photos stay uncaptioned: caption them with another provider.\n',
    );
    expect(JSON.parse((await run).stdout)).toMatchObject({ total: 2, captioned: 0, failed: [{ message: 'Cancelled.' }, { message: 'Cancelled.' }] });
  });
});
