import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventName } from '../../src/shared/contract';
import { environmentSecrets } from '../../src/main/base/secrets';
import { testCore } from '../helpers/core';
import type { TestCore } from '../helpers/core';
import { tempDir, writeJpeg } from '../helpers/files';
import { memoryLogger, waitFor } from '../helpers/library';
import { visionServer } from '../helpers/vision-server';
import { embeddingsServer } from '../provider-servers/embeddings.server';

const apiKey = 'sk-remove-2b7d4f1a';

function removalCore(latencyMs = 0) {
  const logger = memoryLogger();
  const changed: number[][] = [];
  const events: EventName[] = [];
  const core = testCore({
    logger,
    secrets: environmentSecrets({ REMOVE_KEY: apiKey }),
    watch: {
      batchDelayMs: 50,
      maxBatchDelayMs: 1000,
      watch: { stabilityThresholdMs: 100, stabilityPollMs: 25, pollIntervalMs: 100 },
    },
    emit: (name, payload) => {
      events.push(name);
      if (name === 'library:changed') changed.push((payload as { folderIds: number[] }).folderIds);
    },
  });
  const vision = async () => {
    const server = await visionServer({ apiKey, latencyMs });
    await core.invoke('providers:save', {
      name: 'vision',
      type: 'openai-compatible',
      preset: 'inference-net',
      baseUrl: `${server.url}/v1`,
      apiKeyEnv: 'REMOVE_KEY',
      concurrency: 2,
    });
    return server;
  };
  return { core, logger, changed, events, vision };
}

async function twoFolders(core: TestCore) {
  const root = tempDir('captionist-photos-');
  const keep = join(root, 'keep');
  const drop = join(root, 'drop');
  const files = await Promise.all([
    writeJpeg(join(keep, 'harbour.jpg'), { seed: 2 }),
    writeJpeg(join(drop, 'meadow.jpg'), { seed: 3 }),
    writeJpeg(join(drop, 'nested', 'orchard.jpg'), { seed: 4 }),
    writeJpeg(join(drop, 'nested', 'vineyard.jpg'), { seed: 5 }),
  ]);
  await core.invoke('library:index', { paths: [keep, drop] });
  const folders = await core.invoke('library:listFolders', {});
  return {
    keep: folders.find((folder) => folder.path === keep)!,
    drop: folders.find((folder) => folder.path === drop)!,
    dropFiles: files.slice(1),
  };
}

const sha1 = (path: string) => createHash('sha1').update(readFileSync(path)).digest('hex');

describe('removing a folder from the library', () => {
  it('takes its photos, captions and jobs out of the library and the search, and leaves the files alone', async () => {
    const { core, changed, vision } = removalCore();
    await vision();
    const { keep, drop, dropFiles } = await twoFolders(core);
    await core.invoke('captions:generate', { provider: 'vision', paths: [dropFiles[0]!, join(keep.path, 'harbour.jpg')], options: {}, force: false });
    await core.invoke('queue:pause', { paths: [drop.path] });
    // The rest of the folder waits in the paused queue.
    await core.invoke('captions:queue', { provider: 'vision', paths: [drop.path] });
    expect((await core.invoke('queue:list', { paths: [drop.path], states: ['queued'] })).length).toBe(2);
    const before = dropFiles.map(sha1);

    changed.length = 0;
    expect(await core.invoke('library:removeFolder', { folderId: drop.id })).toEqual({ removed: true, revertableWrites: 0 });
    expect(changed).toContainEqual([drop.id]);

    expect((await core.invoke('library:listFolders', {})).map((folder) => folder.id)).toEqual([keep.id]);
    expect(dropFiles.map(sha1)).toEqual(before);
    const everything = await core.invoke('photos:search', { text: '', includeMissing: true });
    expect(everything.results.map((hit) => hit.fileName)).toEqual(['harbour.jpg']);
    expect((await core.invoke('photos:search', { text: 'orchard OR meadow OR study' })).results.map((hit) => hit.fileName)).toEqual([
      'harbour.jpg',
    ]);
    expect((await core.invoke('photos:folderCounts', { text: '' })).map((count) => count.folderId)).toEqual([keep.id]);
    expect(await core.invoke('library:status', {})).toMatchObject({ folders: 1, photos: 1, captioned: 1, queued: 0 });
    expect(await core.invoke('queue:list', { states: [] })).toHaveLength(1);
    // Its pause went with it.
    expect((await core.invoke('queue:status', {})).pausedScopes).toEqual([]);

    await expect(core.invoke('library:removeFolder', { folderId: drop.id })).rejects.toThrow(`No library folder with id ${drop.id}.`);
    await expect(core.invoke('library:removeFolder', { folderId: 'drop' } as never)).rejects.toThrow(/^Invalid folderId: /);

    // Added again, it is indexed afresh from the untouched files.
    await core.invoke('library:index', { paths: [drop.path] });
    expect(await core.invoke('library:status', {})).toMatchObject({ folders: 2, photos: 4, captioned: 1 });
  });

  it('keeps a folder whose write-backs could still be reverted unless told to forget them', async () => {
    const { core, vision } = removalCore();
    await vision();
    const { drop, dropFiles } = await twoFolders(core);
    await core.invoke('captions:generate', { provider: 'vision', paths: [dropFiles[0]!], options: {}, force: false });
    expect((await core.invoke('metadata:write', { paths: [dropFiles[0]!] })).written).toBe(1);

    expect(await core.invoke('library:removeFolder', { folderId: drop.id })).toEqual({ removed: false, revertableWrites: 1 });
    expect((await core.invoke('library:listFolders', {})).map((folder) => folder.id)).toContain(drop.id);

    // Once reverted there is nothing to lose.
    expect((await core.invoke('metadata:revert', { paths: [dropFiles[0]!] })).reverted).toBe(1);
    expect(await core.invoke('library:removeFolder', { folderId: drop.id })).toEqual({ removed: true, revertableWrites: 0 });
  });

  it('removes a folder with write-backs when told to forget them', async () => {
    const { core, vision } = removalCore();
    await vision();
    const { drop, dropFiles } = await twoFolders(core);
    await core.invoke('captions:generate', { provider: 'vision', paths: [dropFiles[0]!], options: {}, force: false });
    await core.invoke('metadata:write', { paths: [dropFiles[0]!] });
    const written = sha1(dropFiles[0]!);
    expect(await core.invoke('library:removeFolder', { folderId: drop.id, forgetWrites: true })).toEqual({
      removed: true,
      revertableWrites: 1,
    });
    expect((await core.invoke('library:listFolders', {})).map((folder) => folder.id)).not.toContain(drop.id);
    expect(sha1(dropFiles[0]!)).toBe(written);
  });

  it('lets running caption jobs of the folder end quietly while the queue goes on', async () => {
    const { core, logger, vision } = removalCore(400);
    const server = await vision();
    const { keep, drop } = await twoFolders(core);
    await core.invoke('captions:queue', { provider: 'vision', paths: [drop.path] });
    await waitFor('a caption request of the folder', () => server.received >= 2);

    await core.invoke('library:removeFolder', { folderId: drop.id });
    await waitFor('the requests in flight to end', async () => server.inFlight === 0 && (await core.invoke('queue:status', {})).counts.running === 0);
    const kept = await core.invoke('captions:generate', { provider: 'vision', paths: [keep.path], options: {}, force: false });
    expect(kept).toMatchObject({ captioned: 1, failed: [] });
    expect(logger.lines.filter((line) => line.startsWith('ERROR'))).toEqual([]);
    expect(logger.lines.some((line) => /ended: its photo left the library/.test(line))).toBe(true);
    expect(await core.invoke('library:status', {})).toMatchObject({ photos: 1, captioned: 1, failed: 0 });
  });

  it('never puts the caption of a photo that left the library on the photo that takes its id', async () => {
    const { core, vision } = removalCore(1500);
    const server = await vision();
    const { drop } = await twoFolders(core);
    const removedIds = (await core.invoke('photos:search', { text: '', folder: drop.path })).results.map((hit) => hit.id);
    await core.invoke('captions:queue', { provider: 'vision', paths: [drop.path] });
    await waitFor('caption requests of the folder', () => server.received >= 2);

    await core.invoke('library:removeFolder', { folderId: drop.id });
    // New photos, indexed while those requests are answered, take the removed photos' ids.
    const later = tempDir('captionist-photos-');
    await Promise.all([1, 2, 3].map((seed) => writeJpeg(join(later, `new${seed}.jpg`), { seed: 20 + seed })));
    await core.invoke('library:index', { paths: [later] });
    const newIds = (await core.invoke('photos:search', { text: '', folder: later })).results.map((hit) => hit.id);
    expect(newIds.filter((id) => removedIds.includes(id)).length).toBeGreaterThan(0);
    expect(server.inFlight).toBeGreaterThan(0);

    await waitFor('the requests in flight to end', async () => server.inFlight === 0 && (await core.invoke('queue:status', {})).counts.running === 0);
    expect(await core.invoke('library:status', {})).toMatchObject({ photos: 4, captioned: 0 });
    // And the next jobs queued get ids of their own: a job that ended with its photo is not confused with them.
    const kept = await core.invoke('captions:generate', { provider: 'vision', paths: [later], options: {}, force: false });
    expect(kept).toMatchObject({ captioned: 3, failed: [] });
  });

  it('never puts the vector of a photo that left the library on the photo that takes its id', async () => {
    const { core } = removalCore();
    const server = await embeddingsServer();
    const described = (folder: string, captions: string[], seed: number) =>
      Promise.all(captions.map((caption, index) => writeJpeg(join(folder, `photo${index}.jpg`), { seed: seed + index, exif: { IFD0: { ImageDescription: caption } } })));
    const drop = tempDir('captionist-photos-');
    await described(drop, ['Orange glow over the hills', 'Amber light on the lake'], 40);
    await core.invoke('library:index', { paths: [drop] });
    const removedIds = (await core.invoke('photos:search', { text: '', folder: drop })).results.map((hit) => hit.id);
    await core.invoke('providers:save', { name: 'local', type: 'openai-compatible', preset: 'ollama', baseUrl: `${server.url}/v1` });
    await core.invoke('embeddings:use', { provider: 'local', model: 'synonyms' });
    server.latencyMs = 1500;
    const run = core.invoke('embeddings:run', { paths: [] });
    await waitFor('the embeddings request', () => server.inputs.length >= 2);

    const folder = (await core.invoke('library:listFolders', {})).find((candidate) => candidate.path === drop)!;
    await core.invoke('library:removeFolder', { folderId: folder.id });
    // New photos, indexed while the request is answered, take the removed photos' ids.
    const later = tempDir('captionist-photos-');
    await described(later, ['Blue sky above the city', 'Dog running in snow'], 50);
    await core.invoke('library:index', { paths: [later] });
    const newIds = (await core.invoke('photos:search', { text: '', folder: later })).results.map((hit) => hit.id);
    expect(newIds.filter((id) => removedIds.includes(id)).length).toBeGreaterThan(0);
    await run;
    server.latencyMs = 0;
    await core.invoke('embeddings:run', { paths: [] });

    // Each new photo has the vector of its own caption: none is found for the removed ones' words.
    expect((await core.invoke('photos:search', { text: 'orange amber glow', mode: 'meaning' })).results).toEqual([]);
    expect((await core.invoke('photos:search', { text: 'sky', mode: 'meaning' })).results.map((hit) => hit.fileName)).toEqual(['photo0.jpg']);
    expect(await core.invoke('embeddings:status', {})).toMatchObject({ embedded: 2, pending: 0 });
  });

  it('stops watching the folder it removed', async () => {
    const { core } = removalCore();
    const { keep, drop } = await twoFolders(core);
    await core.invoke('app:startBackgroundWork', {});

    await core.invoke('library:removeFolder', { folderId: drop.id });
    await writeJpeg(join(drop.path, 'late.jpg'), { seed: 8 });
    await writeJpeg(join(keep.path, 'later.jpg'), { seed: 9 });
    await waitFor('the kept folder to index its new photo', async () => (await core.invoke('library:status', {})).photos === 2);
    const everything = await core.invoke('photos:search', { text: '', includeMissing: true });
    expect(everything.results.map((hit) => hit.fileName).sort()).toEqual(['harbour.jpg', 'later.jpg']);
    expect((await core.invoke('library:listFolders', {})).map((folder) => folder.id)).toEqual([keep.id]);
  });
});
