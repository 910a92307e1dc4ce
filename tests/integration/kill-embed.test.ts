import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { captionist, readLibrary, startCaptionist } from '../helpers/cli';
import { tempDir, writeJpeg } from '../helpers/files';
import { embeddingsServer } from '../provider-servers/embeddings.server';

async function until(what: string, probe: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await delay(20);
  }
}

describe('the embed queue killed mid-way', () => {
  // Each command starts a process: allow for a busy machine.
  it('keeps every request stored before the kill, nothing of the one in flight, and embeds the rest after a restart', { timeout: 180_000 }, async () => {
    const server = await embeddingsServer();
    const home = tempDir();
    const library = tempDir();
    // 70 captions: a request of 64, then one of 6.
    for (let i = 0; i < 70; i++) {
      await writeJpeg(join(library, `IMG_${i}.jpg`), { width: 16, height: 16, seed: i + 1, exif: { IFD0: { ImageDescription: `A dog on the beach, frame ${i}` } } });
    }
    expect((await captionist(['index', library, '--json'], home)).code).toBe(0);
    expect((await captionist(['provider', 'add', 'local', '--type', 'openai-compatible', '--preset', 'ollama', '--base-url', `${server.url}/v1`], home)).code).toBe(0);
    expect((await captionist(['embeddings', 'use', 'local', '--model', 'synonyms'], home)).code).toBe(0);
    const embedded = () => {
      try {
        return readLibrary(home, (db) => db.prepare('SELECT count(*) FROM photo_embeddings').pluck().get() as number);
      } catch {
        return 0;
      }
    };
    const requests = () => server.requests.filter((request) => request.path === '/v1/embeddings').length;

    // The second request is held long enough to kill the process while it waits for the answer.
    server.latencyMs = 3000;
    const first = startCaptionist(['serve'], home);
    await until('the second request to be under way', () => requests() === 2 || first.child.exitCode !== null);
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(embedded()).toBe(64);
    expect(
      readLibrary(home, (db) => ({
        integrity: db.pragma('integrity_check', { simple: true }),
        wholeVectors: db.prepare('SELECT count(*) FROM photo_embeddings WHERE length(vector) = 64 * 4').pluck().get(),
        embedJobs: db.prepare(`SELECT state, count(*) AS n FROM jobs WHERE kind = 'embed' GROUP BY state ORDER BY state`).all(),
      })),
    ).toEqual({ integrity: 'ok', wholeVectors: 64, embedJobs: [{ state: 'done', n: 1 }, { state: 'running', n: 1 }] });

    server.latencyMs = 0;
    const second = startCaptionist(['serve'], home);
    await until('the rest to be embedded after the restart', () => embedded() === 70 || second.child.exitCode !== null);
    second.child.kill('SIGINT');
    expect(await second.exited).toEqual({ code: 0, signal: null });
    const status = await captionist(['embeddings', 'status', '--json'], home);
    expect(JSON.parse(status.stdout)).toMatchObject({ embedded: 70, pending: 0 });
    // The six of the killed request were asked for again, and nothing else twice.
    expect(server.inputs).toHaveLength(64 + 6 + 6);
    expect(new Set(server.inputs).size).toBe(70);
  });
});
