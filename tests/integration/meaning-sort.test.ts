import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RankedResults } from '../../src/shared/embeddings';
import { testCore } from '../helpers/core';
import { tempDir, writeJpeg } from '../helpers/files';
import { embeddingsServer } from '../provider-servers/embeddings.server';

const photos: [string, string, string | null][] = [
  ['play.jpg', 'Children playing on the shore', '2019:05:01 10:00:00'],
  ['kite.jpg', 'A child flying a kite on the beach', '2023:07:14 16:00:00'],
  ['seaside.jpg', 'Kid at the seaside', '2021:02:11 09:00:00'],
  ['snow.jpg', 'Boy in snow', null],
];

const names = (results: RankedResults) => results.results.map((hit) => basename(hit.path));

describe('search by meaning sorted by date', () => {
  it('orders the same matches newest first in hybrid, meaning and similar searches', { timeout: 60_000 }, async () => {
    const server = await embeddingsServer();
    const core = testCore();
    const library = tempDir();
    let seed = 1;
    for (const [name, caption, date] of photos) {
      await writeJpeg(join(library, name), { seed: seed++, exif: { IFD0: { ImageDescription: caption }, ...(date && { IFD2: { DateTimeOriginal: date } }) } });
    }
    await core.invoke('library:addFolder', { path: library });
    await core.invoke('library:index', { paths: [library] });
    await core.invoke('providers:save', { name: 'local', type: 'openai-compatible', preset: 'ollama', baseUrl: `${server.url}/v1` });
    await core.invoke('embeddings:use', { provider: 'local', model: 'synonyms' });
    await core.invoke('embeddings:run', { paths: [] });

    const byRelevance = await core.invoke('photos:search', { text: 'shore' });
    expect(names(byRelevance)).toEqual(['play.jpg', 'seaside.jpg', 'kite.jpg']);
    const byDate = await core.invoke('photos:search', { text: 'shore', sort: 'date' });
    expect(byDate).toMatchObject({ mode: 'hybrid', total: byRelevance.total });
    expect(names(byDate)).toEqual(['kite.jpg', 'seaside.jpg', 'play.jpg']);
    // A photo keeps its score and how it matched, whatever the order.
    expect(byDate.results.find((hit) => hit.fileName === 'play.jpg')).toMatchObject({ matchedBy: ['text', 'meaning'], score: byRelevance.results[0]!.score });

    expect(names(await core.invoke('photos:search', { text: 'kid', mode: 'meaning', sort: 'date' }))).toEqual(['kite.jpg', 'seaside.jpg', 'play.jpg', 'snow.jpg']);
    expect(names(await core.invoke('photos:search', { text: 'kid', mode: 'meaning', sort: 'date', offset: 1, limit: 2 }))).toEqual(['seaside.jpg', 'play.jpg']);
    expect(names(await core.invoke('photos:search', { similarTo: join(library, 'seaside.jpg'), sort: 'date' }))).toEqual(['kite.jpg', 'play.jpg', 'snow.jpg']);
    await server.close();
  });
});
