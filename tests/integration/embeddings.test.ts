import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RankedResults } from '../../src/shared/embeddings';
import { testCore } from '../helpers/core';
import type { TestCore } from '../helpers/core';
import { tempDir, writeJpeg } from '../helpers/files';
import { embeddingsServer } from '../provider-servers/embeddings.server';
import type { EmbeddingsServer } from '../provider-servers/embeddings.server';

const captions: Record<string, string> = {
  'Hills/glow.jpg': 'Orange glow over the hills',
  'Coast/kite.jpg': 'A child flying a kite on the beach',
  'Coast/play.jpg': 'Children playing on the shore',
  'City/sky.jpg': 'Blue sky above the city',
  'City/snow.jpg': 'Dog running in snow',
};

async function libraryWithCaptions(server: EmbeddingsServer): Promise<{ core: TestCore; library: string }> {
  const core = testCore({ retryPolicy: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 } });
  const library = tempDir();
  let seed = 1;
  for (const [relPath, caption] of Object.entries(captions)) {
    await writeJpeg(join(library, relPath), { seed: seed++, exif: { IFD0: { ImageDescription: caption } } });
  }
  await core.invoke('library:addFolder', { path: library });
  await core.invoke('library:index', { paths: [library] });
  await core.invoke('providers:save', { name: 'local', type: 'openai-compatible', preset: 'ollama', baseUrl: `${server.url}/v1` });
  return { core, library };
}

const names = (results: RankedResults) => results.results.map((hit) => basename(hit.path));

describe('search by meaning', () => {
  it('finds photos by a word no caption holds, in every mode, with filters, and like a photo', { timeout: 60_000 }, async () => {
    const server = await embeddingsServer();
    const { core, library } = await libraryWithCaptions(server);
    expect(await core.invoke('photos:search', { text: 'amber' })).toMatchObject({ total: 0, mode: 'text' });

    expect(await core.invoke('embeddings:use', { provider: 'local', model: 'synonyms' })).toEqual({
      provider: 'local', model: 'synonyms', dimensions: null, embedded: 0, pending: 5,
      requestedDimensions: null, usdPerMillionTokens: null, inputTokens: 0, costUsd: null,
    });
    expect(await core.invoke('embeddings:run', { paths: [] })).toMatchObject({ dimensions: 64, embedded: 5, pending: 0 });
    expect(server.inputs).toHaveLength(5);

    const amber = await core.invoke('photos:search', { text: 'amber' });
    expect(amber).toMatchObject({ mode: 'hybrid', total: 1 });
    expect(amber.results[0]).toMatchObject({ fileName: 'glow.jpg', matchedBy: ['meaning'] });
    expect(amber.results[0]!.score).toBeGreaterThan(0);

    // "kid": two photos by meaning; "shore" by words and meaning ranks the photo saying it first.
    expect(names(await core.invoke('photos:search', { text: 'kid', mode: 'meaning' })).sort()).toEqual(['kite.jpg', 'play.jpg']);
    const shore = await core.invoke('photos:search', { text: 'shore' });
    expect(shore.results.map((hit) => [hit.fileName, hit.matchedBy])).toEqual([
      ['play.jpg', ['text', 'meaning']],
      ['kite.jpg', ['meaning']],
    ]);
    expect(await core.invoke('photos:search', { text: 'kid', mode: 'text' })).toMatchObject({ total: 0, mode: 'text' });
    expect(names(await core.invoke('photos:search', { text: 'seaside kid', folder: join(library, 'Hills') }))).toEqual([]);
    expect(names(await core.invoke('photos:search', { text: 'seaside', folder: join(library, 'Coast'), mode: 'meaning' })).sort()).toEqual(['kite.jpg', 'play.jpg']);

    expect(names(await core.invoke('photos:search', { similarTo: join(library, 'Coast/kite.jpg') }))).toEqual(['play.jpg']);
    await expect(core.invoke('photos:search', { similarTo: join(library, 'nowhere.jpg') })).rejects.toThrow(/Not in the library: .*nowhere\.jpg/);

    // Offline: a cached query still searches by meaning; a new one falls back to words, and says so.
    await server.close();
    expect(names(await core.invoke('photos:search', { text: 'amber' }))).toEqual(['glow.jpg']);
    const offline = await core.invoke('photos:search', { text: 'sky puppy' });
    expect(offline).toMatchObject({ mode: 'text', note: expect.stringMatching(/^Searching by words only: Could not reach Ollama at 127\.0\.0\.1/) });
    expect(names(offline)).toEqual([]);
    expect(names(await core.invoke('photos:search', { text: 'sky', mode: 'text' }))).toEqual(['sky.jpg']);
  });

  it('stores nothing from a bad answer and says what was wrong', { timeout: 60_000 }, async () => {
    const server = await embeddingsServer();
    const { core } = await libraryWithCaptions(server);
    await core.invoke('embeddings:use', { provider: 'local', model: 'synonyms' });
    const failures: [EmbeddingsServer['fault'], RegExp][] = [
      ['empty', /sent an empty list of embeddings/],
      ['nan', /values that are not numbers/],
      ['rate-limit', /rate limiting/],
      ['no-endpoint', /has no embeddings endpoint at http:\/\/127\.0\.0\.1:\d+\/v1\/embeddings/],
    ];
    for (const [fault, message] of failures) {
      server.fault = fault;
      await expect(core.invoke('embeddings:run', { paths: [] }), fault).rejects.toThrow(message);
      expect(await core.invoke('embeddings:status', {})).toMatchObject({ embedded: 0, pending: 5, dimensions: null });
    }
    // A 429 storm is asked again up to the retry policy's attempts, then given up.
    expect(server.requests.filter((request) => request.path === '/v1/embeddings')).toHaveLength(1 + 1 + 3 + 1);

    server.fault = 'none';
    await core.invoke('embeddings:run', { paths: [] });
    await core.invoke('embeddings:use', { provider: 'local', model: 'other' });
    expect(await core.invoke('embeddings:status', {})).toMatchObject({ model: 'other', embedded: 0, pending: 5 });
    await core.invoke('embeddings:run', { paths: [] });
    server.fault = 'wrong-dimension';
    await expect(core.invoke('photos:search', { text: 'amber', mode: 'meaning' })).resolves.toMatchObject({
      mode: 'text',
      note: expect.stringMatching(/embeddings of 63 dimensions where the library holds 64/),
    });

    await core.invoke('providers:save', { name: 'claude', type: 'anthropic', apiKeyEnv: 'NO_SUCH_KEY_VAR' });
    process.env.NO_SUCH_KEY_VAR = 'sk-test';
    await expect(core.invoke('embeddings:use', { provider: 'claude', model: 'any' })).rejects.toThrow(/has no embeddings: choose an OpenAI-compatible provider/);
    delete process.env.NO_SUCH_KEY_VAR;
    expect(await core.invoke('embeddings:status', {})).toMatchObject({ provider: 'local', model: 'other', embedded: 5 });
  });
});
