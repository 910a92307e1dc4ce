import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { captionist, readLibrary, startCaptionist } from '../helpers/cli';
import { tempDir, writeJpeg } from '../helpers/files';
import { embeddingsServer } from '../provider-servers/embeddings.server';

describe('captionist embeddings run and Ctrl-C', () => {
  // Each command starts a process: allow for a busy machine.
  it('stops after the request under way, keeps what it stored, and goes on when run again', { timeout: 180_000 }, async () => {
    const server = await embeddingsServer();
    const home = tempDir();
    const library = tempDir();
    // 70 captions: a request of 64, then one of 6.
    for (let i = 0; i < 70; i++) {
      await writeJpeg(join(library, `IMG_${i}.jpg`), { width: 16, height: 16, seed: i + 1, exif: { IFD0: { ImageDescription: `Children on the shore, frame ${i}` } } });
    }
    expect((await captionist(['index', library, '--json'], home)).code).toBe(0);
    expect((await captionist(['provider', 'add', 'local', '--type', 'openai-compatible', '--preset', 'ollama', '--base-url', `${server.url}/v1`], home)).code).toBe(0);
    expect((await captionist(['embeddings', 'use', 'local', '--model', 'synonyms'], home)).code).toBe(0);
    // Choosing the model queued the library's embed job, listed by what it embeds (it has no photo).
    expect((await captionist(['queue', 'list'], home)).stdout).toMatch(/^queued\s+captions waiting for embedding {2}\(embed with local\)$/m);

    server.latencyMs = 1500;
    const run = startCaptionist(['embeddings', 'run'], home);
    const embeddingRequests = () => server.requests.filter((request) => request.path === '/v1/embeddings').length;
    const deadline = Date.now() + 60_000;
    while (embeddingRequests() === 0 && Date.now() < deadline) await delay(10);
    run.child.kill('SIGINT');
    const { code } = await run.exited;

    expect(code).toBe(1);
    expect(run.output().stdout).toContain('Stopped: 64 photos embedded, 6 still waiting; run "captionist embeddings run" again to go on.');
    expect(embeddingRequests()).toBe(1);
    expect(readLibrary(home, (db) => db.prepare('SELECT count(*) FROM photo_embeddings').pluck().get())).toBe(64);

    server.latencyMs = 0;
    const again = await captionist(['embeddings', 'run', '--json'], home);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ embedded: 70, pending: 0 });
    expect(server.inputs).toHaveLength(70);
  });
});
