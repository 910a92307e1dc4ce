import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RankedResults } from '../../src/shared/embeddings';
import { testCore } from '../helpers/core';
import { tempDir, writeJpeg } from '../helpers/files';
import { embeddingsServer } from '../provider-servers/embeddings.server';

const names = (results: RankedResults) => results.results.map((hit) => basename(hit.path)).sort();

describe('the meaning index', () => {
  it('takes in vectors stored after it was built, by this core and by another on the same library', { timeout: 60_000 }, async () => {
    const server = await embeddingsServer();
    const first = testCore();
    const library = tempDir();
    await writeJpeg(join(library, 'Coast/kite.jpg'), { seed: 1, exif: { IFD0: { ImageDescription: 'A child flying a kite on the beach' } } });
    await writeJpeg(join(library, 'Hills/glow.jpg'), { seed: 2, exif: { IFD0: { ImageDescription: 'Orange glow over the hills' } } });
    await writeJpeg(join(library, 'City/snow.jpg'), { seed: 3, exif: { IFD0: { ImageDescription: 'Dog running in snow' } } });
    await first.invoke('library:addFolder', { path: library });
    await first.invoke('library:index', { paths: [library] });
    await first.invoke('providers:save', { name: 'local', type: 'openai-compatible', preset: 'ollama', baseUrl: `${server.url}/v1` });
    await first.invoke('embeddings:use', { provider: 'local', model: 'synonyms' });
    await first.invoke('embeddings:run', { paths: [join(library, 'Coast')] });
    expect(names(await first.invoke('photos:search', { text: 'kid', mode: 'meaning' }))).toEqual(['kite.jpg']);
    expect(names(await first.invoke('photos:search', { text: 'amber', mode: 'meaning' }))).toEqual([]);

    await first.invoke('embeddings:run', { paths: [join(library, 'Hills')] });
    expect(names(await first.invoke('photos:search', { text: 'amber', mode: 'meaning' }))).toEqual(['glow.jpg']);

    // A second Captionist on the same library (its own connection) embeds the last photo.
    const second = testCore({ dataDir: first.dataDir });
    await second.invoke('embeddings:run', { paths: [] });
    expect(names(await first.invoke('photos:search', { text: 'puppy', mode: 'meaning' }))).toEqual(['snow.jpg']);

    // A caption edited and embedded again is found by its new meaning, no longer by its old one.
    const [glow] = (await first.invoke('photos:search', { text: 'glow', mode: 'text' })).results;
    await first.invoke('captions:edit', { photoId: glow!.id, fields: { title: null, caption: 'A puppy asleep', altText: 'A puppy', longDescription: null, keywords: [] } });
    expect(names(await first.invoke('photos:search', { text: 'amber', mode: 'meaning' }))).toEqual([]);
    await second.invoke('embeddings:run', { paths: [] });
    expect(names(await first.invoke('photos:search', { text: 'puppy', mode: 'meaning' }))).toEqual(['glow.jpg', 'snow.jpg']);
  });

  it('measures what unrelated means from the library, for a model whose unrelated texts score about 0.5', { timeout: 60_000 }, async () => {
    const server = await embeddingsServer();
    server.common = 2;
    const core = testCore();
    const library = tempDir();
    const captions = ['Orange glow over the hills', 'A child flying a kite on the beach', 'Blue sky above the city', 'Dog running in snow', 'Boats moored in a harbour'];
    for (const [index, caption] of captions.entries()) {
      await writeJpeg(join(library, `${index}.jpg`), { seed: index + 1, exif: { IFD0: { ImageDescription: caption } } });
    }
    await core.invoke('library:addFolder', { path: library });
    await core.invoke('library:index', { paths: [library] });
    await core.invoke('providers:save', { name: 'local', type: 'openai-compatible', preset: 'ollama', baseUrl: `${server.url}/v1` });
    await core.invoke('embeddings:use', { provider: 'local', model: 'nomic-like' });
    await core.invoke('embeddings:run', { paths: [] });
    const amber = await core.invoke('photos:search', { text: 'amber', mode: 'meaning' });
    expect(names(amber)).toEqual(['0.jpg']);
    expect(amber.results[0]!.score).toBeGreaterThan(0.8);
    expect(names(await core.invoke('photos:search', { text: 'puppy', mode: 'meaning' }))).toEqual(['3.jpg']);
  });
});
