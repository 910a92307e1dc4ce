import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { captionist, readLibrary, startCaptionist } from '../helpers/cli';
import type { RunningCli } from '../helpers/cli';
import { tempDir, writeJpeg } from '../helpers/files';
import { visionServer } from '../helpers/vision-server';

const apiKey = 'sk-shared-library-5e6f';
const env = { SHARED_LIBRARY_KEY: apiKey };
const lockedOrBusy = /locked|SQLITE_BUSY|busy/i;

/** Calls the core of a running `captionist serve` the way its page does. */
function serveClient(serve: RunningCli) {
  const address = /http:\/\/127\.0\.0\.1:(\d+)\/#token=([\w-]+)/.exec(serve.output().stdout);
  if (!address) throw new Error(`serve printed no address: ${JSON.stringify(serve.output())}`);
  const [, port, token] = address;
  const statuses: number[] = [];
  const call = async <T>(name: string, input: unknown = {}): Promise<T> => {
    const response = await fetch(`http://127.0.0.1:${port}/api/call/${name}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });
    statuses.push(response.status);
    const body = (await response.json()) as T & { error?: string };
    if (!response.ok) throw new Error(`${name} answered ${response.status}: ${body.error}`);
    return body;
  };
  return { call, statuses };
}

async function until(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await delay(200);
  }
}

interface JobCounts {
  queued: number;
  running: number;
  waitingForRetry: number;
  done: number;
  failed: number;
}

describe('several processes on one library', { timeout: 240_000 }, () => {
  it('watch, serve, caption and write at once: no locked database, every caption and write recorded once', async () => {
    const home = tempDir('captionist-home-');
    const root = tempDir('captionist-photos-');
    const served = join(root, 'Served');
    const watched = join(root, 'Watched');
    for (let i = 0; i < 8; i++) await writeJpeg(join(served, `S_${i}.jpg`), { seed: 3 + i * 5 });
    for (let i = 0; i < 12; i++) await writeJpeg(join(watched, `W_${i}.jpg`), { seed: 101 + i * 7 });
    const server = await visionServer({ apiKey, latencyMs: 50 });
    expect((await captionist(['index', served], home)).code).toBe(0);
    expect((await captionist(['add-folder', watched], home)).code).toBe(0);
    const added = await captionist(
      ['provider', 'add', 'vision', '--type', 'openai-compatible', '--base-url', `${server.url}/v1`, '--model', 'vision-test',
        '--api-key-env', 'SHARED_LIBRARY_KEY', '--concurrency', '2'],
      home,
      env,
    );
    expect(added.code).toBe(0);

    // All at once: `watch` indexes and captions its folder while `serve` watches every folder and
    // runs the whole queue, and a `caption` run takes the other folder.
    const watch = startCaptionist(['watch', watched, '--provider', 'vision'], home, env);
    const serve = startCaptionist(['serve'], home, env);
    const captionRun = captionist(['caption', served, '--provider', 'vision', '--json'], home, env);
    await until('serve to print its address', () => /#token=/.test(serve.output().stdout));
    const { call, statuses } = serveClient(serve);
    await until('watch to start watching', () => watch.output().stderr.includes('Watching'));
    // Photos arrive while all of them work; both watchers index them, `watch` queues them.
    for (let i = 0; i < 4; i++) {
      await writeJpeg(join(watched, `W_new_${i}.jpg`), { seed: 211 + i * 13 });
      await call('photos:search', { text: 'study', limit: 50 });
      await call('queue:status');
    }
    const captioned = await captionRun;
    expect(captioned.code).toBe(0);
    expect(JSON.parse(captioned.stdout)).toMatchObject({ total: 8, captioned: 8, failed: [] });
    await until('every photo to be captioned', async () => {
      const status = await call<{ photos: number; captioned: number }>('library:status');
      return status.photos === 24 && status.captioned === 24;
    });

    // Writing at once: the CLI writes one folder in the foreground, serve's queue the other.
    const queuedWrites = call<{ count: number }>('metadata:queueWrite', { paths: [watched] });
    const written = await captionist(['write', served, '--json'], home, env);
    expect(written.code).toBe(0);
    expect(await queuedWrites).toEqual({ count: 16 });
    await until('serve to write the watched folder', async () => {
      const { counts } = await call<{ counts: JobCounts }>('queue:status');
      return counts.queued + counts.running + counts.waitingForRetry === 0 && counts.done === 24 + 16;
    });

    watch.child.kill('SIGINT');
    serve.child.kill('SIGINT');
    expect(await watch.exited).toEqual({ code: 0, signal: null });
    expect(await serve.exited).toEqual({ code: 0, signal: null });

    // No process met a locked database: not in what it printed, its log, the index errors or an answer.
    for (const [name, output] of [['watch', watch.output()], ['serve', serve.output()], ['caption', captioned], ['write', written]] as const) {
      expect(`${name}: ${output.stdout}${output.stderr}`).not.toMatch(lockedOrBusy);
    }
    const log = join(home, 'captionist.log');
    expect(existsSync(log) ? readFileSync(log, 'utf8') : '').not.toMatch(lockedOrBusy);
    expect(statuses.every((status) => status === 200)).toBe(true);

    const library = readLibrary(home, (db) => ({
      indexErrors: db.prepare('SELECT path, message FROM index_errors').all(),
      photos: db.prepare('SELECT count(*) FROM photos').pluck().get(),
      captionsPerPhoto: db.prepare('SELECT count(c.id) FROM photos p LEFT JOIN captions c ON c.photo_id = p.id GROUP BY p.id').pluck().all(),
      writesPerPhoto: db
        .prepare('SELECT count(w.id) FROM photos p LEFT JOIN metadata_writes w ON w.photo_id = p.id GROUP BY p.id')
        .pluck()
        .all(),
      unwrittenCaptions: db.prepare(`SELECT count(*) FROM captions WHERE status != 'written'`).pluck().get(),
      jobs: db.prepare('SELECT kind, state, count(*) AS n FROM jobs GROUP BY kind, state ORDER BY kind').all(),
    }));
    expect(library).toEqual({
      indexErrors: [],
      photos: 24,
      captionsPerPhoto: Array(24).fill(1),
      writesPerPhoto: Array(24).fill(1),
      unwrittenCaptions: 0,
      jobs: [
        { kind: 'caption', state: 'done', n: 24 },
        { kind: 'writeMetadata', state: 'done', n: 16 },
      ],
    });
    // The provider saw each photo once.
    expect(server.requested).toHaveLength(24);
    expect(new Set(server.requested).size).toBe(24);
  });
});
