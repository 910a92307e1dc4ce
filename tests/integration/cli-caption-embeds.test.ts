import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RankedResults } from '../../src/shared/embeddings';
import { captionist } from '../helpers/cli';
import { tempDir, writeJpeg } from '../helpers/files';
import { visionServer } from '../helpers/vision-server';
import { embeddingsServer } from '../provider-servers/embeddings.server';

const apiKey = 'sk-caption-embeds-77a1';
const env = { CAPTION_EMBEDS_KEY: apiKey };

describe('captionist caption with search by meaning set up', () => {
  // Each command starts a process: allow for a busy machine.
  it('embeds the captions it made before it ends, so they are found by meaning at once', { timeout: 180_000 }, async () => {
    const vision = await visionServer({ apiKey });
    const embedder = await embeddingsServer();
    const home = tempDir();
    const library = tempDir();
    await writeJpeg(join(library, 'IMG_1.jpg'), { seed: 1 });
    await writeJpeg(join(library, 'IMG_2.jpg'), { seed: 2 });
    expect((await captionist(['index', library], home)).code).toBe(0);
    const addVision = ['provider', 'add', 'vision', '--type', 'openai-compatible', '--base-url', `${vision.url}/v1`, '--model', 'vision-test', '--api-key-env', 'CAPTION_EMBEDS_KEY'];
    expect((await captionist(addVision, home, env)).code).toBe(0);
    expect((await captionist(['provider', 'add', 'local', '--type', 'openai-compatible', '--preset', 'ollama', '--base-url', `${embedder.url}/v1`], home)).code).toBe(0);
    expect((await captionist(['embeddings', 'use', 'local', '--model', 'synonyms'], home)).code).toBe(0);

    const captioned = await captionist(['caption', library, '--provider', 'vision'], home, env);
    expect(captioned.code).toBe(0);
    expect(captioned.stderr).toContain('Search by meaning: 2 photos embedded with local.');
    expect(embedder.inputs).toHaveLength(2);
    const status = await captionist(['embeddings', 'status', '--json'], home);
    expect(JSON.parse(status.stdout)).toMatchObject({ embedded: 2, pending: 0 });
    const found = JSON.parse((await captionist(['search', 'study', '--mode', 'meaning', '--json'], home)).stdout) as RankedResults;
    expect(found.results.map((hit) => hit.fileName).sort()).toEqual(['IMG_1.jpg', 'IMG_2.jpg']);
  });
});
