import Sqlite from 'better-sqlite3';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { laneOf, testCore } from '../helpers/core';
import { tempDir, writeJpeg } from '../helpers/files';
import { jsonBody } from '../helpers/loopback';
import { embeddingsServer } from '../provider-servers/embeddings.server';

const captions = ['Orange glow over the hills', 'A child on the beach', 'Children on the shore'];

async function libraryWithCaptions() {
  const server = await embeddingsServer();
  const core = testCore({ retryPolicy: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 } });
  const library = tempDir();
  for (const [index, caption] of captions.entries()) {
    await writeJpeg(join(library, `IMG_${index}.jpg`), { seed: index + 1, exif: { IFD0: { ImageDescription: caption } } });
  }
  await core.invoke('library:addFolder', { path: library });
  await core.invoke('library:index', { paths: [library] });
  return { core, server };
}

describe('what embedding costs, and the dimensions asked for', () => {
  it('sends the chosen dimensions, counts the tokens the answers report and prices them', { timeout: 60_000 }, async () => {
    const { core, server } = await libraryWithCaptions();
    await core.invoke('providers:save', { name: 'cloud', type: 'openai-compatible', preset: 'ollama', baseUrl: `${server.url}/v1` });
    expect(await core.invoke('embeddings:use', { provider: 'cloud', model: 'text-embedding-3-small', dimensions: 32, usdPerMillionTokens: 20 })).toMatchObject({
      dimensions: 32, requestedDimensions: 32, usdPerMillionTokens: 20, inputTokens: 0, costUsd: 0, pending: 3,
    });
    const status = await core.invoke('embeddings:run', { paths: [] });
    // The server counts 14 words in the three captions as their tokens.
    expect(status).toMatchObject({ dimensions: 32, embedded: 3, inputTokens: 14 });
    expect(status.costUsd).toBeCloseTo((14 * 20) / 1e6, 12);
    const requests = server.requests.filter((request) => request.path === '/v1/embeddings').map(jsonBody);
    // One request of the three captions, in the photos' id order, which indexing in parallel does not fix.
    expect(requests).toEqual([expect.objectContaining({ model: 'text-embedding-3-small', dimensions: 32, input: expect.arrayContaining(captions) })]);
    expect(requests[0]?.input).toHaveLength(captions.length);
    expect((await core.invoke('photos:search', { text: 'amber', mode: 'meaning' })).results.map((hit) => hit.fileName)).toEqual(['IMG_0.jpg']);

    // An answer of other dimensions than asked for is refused, whole.
    await core.invoke('captions:edit', { photoId: 1, fields: { title: null, caption: 'Amber light', altText: 'Amber light', longDescription: null, keywords: [] } });
    server.fault = 'wrong-dimension';
    await expect(core.invoke('embeddings:run', { paths: [] })).rejects.toThrow(/embeddings of 31 dimensions where the library holds 32/);
    expect(await core.invoke('embeddings:status', {})).toMatchObject({ embedded: 2, pending: 1, inputTokens: 15 });

    // Other dimensions of the same model embed everything anew; without a price the cost is what was spent.
    server.fault = 'none';
    expect(await core.invoke('embeddings:use', { provider: 'cloud', model: 'text-embedding-3-small' })).toMatchObject({
      dimensions: null, requestedDimensions: null, embedded: 0, pending: 3, costUsd: ((14 + 1) * 20) / 1e6,
    });
    await core.invoke('embeddings:run', { paths: [] });
    expect(jsonBody(server.requests.at(-1)!)).not.toHaveProperty('dimensions');
    // 14 tokens, 1 for the search "amber", then "Amber light" and the other two captions again.
    expect(await core.invoke('embeddings:status', {})).toMatchObject({ dimensions: 64, embedded: 3, inputTokens: 14 + 1 + 11 });
  });

  it('searches without waiting for another process that is writing, and counts the tokens once it can', { timeout: 60_000 }, async () => {
    const { core, server } = await libraryWithCaptions();
    await core.invoke('providers:save', { name: 'cloud', type: 'openai-compatible', preset: 'ollama', baseUrl: `${server.url}/v1` });
    await core.invoke('embeddings:use', { provider: 'cloud', model: 'small' });
    expect(await core.invoke('embeddings:run', { paths: [] })).toMatchObject({ embedded: 3, inputTokens: 14 });

    const otherProcess = new Sqlite(join(core.dataDir, 'library.db'));
    otherProcess.exec('BEGIN IMMEDIATE');
    otherProcess.prepare(`UPDATE photos SET embedded_title = 'held' WHERE id = 1`).run();
    const started = performance.now();
    const kid = await core.invoke('photos:search', { text: 'kid', mode: 'meaning' });
    // The busy timeout would have held it 15 s.
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(kid.results.map((hit) => hit.fileName).sort()).toEqual(['IMG_1.jpg', 'IMG_2.jpg']);
    // Hybrid (its word lists built and not stored) and "more like this" too.
    expect((await core.invoke('photos:search', { text: 'shore' })).results.map((hit) => [hit.fileName, hit.matchedBy])).toContainEqual(['IMG_2.jpg', ['text', 'meaning']]);
    // Photo ids follow indexing, which runs in parallel: found by name.
    const child = kid.results.find((hit) => hit.fileName === 'IMG_1.jpg')!.id;
    expect((await core.invoke('photos:search', { similarTo: child })).results.map((hit) => hit.fileName)).toEqual(['IMG_2.jpg']);
    expect(performance.now() - started).toBeLessThan(5_000);
    otherProcess.exec('COMMIT');
    otherProcess.close();

    // Neither kept nor counted then: asked for again, and the three searches' tokens counted now.
    expect(await core.invoke('embeddings:status', {})).toMatchObject({ inputTokens: 14 });
    await core.invoke('photos:search', { text: 'kid', mode: 'meaning' });
    expect(server.inputs.filter((input) => input === 'kid')).toHaveLength(2);
    expect(await core.invoke('embeddings:status', {})).toMatchObject({ inputTokens: 17 });
    // Kept this time.
    await core.invoke('photos:search', { text: 'kid', mode: 'meaning' });
    expect(server.inputs.filter((input) => input === 'kid')).toHaveLength(2);
  });

  it('stops embedding, in the queue and in the foreground, once the provider\'s budget is spent', { timeout: 60_000 }, async () => {
    const { core, server } = await libraryWithCaptions();
    // 14 tokens at $5 a million cost $0.00007: past a budget of $0.00005 after the first request.
    await core.invoke('providers:save', { name: 'cloud', type: 'openai-compatible', preset: 'ollama', baseUrl: `${server.url}/v1`, budgetUsd: 0.00005 });
    await core.invoke('embeddings:use', { provider: 'cloud', model: 'small', usdPerMillionTokens: 5 });
    await core.invoke('app:startBackgroundWork', {});
    const deadline = Date.now() + 20_000;
    while ((await core.invoke('embeddings:status', {})).embedded < 3 && Date.now() < deadline) await delay(20);
    expect(await core.invoke('embeddings:status', {})).toMatchObject({ embedded: 3, pending: 0, inputTokens: 14 });

    await core.invoke('captions:edit', { photoId: 2, fields: { title: null, caption: 'A kid by the sea', altText: 'A kid', longDescription: null, keywords: [] } });
    while ((await laneOf(core, 'embed', 'cloud'))?.state !== 'out-of-budget' && Date.now() < deadline) await delay(20);
    expect(await laneOf(core, 'embed', 'cloud')).toMatchObject({
      state: 'out-of-budget',
      message: expect.stringMatching(/^Budget reached: \$0\.0001 of \$0\.0001 spent on captions and embeddings with cloud\. Raise it with "provider add cloud/),
    });
    await expect(core.invoke('embeddings:run', { paths: [] })).rejects.toThrow(/Budget reached/);
    expect(await core.invoke('embeddings:status', {})).toMatchObject({ embedded: 2, pending: 1 });
    expect(server.inputs).toHaveLength(3);
  });
});
