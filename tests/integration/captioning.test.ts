import { readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import Sqlite from 'better-sqlite3';
import { ExifTool } from 'exiftool-vendored';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { environmentSecrets } from '../../src/main/base/secrets';
import type { EventPayload } from '../../src/shared/contract';
import { testCore } from '../helpers/core';
import { tempDir } from '../helpers/files';
import { jsonBody, loopbackServer, sendJson } from '../helpers/loopback';
import type { RecordedRequest } from '../helpers/loopback';
import { startAnthropicServer } from '../provider-servers/anthropic.server';
import { startWaveSpeedServer } from '../provider-servers/wavespeed.server';

const exiftool = new ExifTool({ maxProcs: 1 });
afterAll(() => exiftool.end());

const apiKey = 'sk-test-9b1e4c7a2f';
const fastRetries = { baseDelayMs: 5, maxDelayMs: 50, maxAttempts: 4 };

async function solidJpeg(path: string, colour: string): Promise<string> {
  await mkdir(join(path, '..'), { recursive: true });
  await sharp({ create: { width: 900, height: 600, channels: 3, background: colour } }).jpeg().toFile(path);
  return path;
}

/** The JPEG inside a chat/completions request. */
function sentImage(request: RecordedRequest): Buffer {
  const body = jsonBody(request) as { messages: { content: unknown }[] };
  const parts = body.messages[1]!.content as { type: string; image_url?: { url: string } }[];
  const url = parts.find((part) => part.type === 'image_url')!.image_url!.url;
  return Buffer.from(url.replace(/^data:image\/jpeg;base64,/, ''), 'base64');
}

function promptText(request: RecordedRequest): string {
  const body = jsonBody(request) as { messages: { content: unknown }[] };
  const parts = body.messages[1]!.content as { type: string; text?: string }[];
  return parts.find((part) => part.type === 'text')!.text!;
}

/**
 * An OpenAI-compatible vision server that really looks at the picture: it names the dominant
 * colour, so each photo gets its own caption. `before` may answer first (errors, delays).
 */
async function colourServer(before?: (request: RecordedRequest, index: number) => object | null) {
  let index = 0;
  return loopbackServer(async (request, response) => {
    if (request.headers.authorization !== `Bearer ${apiKey}`) {
      return sendJson(response, 401, { error: { message: `Incorrect API key provided: ${request.headers.authorization}` } });
    }
    const early = before?.(request, index++);
    if (early) {
      const { status, body, headers } = early as { status: number; body: unknown; headers?: Record<string, string> };
      return sendJson(response, status, body, headers);
    }
    const { channels } = await sharp(sentImage(request)).stats();
    const [red, green, blue] = channels.map((channel) => channel.mean);
    const colour = red! > green! && red! > blue! ? 'crimson' : blue! > green! ? 'cobalt' : 'emerald';
    const answer = {
      title: `A ${colour} field`,
      caption: `A smiling woman stands before a ${colour} wall in soft light.`,
      altText: `A smiling woman stands before a ${colour} wall.`,
      longDescription: '',
      keywords: [colour, 'Wall', 'wall', 'light'],
    };
    sendJson(response, 200, {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1,
      model: 'vision-test-1',
      choices: [{ index: 0, message: { role: 'assistant', content: JSON.stringify(answer) }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 1700, completion_tokens: 80, total_tokens: 1780 },
    });
  });
}

async function library() {
  const root = tempDir('captionist-photos-');
  const red = await solidJpeg(join(root, 'Lisbon trip', 'red.jpg'), '#d01010');
  const blue = await solidJpeg(join(root, 'Lisbon trip', 'blue.jpg'), '#1030d0');
  return { root, red, blue };
}

function captionCore(env: Record<string, string | undefined> = { TEST_VISION_KEY: apiKey }) {
  return testCore({ secrets: environmentSecrets(env), retryPolicy: fastRetries });
}

async function addVisionProvider(core: ReturnType<typeof captionCore>, url: string, extra: object = {}) {
  return core.invoke('providers:save', {
    name: 'vision',
    type: 'openai-compatible',
    preset: 'inference-net',
    baseUrl: `${url}/v1`,
    apiKeyEnv: 'TEST_VISION_KEY',
    concurrency: 2,
    pricing: { perMillionInputTokensUsd: 0.5, perMillionOutputTokensUsd: 2 },
    ...extra,
  });
}

describe('captioning', () => {
  it('goes from a folder to captions that search finds, with provider, model, tokens and cost recorded', async () => {
    const { root, red, blue } = await library();
    const server = await colourServer();
    const progress: number[] = [];
    const core = testCore({
      secrets: environmentSecrets({ TEST_VISION_KEY: apiKey }),
      retryPolicy: fastRetries,
      emit: (name, payload) => {
        if (name === 'captions:progress') progress.push((payload as EventPayload<'captions:progress'>).done);
      },
    });
    await core.invoke('library:index', { paths: [root] });
    await addVisionProvider(core, server.url);

    const estimate = (await core.invoke('captions:estimate', { provider: 'vision', paths: [], options: {}, force: false }));
    // Inference.net's formula: the 900×600 photos cost clamp(600/560)·clamp(900/560)·1601 tokens each, plus the prompt.
    expect(estimate.photos).toBe(2);
    expect(estimate.inputTokens).toBe(2 * (Math.round((600 / 560) * (900 / 560) * 1601) + 350));
    expect(estimate.costUsd).toBeGreaterThan(0);

    const result = await core.invoke('captions:generate', { provider: 'vision', paths: [], options: {}, force: false });
    expect(result).toMatchObject({ total: 2, captioned: 2, failed: [], stoppedBecause: null });
    expect(result.inputTokens).toBe(3400);
    expect(result.costUsd).toBeCloseTo((3400 * 0.5 + 160 * 2) / 1e6, 10);
    expect(Math.max(...progress)).toBe(2);
    expect(server.requests).toHaveLength(2);

    const crimson = (await core.invoke('photos:search', { text: 'crimson' }));
    expect(crimson.results.map((photo) => photo.path)).toEqual([red]);
    expect((await core.invoke('photos:search', { text: 'cobalt' })).results.map((photo) => photo.path)).toEqual([blue]);
    expect(crimson.results[0]).toMatchObject({ title: 'A crimson field', captionStatus: 'draft' });

    const db = new Sqlite(join(core.dataDir, 'library.db'), { readonly: true });
    // blue.jpg, then red.jpg: by path, since indexing in parallel numbers photos in any order.
    const stored = db
      .prepare(`SELECT c.* FROM captions c JOIN photos p ON p.id = c.photo_id ORDER BY p.path`)
      .all() as Record<string, unknown>[];
    db.close();
    expect(stored[0]).toMatchObject({
      version: 1,
      source: 'generated',
      provider: 'vision',
      model: 'vision-test-1',
      prompt_version: 'captionist-2026-11',
      input_tokens: 1700,
      output_tokens: 80,
      status: 'draft',
      run_id: result.runId,
    });
    // Alt text keeps to the rules whatever the model says; keywords lose their duplicates.
    expect(stored.map((row) => row.alt_text)).toEqual(['A smiling person stands before a cobalt wall.', 'A smiling person stands before a crimson wall.']);
    expect(JSON.parse(String(stored[1]!.keywords))).toEqual(['crimson', 'Wall', 'light']);

    const [provider] = (await core.invoke('providers:list', {}));
    expect(provider).toMatchObject({ name: 'vision', captions: 2, inputTokens: 3400, outputTokens: 160 });
    expect(provider!.apiKeySource).toBe('environment variable TEST_VISION_KEY');

    // Captioned photos are left alone unless forced; forcing adds a second version.
    const again = await core.invoke('captions:generate', { provider: 'vision', paths: [], options: {}, force: false });
    expect(again.total).toBe(0);
    const forced = await core.invoke('captions:generate', { provider: 'vision', paths: [red], options: { detail: 'high' }, force: true });
    expect(forced).toMatchObject({ total: 1, captioned: 1 });
    expect(server.requests).toHaveLength(3);
    expect(promptText(server.requests[2]!)).toContain('detailed paragraph');
  });

  it('sends a stripped JPEG and a prompt with the folder, its context and the recorded place', async () => {
    const { root, red } = await library();
    await exiftool.write(
      red,
      {
        GPSLatitude: 38.7223,
        GPSLatitudeRef: 'N',
        GPSLongitude: -9.1393,
        GPSLongitudeRef: 'W',
        Make: 'Canon',
        Artist: 'Ana Lima',
        City: 'Lisbon',
        Country: 'Portugal',
        'XMP-dc:Creator': ['Ana Lima'],
      } as never,
      { writeArgs: ['-overwrite_original'] },
    );
    const server = await colourServer();
    const core = captionCore();
    await core.invoke('library:index', { paths: [root] });
    const [folder] = (await core.invoke('library:listFolders', {}));
    await core.invoke('library:setFolderCaptionOptions', {
      folderId: folder!.id,
      options: { context: 'Client: Tram Museum of Lisbon', language: 'Portuguese' },
    });
    await addVisionProvider(core, server.url);

    await core.invoke('captions:generate', { provider: 'vision', paths: [red], options: { focus: 'the trams' }, force: false });

    expect(server.requests).toHaveLength(1);
    const received = join(tempDir(), 'received.jpg');
    writeFileSync(received, sentImage(server.requests[0]!));
    const tags = (await exiftool.read(received)) as Record<string, unknown>;
    expect(tags.FileType).toBe('JPEG');
    for (const tag of ['GPSLatitude', 'GPSLongitude', 'Make', 'Artist', 'City', 'Country', 'Creator', 'XMPToolkit']) {
      expect(tags[tag], tag).toBeUndefined();
    }
    expect(Object.keys(tags).filter((name) => /^(EXIF|XMP|IPTC|GPS)/i.test(name) && name !== 'ExifToolVersion')).toEqual([]);
    expect(Math.max(Number(tags.ImageWidth), Number(tags.ImageHeight))).toBe(900);

    const prompt = promptText(server.requests[0]!);
    expect(prompt).toContain('Focus on the trams.');
    expect(prompt).toContain('Client: Tram Museum of Lisbon');
    expect(prompt).toContain('folder named "Lisbon trip"');
    expect(prompt).toContain('taken at Lisbon, Portugal');
    const system = (jsonBody(server.requests[0]!) as { messages: { content: string }[] }).messages[0]!.content;
    expect(system).toContain('Write every field in Portuguese.');
    // The English word lists are not applied to a caption asked for in another language.
    const db = new Sqlite(join(core.dataDir, 'library.db'), { readonly: true });
    const altText = db.prepare('SELECT alt_text FROM captions').pluck().get();
    db.close();
    expect(altText).toBe('A smiling woman stands before a crimson wall.');
  });

  it('retries rate limits and server errors, honouring retry-after, without failing the photo', async () => {
    const { root } = await library();
    const server = await colourServer((_request, index) =>
      index === 0
        ? { status: 429, body: { error: { message: 'Rate limit reached' } }, headers: { 'retry-after-ms': '30' } }
        : index === 1
          ? { status: 502, body: { error: { message: 'Bad gateway' } } }
          : null,
    );
    const core = captionCore();
    await core.invoke('library:index', { paths: [root] });
    await addVisionProvider(core, server.url, { concurrency: 1 });
    const started = performance.now();

    const result = await core.invoke('captions:generate', { provider: 'vision', paths: [], options: {}, force: false });

    expect(result).toMatchObject({ total: 2, captioned: 2, failed: [] });
    expect(server.requests).toHaveLength(4);
    expect(performance.now() - started).toBeGreaterThanOrEqual(30);
    expect((await core.invoke('library:status', {}))).toMatchObject({ captioned: 2, queued: 0, failed: 0 });
  });

  it('stops at a rejected key, keeps the photos queued, and never shows the key', async () => {
    const { root } = await library();
    const server = await colourServer();
    const wrongKey = 'sk-wrong-5d6e7f8a9b';
    const core = captionCore({ TEST_VISION_KEY: wrongKey });
    await core.invoke('library:index', { paths: [root] });
    await addVisionProvider(core, server.url, { concurrency: 1 });

    const result = await core.invoke('captions:generate', { provider: 'vision', paths: [], options: {}, force: false });

    expect(result.stoppedBecause).toMatch(/^API key rejected by Inference\.net/);
    expect(result).toMatchObject({ captioned: 0, failed: [] });
    expect(server.requests).toHaveLength(1);
    expect((await core.invoke('library:status', {}))).toMatchObject({ queued: 2, failed: 0, captioned: 0 });
    expect(JSON.stringify(result)).not.toContain(wrongKey);
    expect(readFileSync(join(core.dataDir, 'captionist.log'), 'utf8')).not.toContain(wrongKey);
    expect(readFileSync(join(core.dataDir, 'library.db')).includes(wrongKey)).toBe(false);

    // With the right key the same command finishes the queued photos.
    const fixed = testCore({ dataDir: core.dataDir, secrets: environmentSecrets({ TEST_VISION_KEY: apiKey }), retryPolicy: fastRetries });
    expect(await fixed.invoke('captions:generate', { provider: 'vision', paths: [], options: {}, force: false })).toMatchObject({
      total: 2,
      captioned: 2,
    });
    expect(await fixed.invoke('library:status', {})).toMatchObject({ queued: 0, captioned: 2 });
  });

  it('refuses to run without a key, naming the variable to set', async () => {
    const core = captionCore({});
    await addVisionProvider(core, 'http://127.0.0.1:9');
    await expect(core.invoke('captions:generate', { provider: 'vision', paths: [], options: {}, force: false })).rejects.toThrow(
      'No API key for provider "vision" (Inference.net): set the environment variable TEST_VISION_KEY.',
    );
    await expect(core.invoke('captions:generate', { provider: 'nobody', paths: [], options: {}, force: false })).rejects.toThrow(
      /No provider named "nobody"/,
    );
  });

  it("sends Anthropic copies within 1.15 megapixels and 1568 px, estimated by its formula and cap", async () => {
    const root = tempDir('captionist-photos-');
    // A 3:2 frame would go at 1568 × 1045 (1.64 megapixels) by the long edge alone; a square at 1568².
    const frame = join(root, 'Shoot', 'frame.jpg');
    const square = join(root, 'Shoot', 'square.jpg');
    await mkdir(join(root, 'Shoot'), { recursive: true });
    await sharp({ create: { width: 3000, height: 2000, channels: 3, background: '#a05020' } }).jpeg().toFile(frame);
    await sharp({ create: { width: 2400, height: 2400, channels: 3, background: '#2050a0' } }).jpeg().toFile(square);
    const server = await startAnthropicServer({ apiKey });
    const core = testCore({ secrets: environmentSecrets({ ANTHROPIC_API_KEY: apiKey }), retryPolicy: fastRetries });
    await core.invoke('library:index', { paths: [root] });
    await core.invoke('providers:save', { name: 'claude', type: 'anthropic', baseUrl: server.url, pricing: { perMillionInputTokensUsd: 1 } });

    const estimate = (await core.invoke('captions:estimate', { provider: 'claude', paths: [], options: {}, force: false }));
    // 1312 × 875 and 1072 × 1072 pixels: width·height/750 tokens each, plus the prompt.
    expect(estimate.inputTokens).toBe(Math.round((1312 * 875) / 750) + 350 + Math.round((1072 * 1072) / 750) + 350);

    const result = await core.invoke('captions:generate', { provider: 'claude', paths: [], options: {}, force: false });

    expect(result).toMatchObject({ captioned: 2, failed: [] });
    const sent = await Promise.all(
      server.requests.map((request) => {
        const body = jsonBody(request) as { messages: { content: { type: string; source?: { data: string } }[] }[]; output_config?: unknown };
        expect(body.output_config).toMatchObject({ format: { type: 'json_schema' } });
        const image = body.messages[0]!.content.find((block) => block.type === 'image')!;
        return sharp(Buffer.from(image.source!.data, 'base64')).metadata();
      }),
    );
    const sizes = sent.map(({ width, height }) => `${width}x${height}`).sort();
    expect(sizes).toEqual(['1072x1072', '1312x875']);
    for (const { width, height } of sent) expect(width! * height!).toBeLessThanOrEqual(1_150_000);
  });

  it('resumes polling a paid WaveSpeed task after an interrupted run instead of submitting again', async () => {
    const { root, red } = await library();
    const server = await startWaveSpeedServer({ apiKey, caption: 'A red tram crosses a stone bridge at dusk.', processingPolls: 4 });
    const core = testCore({
      secrets: environmentSecrets({ WAVESPEED_API_KEY: apiKey }),
      retryPolicy: fastRetries,
      poll: { intervalMs: 40, maxIntervalMs: 40, deadlineMs: 5000 },
    });
    await core.invoke('library:index', { paths: [root] });
    await core.invoke('providers:save', { name: 'ws', type: 'wavespeed', baseUrl: server.url, concurrency: 1 });

    // The run is stopped while the task is still processing (Ctrl-C, or the app quitting).
    const interrupted = core.invoke('captions:generate', { provider: 'ws', paths: [red], options: {}, force: false });
    while (server.counts.polls < 1) await delay(10);
    await core.invoke('app:stopWork', {});
    expect(await interrupted).toMatchObject({ captioned: 0, failed: [] });
    expect(server.counts).toMatchObject({ uploads: 1, submits: 1 });
    expect((await core.invoke('library:status', {})).queued).toBe(1);

    const resumed = await core.invoke('captions:generate', { provider: 'ws', paths: [red], options: {}, force: false });

    expect(resumed).toMatchObject({ captioned: 1, failed: [] });
    expect(server.counts).toMatchObject({ uploads: 1, submits: 1 });
    expect((await core.invoke('photos:search', { text: 'tram' })).results.map((photo) => photo.path)).toEqual([red]);
  });
});
