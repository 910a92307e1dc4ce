import { spawn } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CoreHost, HostEvent } from '../../src/main/host/core-host';
import { UserError } from '../../src/main/base/errors';
import { testCore } from '../helpers/core';
import { samplesDir, tempDir, writeJpeg } from '../helpers/files';
import { readLibrary } from '../helpers/cli';
import { childProcesses, testHost } from '../helpers/host';
import { waitFor } from '../helpers/library';
import { startOpenAiServer } from '../provider-servers/openai-compatible.server';
import type { Keychain } from '../../src/main/host/keychain';

/** The shell's keychain as the host sees it, in memory (the desktop app's encrypts with safeStorage). */
function memoryKeychain(keys: Record<string, string>, cannotStore: string | null = null) {
  const stored = new Map(Object.entries(keys));
  const keychain: Keychain = {
    snapshot: () => ({ keys: Object.fromEntries(stored), cannotStore }),
    save: (name, key) => void stored.set(name.toLowerCase(), key),
    remove: (name) => void stored.delete(name.toLowerCase()),
  };
  return { keychain, stored };
}

/** Every line the core logged, kept by the shell's logger. */
function recordingLogger(lines: string[]) {
  const log = (message: string) => void lines.push(message);
  return { info: log, warn: log, error: log };
}

/** A folder of real JPEGs: three from cameras (ExifTool's samples) and two made by sharp. */
async function photoFolder(): Promise<string> {
  const folder = tempDir('captionist-library-');
  for (const name of ['Canon.jpg', 'Nikon.jpg', 'Apple.jpg']) copyFileSync(join(samplesDir, name), join(folder, name));
  await writeJpeg(join(folder, 'harbour at dawn.jpg'), { seed: 1 });
  await writeJpeg(join(folder, 'red fox.jpg'), { seed: 2 });
  return folder;
}

const crashingWorker = new URL('../helpers/crashing-core-worker.mjs', import.meta.url);

describe('the core host', () => {
  it('indexes and searches real photos in its worker, with the events in the order the core sent them', async () => {
    const host = await testHost();
    const events: HostEvent[] = [];
    host.on((event) => events.push(event));
    const folder = await photoFolder();

    const added = await host.invoke('library:addFolder', { path: folder });
    const result = await host.invoke('library:index', { paths: [folder] });
    expect(result).toMatchObject({ added: 5, errors: [] });
    const found = await host.invoke('photos:search', { text: 'harbour' });
    expect(found.results.map((photo) => photo.fileName)).toEqual(['harbour at dawn.jpg']);
    const thumbnail = await host.invoke('media:file', { kind: 'thumb', fingerprint: found.results[0]!.fingerprint });
    expect(thumbnail && existsSync(thumbnail)).toBe(true);

    const names = events.map((event) => event.name);
    expect(names[0]).toBe('library:changed');
    expect(events[0]!.payload).toEqual({ folderIds: [added.id] });
    // Progress only ever goes forward, then the run's end and the changed library.
    const progress = events.filter((event) => event.name === 'index:progress').map((event) => event.payload as { phase: string; done: number });
    expect(progress.at(-1)).toMatchObject({ phase: 'done', done: 5 });
    expect(progress.map((step) => step.done)).toEqual([...progress.map((step) => step.done)].sort((a, b) => a - b));
    expect(names.at(-1)).toBe('library:changed');
  });

  it('answers with the same plain data as the core in this thread', async () => {
    const dataDir = tempDir('captionist-home-');
    const host = await testHost({ core: { dataDir } });
    const folder = await photoFolder();
    await host.invoke('library:addFolder', { path: folder });
    await host.invoke('library:index', { paths: [folder] });
    await host.invoke('providers:save', { name: 'local', type: 'openai-compatible', preset: 'ollama' });
    const core = testCore({ dataDir });
    const ids = await core.invoke('photos:ids', {});
    const calls = [
      ['library:status', {}],
      ['library:listFolders', {}],
      ['photos:search', { text: 'fox' }],
      ['photos:search', {}],
      ['photos:ids', {}],
      ['photos:get', { id: ids.ids[0] }],
      ['photos:selectionSummary', { photoIds: ids.ids }],
      ['photos:folderCounts', { text: 'jpg' }],
      ['settings:get', {}],
      ['providers:list', {}],
      ['queue:status', {}],
      ['queue:list', {}],
    ] as const;

    for (const [name, input] of calls) {
      expect(await host.invoke(name, input as never), name).toEqual(await core.invoke(name, input as never));
    }
  });

  it('delivers events of concurrent calls in the order the core emitted them', async () => {
    const host = await testHost();
    const changed: number[][] = [];
    host.on((event) => event.name === 'library:changed' && changed.push((event.payload as { folderIds: number[] }).folderIds));
    const folders = Array.from({ length: 8 }, () => tempDir('captionist-library-'));

    const added = await Promise.all(folders.map((path) => host.invoke('library:addFolder', { path })));

    expect(added.map((folder) => folder.path)).toEqual(folders);
    expect(changed).toEqual(added.map((folder) => [folder.id]));
  });

  it("keeps a refused call's message and its being the user's mistake", async () => {
    const host = await testHost();
    const missing = join(tempDir(), 'not here');
    const inProcess = await testCore().invoke('library:addFolder', { path: missing }).catch((error: Error) => error);

    const refused = await host.invoke('library:addFolder', { path: missing }).catch((error: Error) => error);
    const invalid = await host.invoke('library:addFolder', { path: '' }).catch((error: Error) => error);

    expect(inProcess).toBeInstanceOf(UserError);
    expect(refused).toBeInstanceOf(UserError);
    expect((refused as Error).message).toBe((inProcess as Error).message);
    expect((refused as Error).message).toContain(missing);
    expect(invalid).toBeInstanceOf(UserError);
    expect((invalid as Error).message).toMatch(/^Invalid path/);
  });

  it('rejects a library it cannot open at start, with the core\'s message', async () => {
    const dataDir = tempDir('captionist-home-');
    copyFileSync(join(samplesDir, 'Canon.jpg'), join(dataDir, 'library.db'));
    await expect(testHost({ core: { dataDir } })).rejects.toMatchObject({
      name: 'LibraryUnusableError',
      message: expect.stringContaining(`The library database ${join(dataDir, 'library.db')} is damaged`),
    });
  });

  it('closes everything: ExifTool, the database and its thread', async () => {
    const host = await testHost();
    const folder = await photoFolder();
    await host.invoke('library:addFolder', { path: folder });
    await host.invoke('library:index', { paths: [folder] });
    expect(childProcesses().length).toBeGreaterThan(0);

    await host.close();

    expect(childProcesses()).toEqual([]);
    await expect(host.invoke('library:status', {})).rejects.toThrow("Captionist's core is closed.");
  });

  it('lets a plain Node process that used it end by itself', async () => {
    const home = tempDir('captionist-home-');
    const folder = await photoFolder();
    const script = resolve(import.meta.dirname, '../helpers/host-process.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', script, home, folder], { stdio: 'pipe' });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', done));
    const code = await Promise.race([exited, new Promise((done) => setTimeout(() => done('still running'), 30_000))]);
    if (code === 'still running') child.kill('SIGKILL');

    expect({ code, output }).toEqual({ code: 0, output: 'indexed 5\n' });
  });

  it("uses the shell's stored keys, and a key set through the core is stored by the shell", async () => {
    const server = await startOpenAiServer({ apiKey: null });
    const { keychain, stored } = memoryKeychain({ vision: 'sk-stored-before' });
    const logged: string[] = [];
    const host = await testHost({ keychain, logger: recordingLogger(logged) });
    await host.invoke('providers:save', { name: 'Vision', type: 'openai-compatible', preset: 'inference-net', baseUrl: `${server.url}/v1` });
    const keysSent = () => server.requests.map((request) => request.headers.authorization);

    expect(await host.invoke('providers:test', { name: 'Vision' })).toMatchObject({ ok: true });
    expect(keysSent()).toEqual(['Bearer sk-stored-before']);
    expect((await host.invoke('providers:list', {}))[0]).toMatchObject({ apiKeySource: 'stored in the system keychain' });

    await host.invoke('providers:setApiKey', { name: 'Vision', apiKey: 'sk-set-in-the-app' });
    expect(stored.get('vision')).toBe('sk-set-in-the-app');
    expect(await host.invoke('providers:test', { name: 'Vision' })).toMatchObject({ ok: true });
    expect(keysSent().at(-1)).toBe('Bearer sk-set-in-the-app');

    await host.invoke('providers:remove', { name: 'Vision' });
    expect(stored.has('vision')).toBe(false);
    expect(logged.join('\n')).not.toMatch(/sk-stored-before|sk-set-in-the-app/);
  });

  it("refuses to store a key with the shell's reason when it has no keychain", async () => {
    const reason = 'No system keychain is available to store the key securely. Set it in an environment variable instead.';
    const { keychain, stored } = memoryKeychain({}, reason);
    const host = await testHost({ keychain });
    await host.invoke('providers:save', { name: 'vision', type: 'openai-compatible', preset: 'inference-net' });

    const refused = await host.invoke('providers:setApiKey', { name: 'vision', apiKey: 'sk-nowhere' }).catch((error: Error) => error);

    expect(refused).toBeInstanceOf(UserError);
    expect((refused as Error).message).toBe(reason);
    expect(stored.size).toBe(0);
  });

  it.each([
    ['exit', 'it exited with code 3'],
    ['throw', 'The decoder fell over'],
    ['oom', 'it ran out of memory'],
  ])('reports a worker that crashes (%s), rejects its pending calls and starts it once more', async (how, reason) => {
    const stops: { reason: string; restarting: boolean }[] = [];
    const host = await testHost({
      workerEntry: crashingWorker,
      env: { ...process.env, CAPTIONIST_TEST_CRASH: how },
      resourceLimits: { maxOldGenerationSizeMb: 96 },
      onStopped: (stop) => stops.push(stop),
    });
    const folder = await photoFolder();
    await host.invoke('library:addFolder', { path: folder });

    await expect(host.invoke('library:index', { paths: [folder] })).rejects.toThrow(`Captionist's core stopped: ${reason}`);
    await waitFor('the restarted core', () => stops.length === 1 || undefined, 10_000);
    expect(stops).toEqual([{ reason, restarting: true }]);
    // The restarted core has the library as the first one left it.
    expect(await host.invoke('library:listFolders', {})).toMatchObject([{ path: folder }]);

    await expect(host.invoke('library:index', { paths: [folder] })).rejects.toThrow(reason);
    await waitFor('the second stop', () => stops.length === 2 || undefined, 10_000);
    expect(stops[1]).toEqual({ reason, restarting: false });
    await expect(host.invoke('library:status', {})).rejects.toThrow(`Captionist's core stopped: ${reason}`);
    // ExifTool processes of the crashed cores end with them.
    await waitFor('no ExifTool left running', () => childProcesses().length === 0 || undefined, 10_000);
  });

  it("has the restarted core take back the jobs its crashed worker was running at once, each counting a crash, not when their lease runs out", async () => {
    // The service takes a minute per photo: both jobs are still running when the worker dies.
    const server = await startOpenAiServer({ apiKey: null, scenario: 'slow', delayMs: 60_000 });
    const dataDir = tempDir('captionist-home-');
    const stops: { reason: string; restarting: boolean }[] = [];
    const host: CoreHost = await testHost({
      core: { dataDir },
      workerEntry: crashingWorker,
      env: { ...process.env, CAPTIONIST_TEST_CRASH: 'exit', CAPTIONIST_TEST_CRASH_ON: 'library:status' },
      onStopped: (stop) => {
        stops.push(stop);
        // As the app and `serve` do: the restarted core works the queue again.
        if (stop.restarting) void host.invoke('app:startBackgroundWork', {}).catch(() => {});
      },
    });
    const folder = tempDir('captionist-library-');
    await writeJpeg(join(folder, 'one.jpg'), { seed: 1 });
    await writeJpeg(join(folder, 'two.jpg'), { seed: 2 });
    await host.invoke('library:addFolder', { path: folder });
    await host.invoke('library:index', { paths: [folder] });
    await host.invoke('providers:save', { name: 'local', type: 'openai-compatible', preset: 'ollama', baseUrl: `${server.url}/v1`, concurrency: 2 });
    await host.invoke('captions:queue', { provider: 'local', paths: [folder], options: {}, force: false, viaBatch: false });
    const jobs = () => readLibrary(dataDir, (db) => db.prepare('SELECT state, crashes, lease_owner AS owner FROM jobs ORDER BY id').all()) as {
      state: string;
      crashes: number;
      owner: string | null;
    }[];
    await waitFor('both jobs running', () => server.requests.length === 2 || undefined, 20_000);
    const leased = jobs();
    expect(leased.map((job) => job.state)).toEqual(['running', 'running']);
    // This process's pid, with a name of the worker's own.
    const deadOwner = leased[0]!.owner!;
    expect(deadOwner).toMatch(new RegExp(`:${process.pid}:[0-9a-f]{8}$`));

    // The worker exits 10 ms after this call, which it may answer first.
    const crashAt = Date.now();
    await host.invoke('library:status', {}).catch(() => null);
    // The restarted core asks the service for both photos again, far within the minute's lease.
    await waitFor('both photos asked for again', () => server.requests.length === 4 || undefined, 15_000);

    expect(Date.now() - crashAt).toBeLessThan(15_000);
    expect(stops).toEqual([{ reason: 'it exited with code 3', restarting: true }]);
    const retaken = jobs();
    expect(retaken.map(({ state, crashes }) => ({ state, crashes }))).toEqual([
      { state: 'running', crashes: 1 },
      { state: 'running', crashes: 1 },
    ]);
    expect(retaken.every((job) => job.owner !== deadOwner && job.owner!.includes(`:${process.pid}:`))).toBe(true);
  });
});
