import { execFileSync } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import Sqlite from 'better-sqlite3';
import { ExifTool } from 'exiftool-vendored';
import { describe, expect, it } from 'vitest';
import { processIsGone } from '../../src/main/base/process-owner';
import { environmentSecrets } from '../../src/main/base/secrets';
import { laneOf, testCore } from '../helpers/core';
import type { TestCore } from '../helpers/core';
import { tempDir, writeJpeg } from '../helpers/files';
import { closedPortUrl, loopbackServer } from '../helpers/loopback';
import { visionServer } from '../helpers/vision-server';

const apiKey = 'sk-queue-3c9d2e1f';
const quickRetries = { baseDelayMs: 20, maxDelayMs: 200, maxAttempts: 3 };

async function photos(count: number, folder = 'Shoot', root = tempDir('captionist-photos-')) {
  const paths: string[] = [];
  for (let i = 0; i < count; i++) paths.push(await writeJpeg(join(root, folder, `IMG_${1000 + i}.jpg`), { seed: 3 + i * 7 + folder.length }));
  return { root, folder: join(root, folder), paths };
}

function queueCore(dataDir?: string): TestCore {
  return testCore({ ...(dataDir ? { dataDir } : {}), secrets: environmentSecrets({ QUEUE_TEST_KEY: apiKey }), retryPolicy: quickRetries });
}

async function addProvider(core: TestCore, url: string, extra: Record<string, unknown> = {}) {
  await core.invoke('providers:save', {
    name: 'vision',
    type: 'openai-compatible',
    baseUrl: `${url}/v1`,
    model: 'vision-test',
    apiKeyEnv: 'QUEUE_TEST_KEY',
    concurrency: 2,
    ...extra,
  });
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await delay(10);
  }
}

const captionAll = (core: TestCore) => core.invoke('captions:generate', { provider: 'vision', paths: [], options: {}, force: false });

function captionCounts(core: TestCore): number[] {
  const db = new Sqlite(join(core.dataDir, 'library.db'), { readonly: true });
  try {
    return db.prepare('SELECT count(c.id) FROM photos p LEFT JOIN captions c ON c.photo_id = p.id GROUP BY p.id ORDER BY p.id').pluck().all() as number[];
  } finally {
    db.close();
  }
}

describe('the durable queue', () => {
  it('waits while the provider is unreachable, then captions every photo exactly once when it is back', async () => {
    const { root } = await photos(5);
    const down = await closedPortUrl();
    const core = queueCore();
    await core.invoke('library:index', { paths: [root] });
    await addProvider(core, down);

    const run = captionAll(core);
    await until(async () => (await laneOf(core, 'caption', 'vision'))?.state === 'offline', 'the lane to go offline');
    // Several probes go by; nothing fails and no attempt is used up.
    await delay(400);
    expect((await core.invoke('queue:status', {})).counts).toMatchObject({ failed: 0, done: 0, running: 0 });
    expect((await core.invoke('queue:list', {})).every((job) => job.attempts === 0 && job.lastError === null)).toBe(true);

    const server = await visionServer({ apiKey, port: Number(new URL(down).port), latencyMs: 20 });
    const result = await run;

    expect(result).toMatchObject({ total: 5, captioned: 5, failed: [], stoppedBecause: null });
    expect(server.captioned).toHaveLength(5);
    expect(new Set(server.captioned).size).toBe(5);
    expect(captionCounts(core)).toEqual([1, 1, 1, 1, 1]);
  });

  it('rides out a flood of 429s without failing a photo, slowing down as told', async () => {
    const { root } = await photos(6);
    const server = await visionServer({
      apiKey,
      latencyMs: 10,
      // The first dozen requests are refused: far more than the three attempts a photo has.
      before: (index) =>
        index < 12
          ? { status: 429, body: { error: { message: 'Rate limit reached for requests per min', code: 'rate_limit_exceeded' } }, headers: { 'retry-after-ms': '30' } }
          : null,
    });
    const core = queueCore();
    await core.invoke('library:index', { paths: [root] });
    await addProvider(core, server.url, { concurrency: 4 });

    const result = await captionAll(core);

    expect(result).toMatchObject({ total: 6, captioned: 6, failed: [] });
    expect(server.received).toBe(12 + 6);
    expect(new Set(server.captioned).size).toBe(6);
    expect((await core.invoke('queue:status', {})).counts).toMatchObject({ done: 6, failed: 0 });
  });

  it('pauses and resumes a folder, cancels and retries, and lists jobs with their state', async () => {
    const root = tempDir('captionist-photos-');
    const beach = await photos(2, 'Beach', root);
    const city = await photos(2, 'City', root);
    const server = await visionServer({ apiKey, latencyMs: 5 });
    const core = queueCore();
    await core.invoke('library:index', { paths: [root] });
    await addProvider(core, server.url);

    await core.invoke('queue:pause', { paths: [beach.folder] });
    const run = captionAll(core);
    await until(async () => (await core.invoke('queue:status', {})).counts.done === 2, 'the city photos');
    await delay(100);
    const waiting = await core.invoke('queue:list', { states: ['queued'] });
    expect(waiting.map((job) => [job.path, job.paused])).toEqual(beach.paths.map((path) => [path, true]));
    expect((await core.invoke('queue:status', {}))).toMatchObject({ counts: { paused: 2, done: 2 }, pausedScopes: [`${beach.folder}/`] });
    expect(server.captioned).toHaveLength(2);

    await core.invoke('queue:resume', { paths: [root] });
    expect(await run).toMatchObject({ total: 4, captioned: 4 });

    // Everything paused: new jobs wait; cancelling a folder takes its jobs out of the queue.
    await core.invoke('queue:pause', {});
    const again = core.invoke('captions:generate', { provider: 'vision', paths: [], options: {}, force: true });
    await until(async () => (await core.invoke('queue:status', {})).counts.paused === 4, 'four paused jobs');
    expect(await core.invoke('queue:cancel', { paths: [city.folder] })).toEqual({ count: 2, queued: 2, running: 0 });
    await core.invoke('queue:resume', {});
    const result = await again;
    expect(result.captioned).toBe(2);
    expect(result.failed.map((failure) => failure.path).sort()).toEqual(city.paths);
    expect((await core.invoke('queue:status', {})).counts).toMatchObject({ cancelled: 2, done: 6 });

    // Retry brings cancelled or failed jobs back? Only failed ones: cancelled stay cancelled.
    expect(await core.invoke('queue:retry', {})).toEqual({ count: 0 });
  });

  it('retries a failed photo on request and runs what the user looks at first', async () => {
    const { root, paths } = await photos(4);
    let refuse = true;
    const server = await visionServer({
      apiKey,
      before: (index) => (refuse && index === 0 ? { status: 400, body: { error: { message: 'Invalid image', code: 'invalid_image' } } } : null),
    });
    const core = queueCore();
    await core.invoke('library:index', { paths: [root] });
    await addProvider(core, server.url, { concurrency: 1 });
    const ids = (await core.invoke('photos:search', {})).results.map((photo) => [photo.path, photo.id] as const);
    const idOf = new Map(ids);

    // Paused, the queue holds the run; the last photo is put first, as a grid scrolled to it would.
    await core.invoke('queue:pause', {});
    const run = captionAll(core);
    await until(async () => (await core.invoke('queue:status', {})).counts.paused === 4, 'the queued run');
    expect(await core.invoke('queue:prioritise', { photoIds: [idOf.get(paths[3]!)!] })).toEqual({ count: 1 });
    await core.invoke('queue:resume', {});
    const result = await run;

    expect(result.captioned).toBe(3);
    expect(result.failed).toEqual([{ path: paths[3], message: expect.stringMatching(/Invalid image/) }]);
    refuse = false;
    expect(await core.invoke('queue:retry', { paths: [paths[3]!] })).toEqual({ count: 1 });
    await until(async () => (await core.invoke('queue:status', {})).counts.done === 4, 'the retried photo');
    expect(captionCounts(core)).toEqual([1, 1, 1, 1]);
  });

  it('stops spending at the budget, and goes on when it is raised', async () => {
    const { root } = await photos(5);
    const server = await visionServer({ apiKey, latencyMs: 5 });
    const core = queueCore();
    await core.invoke('library:index', { paths: [root] });
    await addProvider(core, server.url, { pricing: { perImageUsd: 0.01 }, budgetUsd: 0.025 });

    const result = await captionAll(core);

    expect(result.captioned).toBe(2);
    expect(result.costUsd).toBeCloseTo(0.02);
    expect(result.stoppedBecause).toMatch(/^Budget reached: \$0\.02 of \$0\.03 spent with vision/);
    expect((await laneOf(core, 'caption', 'vision'))?.state).toBe('out-of-budget');
    expect((await core.invoke('library:status', {}))).toMatchObject({ queued: 3, failed: 0 });

    await addProvider(core, server.url, { pricing: { perImageUsd: 0.01 }, budgetUsd: 1 });
    expect(await captionAll(core)).toMatchObject({ captioned: 3, stoppedBecause: null });
    expect(server.captioned).toHaveLength(5);
  });

  it('counts what embedding with the provider cost against its budget for captions too', async () => {
    const { root } = await photos(3);
    const server = await visionServer({ apiKey, latencyMs: 5 });
    const core = queueCore();
    await core.invoke('library:index', { paths: [root] });
    await addProvider(core, server.url, { pricing: { perImageUsd: 0.01 }, budgetUsd: 0.025 });
    // Embeddings with the same provider have cost $0.012 (as the embed queue counts them): one photo's worth is left.
    const db = new Sqlite(join(core.dataDir, 'library.db'));
    db.prepare(`INSERT INTO embedding_spend (provider, input_tokens, cost_usd) VALUES ('vision', 1200, 0.012)`).run();
    db.close();

    const result = await captionAll(core);

    expect(result.captioned).toBe(1);
    expect(result.stoppedBecause).toMatch(/^Budget reached: \$0\.02 of \$0\.03 spent with vision/);
    expect(server.captioned).toHaveLength(1);
  });

  it('expects a photo priced by tokens to cost what a full-size frame costs, and holds it back when that passes the budget', async () => {
    const { root } = await photos(2);
    const server = await visionServer({ apiKey, latencyMs: 5 });
    const core = queueCore();
    await core.invoke('library:index', { paths: [root] });
    // A 3:2 frame at 1024 px costs 3,571 image tokens by Inference.net's formula, plus the prompt:
    // $0.0039 at $1 a million input tokens, more than this budget holds.
    await addProvider(core, server.url, { pricing: { perMillionInputTokensUsd: 1 }, budgetUsd: 0.003 });

    const result = await captionAll(core);

    expect(result.captioned).toBe(0);
    expect(result.stoppedBecause).toMatch(/^Budget reached: /);
    expect(server.received).toBe(0);
  });

  it('writes captions back into the photos as queued writeMetadata jobs', async () => {
    const { root, paths } = await photos(2);
    const server = await visionServer({ apiKey });
    const core = queueCore();
    await core.invoke('library:index', { paths: [root] });
    await addProvider(core, server.url);
    await captionAll(core);

    expect(await core.invoke('metadata:queueWrite', {})).toEqual({ count: 2 });
    await until(async () => (await core.invoke('queue:status', {})).counts.done === 4, 'the two writes');

    expect((await core.invoke('queue:status', {})).counts).toMatchObject({ failed: 0 });
    const exiftool = new ExifTool({ maxProcs: 1 });
    try {
      for (const path of paths) {
        const tags = (await exiftool.read(path)) as { Description?: string };
        expect(tags.Description).toMatch(/^A quiet study in colour, number \w{6}\.$/);
      }
    } finally {
      await exiftool.end();
    }
    expect((await core.invoke('queue:list', { states: ['done'] })).filter((job) => job.kind === 'writeMetadata')).toHaveLength(2);
  });

  it('takes back at start the jobs a dead process left running, and leaves a live one\'s alone', async () => {
    const { root } = await photos(2);
    const server = await visionServer({ apiKey });
    const core = queueCore();
    await core.invoke('library:index', { paths: [root] });
    await addProvider(core, server.url);
    await core.invoke('queue:pause', {});
    const closedBeforeTheEnd = expect(captionAll(core)).rejects.toThrow(/closed before the run finished/);
    await until(async () => (await core.invoke('queue:status', {})).counts.paused === 2, 'the queued run');
    await core.close();
    await closedBeforeTheEnd;

    // A process that has exited, and one that is alive (this test's parent), each "hold" a job.
    const deadPid = Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']));
    expect(processIsGone(`${hostname()}:${deadPid}:x`)).toBe(true);
    expect(processIsGone(`${hostname()}:${process.ppid}:x`)).toBe(false);
    const db = new Sqlite(join(core.dataDir, 'library.db'));
    const future = new Date(Date.now() + 3_600_000).toISOString();
    db.prepare(`UPDATE jobs SET state = 'running', attempts = 1, lease_owner = ?, lease_expires_at = ? WHERE id = 1`).run(`${hostname()}:${deadPid}:x`, future);
    db.prepare(`UPDATE jobs SET state = 'running', attempts = 1, lease_owner = ?, lease_expires_at = ? WHERE id = 2`).run(`${hostname()}:${process.ppid}:y`, future);
    db.close();

    const restarted = queueCore(core.dataDir);
    await restarted.invoke('queue:resume', {});
    await restarted.invoke('app:startBackgroundWork', {});
    await until(async () => (await restarted.invoke('queue:status', {})).counts.done === 1, 'the dead process\'s job');
    await delay(100);
    expect((await restarted.invoke('queue:status', {})).counts).toMatchObject({ done: 1, running: 1 });
    expect(server.captioned).toHaveLength(1);
  });

  it('cancels running jobs too: they stop at once, and none of their captions is kept', async () => {
    const { root } = await photos(4);
    const server = await visionServer({ apiKey, latencyMs: 1500 });
    const core = queueCore();
    await core.invoke('library:index', { paths: [root] });
    await addProvider(core, server.url);

    const run = captionAll(core);
    await until(() => server.inFlight === 2, 'two photos in flight');
    expect(await core.invoke('queue:cancel', {})).toEqual({ count: 4, queued: 2, running: 2 });
    const result = await run;

    expect(result.captioned).toBe(0);
    expect(result.failed.map((failure) => failure.message)).toEqual(['Cancelled.', 'Cancelled.', 'Cancelled.', 'Cancelled.']);
    expect((await core.invoke('queue:status', {})).counts).toMatchObject({ cancelled: 4, running: 0, queued: 0 });
    // Past the time the server would have answered, nothing came of the two it had.
    await delay(1700);
    expect(server.received).toBe(2);
    expect(captionCounts(core)).toEqual([0, 0, 0, 0]);
  });

  it('removing a provider cancels its queued and running jobs, and another provider takes the photos up', async () => {
    const { root } = await photos(3);
    const slow = await visionServer({ apiKey, latencyMs: 1500 });
    const core = queueCore();
    await core.invoke('library:index', { paths: [root] });
    await addProvider(core, slow.url, { concurrency: 1 });
    const run = captionAll(core);
    await until(() => slow.inFlight === 1, 'a photo in flight');

    expect(await core.invoke('providers:remove', { name: 'VISION' })).toEqual({ queued: 2, running: 1, inBatches: 0 });
    expect(await run).toMatchObject({ captioned: 0, failed: [{}, {}, {}] });
    expect((await core.invoke('queue:status', {})).counts).toMatchObject({ cancelled: 3, running: 0, queued: 0 });

    const fast = await visionServer({ apiKey });
    await core.invoke('providers:save', {
      name: 'other',
      type: 'openai-compatible',
      baseUrl: `${fast.url}/v1`,
      model: 'vision-test',
      apiKeyEnv: 'QUEUE_TEST_KEY',
    });
    expect(await core.invoke('captions:generate', { provider: 'other', paths: [], options: {}, force: false })).toMatchObject({ total: 3, captioned: 3 });
    expect(captionCounts(core)).toEqual([1, 1, 1]);
  });

  it('bounds a provider call that never answers by its timeout, while another provider\'s run goes on', async () => {
    const { root } = await photos(2);
    // Takes every request and never answers.
    const silent = await loopbackServer(() => {});
    const server = await visionServer({ apiKey, latencyMs: 20 });
    const core = queueCore();
    await core.invoke('library:index', { paths: [root] });
    await addProvider(core, silent.url, { timeoutMs: 1000 });
    await core.invoke('providers:save', {
      name: 'other',
      type: 'openai-compatible',
      baseUrl: `${server.url}/v1`,
      model: 'vision-test',
      apiKeyEnv: 'QUEUE_TEST_KEY',
    });

    await core.invoke('captions:queue', { provider: 'vision', paths: [], options: {}, force: false });
    await until(() => silent.requests.length === 2, 'both photos sent to the silent server');
    expect(await core.invoke('captions:generate', { provider: 'other', paths: [], options: {}, force: false })).toMatchObject({ total: 2, captioned: 2 });
    expect(await laneOf(core, 'caption', 'vision')).toMatchObject({ state: 'running', inFlight: 2 });

    // Each of the three attempts ends after a second; then the photo fails with the reason.
    await until(async () => (await core.invoke('queue:list', { states: ['failed'] })).filter((job) => job.provider === 'vision').length === 2, 'the silent provider\'s jobs to fail', 15_000);
    const failed = await core.invoke('queue:list', { states: ['failed'] });
    expect(failed.map((job) => [job.provider, job.attempts, job.lastError])).toEqual([
      ['vision', 3, expect.stringMatching(/did not answer within 1 s/)],
      ['vision', 3, expect.stringMatching(/did not answer within 1 s/)],
    ]);
    expect(silent.requests).toHaveLength(6);
  });
});
