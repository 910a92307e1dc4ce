import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import Sqlite from 'better-sqlite3';
import sharp from 'sharp';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createCore } from '../../src/main/core';
import type { CoreOptions } from '../../src/main/core';
import { environmentSecrets } from '../../src/main/base/secrets';
import { testCore } from '../helpers/core';
import type { TestCore } from '../helpers/core';
import { tempDir } from '../helpers/files';
import { jsonBody } from '../helpers/loopback';
import { startBatchServer } from '../provider-servers/openai-batch.server';
import type { BatchInputLine, BatchServer } from '../provider-servers/openai-batch.server';

const apiKey = 'sk-batch-test-5d2c9e1a7b';
const fastRetries = { baseDelayMs: 5, maxDelayMs: 50, maxAttempts: 4 };
const run = { provider: 'vision', paths: [], options: {}, force: false, viaBatch: true };

/** Photos of one flat colour each, so the server can tell them apart by their pixels. */
async function library(colours: readonly string[]) {
  const root = tempDir('captionist-photos-');
  await mkdir(join(root, 'Lisbon trip'), { recursive: true });
  const paths = await Promise.all(
    colours.map(async (colour, index) => {
      const path = join(root, 'Lisbon trip', `photo-${index}.jpg`);
      await sharp({ create: { width: 900, height: 600, channels: 3, background: colour } }).jpeg().toFile(path);
      return path;
    }),
  );
  return { root, paths };
}

function colourName(red: number, green: number, blue: number): string {
  if (red > 200 && green > 200) return 'golden';
  return red > green && red > blue ? 'crimson' : blue > green ? 'cobalt' : 'emerald';
}

/** A model that looks at the picture: it names the dominant colour. */
async function colourAnswer(line: BatchInputLine) {
  const parts = (line.body.messages as { content: unknown }[])[1]!.content as { type: string; image_url?: { url: string } }[];
  const url = parts.find((part) => part.type === 'image_url')!.image_url!.url;
  const { channels } = await sharp(Buffer.from(url.replace(/^data:image\/jpeg;base64,/, ''), 'base64')).stats();
  const colour = colourName(channels[0]!.mean, channels[1]!.mean, channels[2]!.mean);
  return {
    title: `A ${colour} field`,
    caption: `A ${colour} wall in soft light.`,
    altText: `A ${colour} wall.`,
    longDescription: '',
    keywords: [colour, 'wall'],
  };
}

function coreOptions(dataDir: string, overrides: Partial<CoreOptions> = {}): CoreOptions {
  return {
    dataDir,
    concurrency: 2,
    secrets: environmentSecrets({ TEST_BATCH_KEY: apiKey, WRONG_KEY: 'sk-wrong-0000-1111' }),
    retryPolicy: fastRetries,
    batch: { pollIntervalMs: 30 },
    ...overrides,
  };
}

/** A core on `dataDir` the test closes itself (to restart on the same folder). */
function closableCore(dataDir: string, overrides: Partial<CoreOptions> = {}): TestCore {
  const core = createCore(coreOptions(dataDir, overrides));
  onTestFinished(() => core.close());
  return { invoke: core.invoke, close: core.close, dataDir };
}

async function addVisionProvider(core: TestCore, server: BatchServer, extra: object = {}) {
  return core.invoke('providers:save', {
    name: 'vision',
    type: 'openai-compatible',
    preset: 'inference-net',
    baseUrl: `${server.url}/v1`,
    batchBaseUrl: `${server.url}/v1`,
    apiKeyEnv: 'TEST_BATCH_KEY',
    pricing: { perMillionInputTokensUsd: 0.5, perMillionOutputTokensUsd: 2 },
    ...extra,
  });
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(10);
  }
}

function readDb<T>(core: TestCore, query: (db: Sqlite.Database) => T): T {
  const db = new Sqlite(join(core.dataDir, 'library.db'), { readonly: true });
  try {
    return query(db);
  } finally {
    db.close();
  }
}

const customIds = (server: BatchServer, upload: number) => server.uploads[upload]!.lines.map((line) => line.custom_id);

describe('captioning through the Batch API', () => {
  it('sends one file with a line per photo and stores the answers as the direct path does', async () => {
    const { root, paths } = await library(['#d01010', '#1030d0', '#10a030']);
    const server = await startBatchServer({ apiKey, answer: colourAnswer });
    const core = testCore(coreOptions(tempDir('captionist-home-')));
    await core.invoke('library:index', { paths: [root] });
    await addVisionProvider(core, server);

    const result = await core.invoke('captions:generate', run);

    expect(result).toMatchObject({ total: 3, captioned: 3, failed: [], stoppedBecause: null });
    expect(server.uploads).toHaveLength(1);
    expect(customIds(server, 0)).toHaveLength(3);
    expect(new Set(customIds(server, 0)).size).toBe(3);
    for (const id of customIds(server, 0)) expect(id).toMatch(/^job-\d+-1$/);
    expect(server.uploads[0]!.lines[0]).toMatchObject({ method: 'POST', url: '/v1/chat/completions' });
    expect(server.uploads[0]!.lines[0]!.body).toMatchObject({ model: 'google/gemma-3-27b-instruct/bf-16', response_format: { type: 'json_schema' } });
    expect(server.creates).toHaveLength(1);
    const create = jsonBody(server.creates[0]!) as { metadata: { captionist_batch: string }; completion_window: string };
    expect(create.completion_window).toBe('24h');
    expect(create.metadata.captionist_batch).toMatch(/^1-[0-9a-f]{8}$/);
    // Nothing went the direct way.
    expect(server.requests.filter((request) => request.path.endsWith('/chat/completions'))).toEqual([]);

    expect(result.inputTokens).toBe(3 * 1645);
    expect(result.outputTokens).toBe(3 * 92);
    expect(result.costUsd).toBeCloseTo((3 * 1645 * 0.5 + 3 * 92 * 2) / 1e6, 10);
    expect((await core.invoke('photos:search', { text: 'crimson' })).results.map((photo) => photo.path)).toEqual([paths[0]]);
    expect((await core.invoke('photos:search', { text: 'cobalt' })).results.map((photo) => photo.path)).toEqual([paths[1]]);

    const { captions, batches, jobs } = readDb(core, (db) => ({
      captions: db.prepare('SELECT * FROM captions ORDER BY photo_id').all() as Record<string, unknown>[],
      batches: db.prepare('SELECT * FROM caption_batches').all() as Record<string, unknown>[],
      jobs: db.prepare('SELECT state, batch_id FROM jobs').all() as Record<string, unknown>[],
    }));
    expect(captions).toHaveLength(3);
    expect(captions[0]).toMatchObject({
      version: 1,
      source: 'generated',
      provider: 'vision',
      model: 'google/gemma-3-27b-instruct/bf-16',
      input_tokens: 1645,
      output_tokens: 92,
      run_id: result.runId,
      status: 'draft',
    });
    expect(captions[0]!.cost_usd).toBeCloseTo((1645 * 0.5 + 92 * 2) / 1e6, 12);
    expect(String(captions[0]!.prompt)).toContain('Lisbon trip');
    expect(batches).toEqual([expect.objectContaining({ state: 'done', remote_batch_id: 'batch-000002', request_count: 3, completed_count: 3 })]);
    expect(jobs).toEqual(Array(3).fill({ state: 'done', batch_id: null }));
  });

  it('sends no more photos than the budget allows, and stops the run at the cap', async () => {
    const { root } = await library(['#d01010', '#1030d0', '#10a030']);
    const server = await startBatchServer({ apiKey, answer: colourAnswer });
    const core = testCore(coreOptions(tempDir('captionist-home-')));
    await core.invoke('library:index', { paths: [root] });
    await addVisionProvider(core, server, { pricing: { perImageUsd: 0.01 }, budgetUsd: 0.025 });

    const result = await core.invoke('captions:generate', run);

    expect(server.uploads.map((upload) => upload.lines.length)).toEqual([2]);
    expect(result).toMatchObject({ captioned: 2, failed: [], stoppedBecause: expect.stringMatching(/^Budget reached: \$0\.02 of \$0\.03/) });
    expect((await core.invoke('library:status', {}))).toMatchObject({ queued: 1, failed: 0 });
  });

  it('after a restart polls the batch it had submitted, without uploading or creating again', async () => {
    const { root } = await library(['#d01010', '#1030d0', '#10a030']);
    const server = await startBatchServer({ apiKey, answer: colourAnswer });
    server.hold = true;
    const dataDir = tempDir('captionist-home-');
    const first = closableCore(dataDir);
    await first.invoke('library:index', { paths: [root] });
    await addVisionProvider(first, server);
    // Settles when stopped; a failed expectation must not leave it rejecting unheard.
    const running = first.invoke('captions:generate', run).catch((error: unknown) => error);
    await until(() => server.polls.length >= 2, 'the batch to be polled');
    expect((await first.invoke('queue:status', {})).lanes).toContainEqual(
      expect.objectContaining({ kind: 'caption', provider: 'vision', state: 'running', message: expect.stringMatching(/^Batch 1 of 3 photos: in_progress \(0 done\)$/) }),
    );
    await first.invoke('app:stopWork', {});
    await running;
    await first.close();

    server.hold = false;
    const second = closableCore(dataDir);
    await second.invoke('app:startBackgroundWork', {});
    await until(async () => (await second.invoke('queue:status', {})).counts.done === 3, 'the batch to be imported');
    expect(server.uploads).toHaveLength(1);
    expect(server.creates).toHaveLength(1);
    expect((await second.invoke('photos:search', { text: 'emerald' })).total).toBe(1);
  });

  it('finds by its metadata a batch whose create answer was lost in a crash, and does not create it again', async () => {
    const { root } = await library(['#d01010', '#1030d0']);
    const server = await startBatchServer({ apiKey, answer: colourAnswer });
    server.dropNextCreate = true;
    server.hold = true;
    const dataDir = tempDir('captionist-home-');
    // Slow retries: the first process does not look again before it "crashes".
    const first = closableCore(dataDir, { retryPolicy: { baseDelayMs: 60_000, maxDelayMs: 60_000 } });
    await first.invoke('library:index', { paths: [root] });
    await addVisionProvider(first, server);
    // Settles when stopped; a failed expectation must not leave it rejecting unheard.
    const running = first.invoke('captions:generate', run).catch((error: unknown) => error);
    await until(async () => (await first.invoke('queue:status', {})).lanes.some((lane) => lane.state === 'offline'), 'the lost answer');
    await first.invoke('app:stopWork', {});
    await running;
    await first.close();
    expect(server.creates).toHaveLength(1);
    const left = readDb(first, (db) => db.prepare('SELECT state, input_file_id, remote_batch_id FROM caption_batches').get());
    expect(left).toEqual({ state: 'preparing', input_file_id: server.uploads[0]!.id, remote_batch_id: null });

    server.hold = false;
    const second = closableCore(dataDir);
    await second.invoke('app:startBackgroundWork', {});
    await until(async () => (await second.invoke('queue:status', {})).counts.done === 2, 'the found batch to be imported');
    expect(server.lists.length).toBeGreaterThanOrEqual(1);
    expect(server.creates).toHaveLength(1);
    expect(server.uploads).toHaveLength(1);
  });

  it('fails the lines the service rejected, retries a rate-limited one in a later batch', async () => {
    const { root, paths } = await library(['#d01010', '#1030d0', '#10a030', '#e0e020', '#d01010']);
    const server = await startBatchServer({
      apiKey,
      answer: colourAnswer,
      outcome: (_line, index) => {
        if (server.uploads.length > 1) return { kind: 'answer' };
        if (index === 1) return { kind: 'http', status: 400, message: 'Invalid image: the picture could not be decoded.' };
        if (index === 2) return { kind: 'http', status: 429, message: 'Rate limit reached for requests per min.' };
        if (index === 3) return { kind: 'error', code: 'invalid_request', message: 'The request body is not valid for this model.' };
        return { kind: 'answer' };
      },
    });
    const core = testCore(coreOptions(tempDir('captionist-home-')));
    await core.invoke('library:index', { paths: [root] });
    await addVisionProvider(core, server);

    const result = await core.invoke('captions:generate', run);

    expect(result.captioned).toBe(3);
    expect(result.failed).toHaveLength(2);
    expect(result.failed.map((failure) => failure.message)).toEqual(
      expect.arrayContaining([
        'Inference.net rejected the request (HTTP 400) (Invalid image: the picture could not be decoded.)',
        'Inference.net did not process this photo in the batch (The request body is not valid for this model.)',
      ]),
    );
    expect(paths.filter((path) => result.failed.some((failure) => failure.path === path))).toHaveLength(2);
    expect(server.uploads).toHaveLength(2);
    expect(customIds(server, 1)).toEqual([customIds(server, 0)[2]]);
    expect((await core.invoke('queue:status', {})).counts).toMatchObject({ done: 3, failed: 2, queued: 0, running: 0 });
  });

  it('fails only the photo whose answer line is too long to read, and stores the others', async () => {
    const { root, paths } = await library(['#d01010', '#1030d0', '#10a030']);
    const server = await startBatchServer({
      apiKey,
      answer: colourAnswer,
      outcome: (_line, index) =>
        index === 1 ? { kind: 'answer', answer: { title: 'Long', caption: 'word '.repeat(600_000), keywords: [] } } : { kind: 'answer' },
    });
    const core = testCore(coreOptions(tempDir('captionist-home-')));
    await core.invoke('library:index', { paths: [root] });
    await addVisionProvider(core, server);

    const result = await core.invoke('captions:generate', run);

    expect(result.captioned).toBe(2);
    expect(result.failed).toEqual([
      { path: paths[1], message: 'Inference.net sent an answer too large to read (over 2 MB); Captionist stopped reading it' },
    ]);
    expect((await core.invoke('queue:status', {})).counts).toMatchObject({ done: 2, failed: 1, queued: 0, running: 0 });
  });

  it('puts the photos an expired batch never reached back in the queue, and sends them again', async () => {
    const { root } = await library(['#d01010', '#1030d0', '#10a030']);
    const server = await startBatchServer({ apiKey, answer: colourAnswer });
    server.ending = 'expire';
    server.expireAfter = 1;
    const core = testCore(coreOptions(tempDir('captionist-home-')));
    await core.invoke('library:index', { paths: [root] });
    await addVisionProvider(core, server);

    const result = core.invoke('captions:generate', run);
    await until(() => server.creates.length === 1, 'the first batch');
    server.ending = 'complete';

    expect(await result).toMatchObject({ total: 3, captioned: 3, failed: [] });
    expect(server.uploads).toHaveLength(2);
    expect(customIds(server, 1)).toEqual(customIds(server, 0).slice(1));
    const batches = readDb(core, (db) => db.prepare('SELECT state, last_error FROM caption_batches ORDER BY id').all());
    expect(batches).toEqual([
      { state: 'done', last_error: 'Expired with 2 photo(s) unanswered' },
      { state: 'done', last_error: null },
    ]);
  });

  it('waits while the service is unreachable, fails nothing, and goes on when it is back', async () => {
    const { root } = await library(['#d01010', '#1030d0', '#10a030']);
    const server = await startBatchServer({ apiKey, answer: colourAnswer });
    server.hold = true;
    const core = testCore(coreOptions(tempDir('captionist-home-')));
    await core.invoke('library:index', { paths: [root] });
    await addVisionProvider(core, server);

    const result = core.invoke('captions:generate', run);
    await until(() => server.polls.length >= 1, 'the first poll');
    server.down = true;
    await until(async () => (await core.invoke('queue:status', {})).lanes.some((lane) => lane.state === 'offline'), 'the lane to go offline');
    await delay(300);
    expect((await core.invoke('queue:status', {})).counts).toMatchObject({ failed: 0, running: 3 });
    server.down = false;
    server.hold = false;

    expect(await result).toMatchObject({ captioned: 3, failed: [], stoppedBecause: null });
    expect(server.uploads).toHaveLength(1);
    expect(server.creates).toHaveLength(1);
  });

  it('stops on a rejected key with the service\'s message, the photos still queued', async () => {
    const { root } = await library(['#d01010', '#1030d0']);
    const server = await startBatchServer({ apiKey });
    const core = testCore(coreOptions(tempDir('captionist-home-')));
    await core.invoke('library:index', { paths: [root] });
    await addVisionProvider(core, server, { apiKeyEnv: 'WRONG_KEY' });

    const result = await core.invoke('captions:generate', run);

    expect(result.stoppedBecause).toMatch(/API key rejected by Inference\.net/);
    expect(result.stoppedBecause).not.toContain('sk-wrong-0000-1111');
    expect(result.captioned).toBe(0);
    expect((await core.invoke('queue:status', {})).counts).toMatchObject({ queued: 2, failed: 0, running: 0 });
    expect(server.creates).toHaveLength(0);
  });

  it('refuses a Batch API run for a provider without a Batch API', async () => {
    const core = testCore(coreOptions(tempDir('captionist-home-')));
    await core.invoke('providers:save', { name: 'local', type: 'openai-compatible', preset: 'ollama' });
    await expect(core.invoke('captions:generate', { ...run, provider: 'local' })).rejects.toThrow(/no batch base URL/);
    // Without a preset the type's defaults bring Inference.net's batch host; a key meant for another server never goes there.
    await core.invoke('providers:save', { name: 'custom', type: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', apiKeyEnv: 'TEST_BATCH_KEY' });
    await expect(core.invoke('captions:generate', { ...run, provider: 'custom' })).rejects.toThrow(/no batch base URL/);
    expect((await core.invoke('queue:status', {})).counts.queued).toBe(0);
  });
});
