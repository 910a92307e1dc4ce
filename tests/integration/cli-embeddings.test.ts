import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EmbeddingsStatus, RankedResults } from '../../src/shared/embeddings';
import { captionist } from '../helpers/cli';
import { tempDir, writeJpeg } from '../helpers/files';
import { embeddingsServer } from '../provider-servers/embeddings.server';

describe('captionist embeddings and search by meaning', () => {
  // Each command starts a process: allow for a busy machine.
  it('sets up, embeds, reports and searches by meaning from the command line', { timeout: 180_000 }, async () => {
    const server = await embeddingsServer();
    const home = tempDir();
    const library = tempDir();
    await writeJpeg(join(library, 'glow.jpg'), { seed: 1, exif: { IFD0: { ImageDescription: 'Orange glow over the hills' } } });
    await writeJpeg(join(library, 'beach.jpg'), { seed: 2, exif: { IFD0: { ImageDescription: 'A child on the beach' } } });
    await writeJpeg(join(library, 'shore.jpg'), { seed: 3, exif: { IFD0: { ImageDescription: 'Children on the shore' } } });
    expect((await captionist(['index', library, '--json'], home)).code).toBe(0);
    expect((await captionist(['provider', 'add', 'local', '--type', 'openai-compatible', '--preset', 'ollama', '--base-url', `${server.url}/v1`], home)).code).toBe(0);

    const notSetUp = await captionist(['embeddings', 'status'], home);
    expect(notSetUp).toMatchObject({ code: 0, stdout: expect.stringContaining('Search by meaning is not set up') });
    const use = await captionist(['embeddings', 'use', 'local', '--model', 'synonyms'], home);
    expect(use).toMatchObject({ code: 0, stdout: expect.stringContaining("Searching by meaning with local's model synonyms. local / synonyms: 0 photos embedded. 3 waiting") });
    const run = await captionist(['embeddings', 'run', library, '--json'], home);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      provider: 'local', model: 'synonyms', dimensions: 64, embedded: 3, pending: 0,
      requestedDimensions: null, usdPerMillionTokens: null, inputTokens: 14, costUsd: null,
    });
    expect(JSON.parse((await captionist(['embeddings', 'status', '--json'], home)).stdout) as EmbeddingsStatus).toMatchObject({ embedded: 3, pending: 0 });

    const amber = JSON.parse((await captionist(['search', 'amber', '--json'], home)).stdout) as RankedResults;
    expect(amber.results.map((hit) => [basename(hit.path), hit.matchedBy])).toEqual([['glow.jpg', ['meaning']]]);
    expect((await captionist(['search', 'amber'], home)).stdout).toContain('glow.jpg  (by meaning)');
    expect(JSON.parse((await captionist(['search', 'amber', '--mode', 'text', '--json'], home)).stdout)).toMatchObject({ total: 0 });
    const similar = JSON.parse((await captionist(['search', '--similar', join(library, 'beach.jpg'), '--json'], home)).stdout) as RankedResults;
    expect(similar.results.map((hit) => basename(hit.path))).toEqual(['shore.jpg']);
    expect(await captionist(['search', 'amber', '--mode', 'fuzzy'], home)).toMatchObject({ code: 2, stderr: expect.stringContaining('--mode takes hybrid, text or meaning') });
    expect(await captionist(['embeddings', 'use', 'nobody'], home)).toMatchObject({ code: 2, stderr: expect.stringContaining('No provider named "nobody"') });
  });
});
