import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { environmentSecrets } from '../../src/main/base/secrets';
import type { EmbeddingsStatus } from '../../src/shared/embeddings';
import { laneOf, testCore } from '../helpers/core';
import type { TestCore } from '../helpers/core';
import { tempDir, writeJpeg } from '../helpers/files';
import { visionServer } from '../helpers/vision-server';
import { embeddingsServer } from '../provider-servers/embeddings.server';

const apiKey = 'sk-embed-queue-5e1a';

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await delay(20);
  }
}

/** A library of `count` uncaptioned photos, a vision provider to caption them and an embeddings provider. */
async function setUp(count: number) {
  const root = tempDir('captionist-photos-');
  for (let i = 0; i < count; i++) await writeJpeg(join(root, `IMG_${100 + i}.jpg`), { seed: 5 + i * 11 });
  const core = testCore({ secrets: environmentSecrets({ EMBED_QUEUE_KEY: apiKey }), retryPolicy: { baseDelayMs: 20, maxDelayMs: 200, maxAttempts: 3 } });
  await core.invoke('library:index', { paths: [root] });
  const vision = await visionServer({ apiKey });
  const embedder = await embeddingsServer();
  await core.invoke('providers:save', { name: 'vision', type: 'openai-compatible', baseUrl: `${vision.url}/v1`, model: 'vision-test', apiKeyEnv: 'EMBED_QUEUE_KEY' });
  await core.invoke('providers:save', { name: 'local', type: 'openai-compatible', preset: 'ollama', baseUrl: `${embedder.url}/v1` });
  return { core, root, embedder };
}

const status = (core: TestCore) => core.invoke('embeddings:status', {});
const settled = (core: TestCore, expected: Partial<EmbeddingsStatus>) => async () => {
  const now = await status(core);
  return now.pending === 0 && Object.entries(expected).every(([key, value]) => now[key as keyof EmbeddingsStatus] === value);
};

async function editCaption(core: TestCore, photoId: number, caption: string) {
  await core.invoke('captions:edit', { photoId, fields: { title: null, caption, altText: caption, longDescription: null, keywords: [] } });
}

describe('embedding through the queue', () => {
  it('embeds new and edited captions and redoes them for a new model, without "embeddings run"', { timeout: 60_000 }, async () => {
    const { core, embedder } = await setUp(4);
    expect(await core.invoke('embeddings:use', { provider: 'local', model: 'synonyms' })).toMatchObject({ embedded: 0, pending: 0 });

    expect(await core.invoke('captions:generate', { provider: 'vision', paths: [], options: {}, force: false })).toMatchObject({ captioned: 4 });
    await until(settled(core, { embedded: 4 }), 'the new captions to be embedded');
    // Each caption embedded once, in requests of the waiting captions.
    expect(embedder.inputs).toHaveLength(4);
    expect(embedder.inputs.every((text) => text.includes('A quiet study in colour'))).toBe(true);

    await editCaption(core, 2, 'Orange glow over the hills');
    await until(settled(core, { embedded: 4 }), 'the edited caption to be embedded');
    expect(embedder.inputs.slice(4)).toEqual(['Orange glow over the hills']);
    const amber = await core.invoke('photos:search', { text: 'amber' });
    expect(amber).toMatchObject({ mode: 'hybrid', total: 1 });
    expect(amber.results[0]).toMatchObject({ id: 2, matchedBy: ['meaning'] });

    await core.invoke('embeddings:use', { provider: 'local', model: 'other' });
    await until(settled(core, { model: 'other', embedded: 4 }), 'the vectors of the new model');
    // The search's query "amber" was embedded once between; then the four captions again.
    expect(embedder.inputs).toHaveLength(10);
    const again = embedder.inputs.slice(6);
    expect(new Set(again).size).toBe(4);
    expect(again.filter((text) => !embedder.inputs.slice(0, 4).includes(text))).toEqual(['Orange glow over the hills']);
    expect((await core.invoke('photos:search', { text: 'amber' })).results.map((hit) => hit.id)).toEqual([2]);

    const { counts } = await core.invoke('queue:status', {});
    expect(counts).toMatchObject({ failed: 0, queued: 0, running: 0 });
    const embedJobs = (await core.invoke('queue:list', { states: ['done'] })).filter((job) => job.kind === 'embed');
    expect(embedJobs.length).toBeGreaterThanOrEqual(3);
    expect(embedJobs.every((job) => job.provider === 'local' && job.path === '')).toBe(true);
  });

  it('waits while the embeddings server is away and finishes when it is back', { timeout: 60_000 }, async () => {
    const { core, embedder } = await setUp(2);
    await core.invoke('embeddings:use', { provider: 'local', model: 'synonyms' });
    await core.invoke('captions:generate', { provider: 'vision', paths: [], options: {}, force: false });
    await until(settled(core, { embedded: 2 }), 'the captions to be embedded');

    const port = Number(new URL(embedder.url).port);
    await embedder.close();
    await editCaption(core, 1, 'A dog on the beach');
    await until(async () => (await laneOf(core, 'embed', 'local'))?.state === 'offline', 'the embed lane to wait for its server');
    await delay(300);
    expect(await status(core)).toMatchObject({ embedded: 1, pending: 1 });
    expect((await core.invoke('queue:status', {})).counts).toMatchObject({ failed: 0 });

    const back = await embeddingsServer(64, port);
    await until(settled(core, { embedded: 2 }), 'the caption to be embedded once the server is back');
    expect(back.inputs).toEqual(['A dog on the beach']);
    expect((await core.invoke('photos:search', { text: 'puppy', mode: 'meaning' })).results.map((hit) => hit.id)).toEqual([1]);
  });
});
