import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { ExifTool } from 'exiftool-vendored';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { MetadataWritesRepository } from '../../src/main/db/metadata-writes.repo';
import type { WriteRecord } from '../../src/main/db/metadata-writes.repo';
import { PhotosRepository } from '../../src/main/db/photos.repo';
import { fingerprintFile } from '../../src/main/base/fingerprint';
import { ExifToolAdapter } from '../../src/main/metadata/exiftool.adapter';
import { MetadataWriter } from '../../src/main/metadata/metadata-writer';
import { addCaptions, queryLibrary } from '../helpers/captions';
import { derivativesOf, testCore } from '../helpers/core';
import type { TestCore } from '../helpers/core';
import { samplesDir, tempDir, writeJpeg } from '../helpers/files';
import { memoryLogger, testLibrary, waitFor } from '../helpers/library';

const exiftool = new ExifTool({ maxProcs: 1, taskRetries: 0 });
afterAll(() => exiftool.end());

const description = async (path: string) =>
  ((await exiftool.readRaw(path, { readArgs: ['-G1', '-XMP-dc:Description'], useMWG: false })) as Record<string, unknown>)['XMP-dc:Description'];
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const pixels = async (path: string) => createHash('sha256').update(await sharp(path).raw().toBuffer()).digest('hex');
const inode = (path: string) => statSync(path).ino;

interface PhotoRow {
  id: number;
  path: string;
  fingerprint: string;
  indexedAt: string;
  hasThumbnail: number;
}
const photoRows = (core: TestCore) =>
  new Map(
    queryLibrary<PhotoRow>(core, 'SELECT id, path, fingerprint, indexed_at AS indexedAt, has_thumbnail AS hasThumbnail FROM photos').map(
      (row) => [row.path, row],
    ),
  );

/** Files beside the photos that are none of the user's: Captionist's or ExifTool's temporary copies. */
const debris = (dir: string) => readdirSync(dir).filter((name) => /captionist-|_exiftool_tmp|_original$/.test(name));

describe('writing keeps the grid', () => {
  it('moves thumbnails and caption-ready copies to the new fingerprint without decoding again, through write and revert, and the watcher sees nothing to do', async () => {
    const core = testCore({ watch: { batchDelayMs: 100, maxBatchDelayMs: 1000, watch: { stabilityThresholdMs: 200, stabilityPollMs: 50, pollIntervalMs: 5000 } } });
    const dir = tempDir('captionist-grid-');
    const [kayak, heron] = await Promise.all([writeJpeg(join(dir, 'kayak.jpg'), { seed: 5 }), writeJpeg(join(dir, 'heron.jpg'), { seed: 6 })]);
    // A second copy of the kayak shares its content, so its fingerprint and cached pictures.
    const twin = join(dir, 'kayak twin.jpg');
    copyFileSync(kayak!, twin);
    await core.invoke('library:index', { paths: [dir] });
    addCaptions(core, { [kayak!]: { caption: 'A red kayak' }, [heron!]: { caption: 'A heron' } });
    const before = photoRows(core);
    for (const path of [kayak!, heron!]) await derivativesOf(core).captionImage(path, before.get(path)!.fingerprint);
    const cacheInodes = (fingerprint: string) => ({
      thumb: inode(derivativesOf(core).thumbnailPath(fingerprint)),
      caption: inode(derivativesOf(core).captionImagePath(fingerprint, { longEdge: 1024, maxBytes: 1_000_000 })),
    });
    const cachedBefore = new Map([kayak!, heron!].map((path) => [path, cacheInodes(before.get(path)!.fingerprint)]));
    await core.invoke('app:startBackgroundWork', {});

    expect(await core.invoke('metadata:write', {})).toMatchObject({ written: 2, failed: 0 });
    const after = photoRows(core);
    for (const path of [kayak!, heron!]) {
      const { fingerprint } = after.get(path)!;
      expect(fingerprint, path).not.toBe(before.get(path)!.fingerprint);
      expect(after.get(path)!.hasThumbnail).toBe(1);
      expect(await core.invoke('media:file', { kind: 'thumb', fingerprint: fingerprint }), path).toBe(derivativesOf(core).thumbnailPath(fingerprint));
      expect(await core.invoke('media:file', { kind: 'preview', fingerprint: fingerprint }), path).toBeTruthy();
      // The very same files: linked to the new fingerprint, not decoded and encoded again.
      expect(cacheInodes(fingerprint), path).toEqual(cachedBefore.get(path));
    }
    // The twin still has the old content, and its pictures; the heron's old ones went with its old content.
    expect(await core.invoke('media:file', { kind: 'thumb', fingerprint: before.get(twin)!.fingerprint })).toBeTruthy();
    expect(existsSync(derivativesOf(core).thumbnailPath(before.get(heron!)!.fingerprint))).toBe(false);
    expect(debris(dir)).toEqual([]);

    // The watcher heard the rewrites: a photo added afterwards is indexed, the rewritten ones were not touched.
    await writeJpeg(join(dir, 'late.jpg'), { seed: 7 });
    await waitFor('the photo added after the write', () => photoRows(core).has(join(dir, 'late.jpg')));
    for (const path of [kayak!, heron!]) expect(photoRows(core).get(path)!.indexedAt, path).toBe(after.get(path)!.indexedAt);

    expect(await core.invoke('metadata:revert', {})).toMatchObject({ reverted: 2, failed: 0 });
    const reverted = photoRows(core);
    for (const path of [kayak!, heron!]) {
      const { fingerprint } = reverted.get(path)!;
      expect(fingerprint).not.toBe(after.get(path)!.fingerprint);
      expect(cacheInodes(fingerprint), path).toEqual(cachedBefore.get(path));
    }
    expect(await core.invoke('library:index', { paths: [] })).toMatchObject({ updated: 0, added: 0 });
  });
});

describe('symbolic links', () => {
  it('stay links: the file a link points to is written when it is in the library, and a link out of the library is refused', async () => {
    const core = testCore();
    const library = tempDir('captionist-links-');
    const elsewhere = tempDir('captionist-elsewhere-');
    const targets = join(library, 'originals');
    const links = join(library, 'links');
    mkdirSync(links);
    const inside = await writeJpeg(join(targets, 'kayak.jpg'), { seed: 8 });
    const outside = await writeJpeg(join(elsewhere, 'heron.jpg'), { seed: 9 });
    copyFileSync(join(samplesDir, 'CanonRaw.cr2'), join(elsewhere, 'IMG_0001.CR2'));
    symlinkSync(inside, join(links, 'kayak.jpg'));
    symlinkSync(outside, join(links, 'heron.jpg'));
    symlinkSync(join(elsewhere, 'IMG_0001.CR2'), join(links, 'IMG_0001.CR2'));
    // The links are what the library knows: their targets are not indexed on their own.
    await core.invoke('library:index', { paths: [links] });
    await core.invoke('library:index', { paths: [targets] });
    const linked = Object.fromEntries(['kayak.jpg', 'heron.jpg', 'IMG_0001.CR2'].map((name) => [name, join(links, name)]));
    addCaptions(core, Object.fromEntries(Object.values(linked).map((path) => [path, { caption: 'By the water' }])));
    const before = { inside: await pixels(inside), outside: sha(outside), raw: sha(join(elsewhere, 'IMG_0001.CR2')) };

    const result = await core.invoke('metadata:write', { paths: [links] });
    const byName = (name: string) => result.photos.find((photo) => photo.path === linked[name])!;
    expect(byName('kayak.jpg'), JSON.stringify(result)).toMatchObject({ status: 'written', target: inside });
    expect(await description(inside)).toBe('By the water');
    expect(await pixels(inside)).toBe(before.inside);
    expect(byName('heron.jpg')).toMatchObject({
      status: 'failed',
      message: expect.stringMatching(/^heron\.jpg is a link to .*heron\.jpg, which is outside your library folders/),
    });
    expect(sha(outside)).toBe(before.outside);
    // A linked RAW file's sidecar is the library's: beside the link, a plain file; the RAW is never touched.
    expect(byName('IMG_0001.CR2')).toMatchObject({ status: 'written', target: join(links, 'IMG_0001.xmp') });
    expect(lstatSync(join(links, 'IMG_0001.xmp')).isFile()).toBe(true);
    expect(await description(join(links, 'IMG_0001.xmp'))).toBe('By the water');
    expect(sha(join(elsewhere, 'IMG_0001.CR2'))).toBe(before.raw);
    expect(readdirSync(elsewhere).sort()).toEqual(['IMG_0001.CR2', 'heron.jpg']);

    expect(await core.invoke('metadata:revert', { paths: [linked['kayak.jpg']!] })).toMatchObject({ reverted: 1, failed: 0 });
    expect(await description(inside)).toBeUndefined();
    for (const name of ['kayak.jpg', 'heron.jpg', 'IMG_0001.CR2']) expect(lstatSync(linked[name]!).isSymbolicLink(), name).toBe(true);
    expect(readlinkSync(linked['kayak.jpg']!)).toBe(inside);
    expect([...debris(links), ...debris(targets), ...debris(elsewhere)]).toEqual([]);
    // The target's own row sees its new content, and its pictures came along.
    const reindexed = await core.invoke('library:index', { paths: [targets] });
    expect(reindexed).toMatchObject({ updated: 1, errors: [] });
  });
});

/**
 * A writer whose process "dies" right after it swapped the written copy in, before the library
 * recorded the write: its journal names an owner that has exited, and recording throws.
 */
async function killedAfterTheSwap(core: TestCore): Promise<void> {
  const deadPid = Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']));
  const db = new Sqlite(join(core.dataDir, 'library.db'));
  const metadata = new ExifToolAdapter({ maxProcs: 1, configFile: join(core.dataDir, 'exiftool', 'captionist.exiftool-config') });
  class DiesBeforeRecording extends MetadataWritesRepository {
    override recordWrite(): number | null {
      throw new Error('killed');
    }
  }
  const writer = new MetadataWriter({
    writes: new DiesBeforeRecording(db),
    photos: new PhotosRepository(db),
    derivatives: derivativesOf(core),
    metadata,
    logger: memoryLogger(),
    now: () => new Date(),
    concurrency: 1,
    placePolicy: () => 'skip',
    owner: `${hostname()}:${deadPid}:dead`,
  });
  try {
    const result = await writer.write({});
    expect(result.photos.every((photo) => photo.status === 'failed' && /killed/.test(photo.message ?? '')), JSON.stringify(result)).toBe(true);
  } finally {
    await metadata.end();
    db.close();
  }
}

describe('ExifTool after Captionist is killed', () => {
  it('ends instead of waiting for commands forever', async () => {
    const src = join(import.meta.dirname, '../../src/main/metadata');
    const script = `
      const { ExifToolAdapter } = await import(${JSON.stringify(join(src, 'exiftool.adapter.ts'))});
      const { writeExifToolConfig } = await import(${JSON.stringify(join(src, 'captionist-namespace.ts'))});
      const metadata = new ExifToolAdapter({ maxProcs: 2, configFile: writeExifToolConfig(${JSON.stringify(tempDir('captionist-config-'))}) });
      const sample = ${JSON.stringify(join(samplesDir, 'Canon.jpg'))};
      await Promise.all([metadata.readPhotoMetadata(sample), metadata.readPhotoMetadata(sample)]);
      process.stdout.write('ready');
      setInterval(() => {}, 1000);`;
    // A process group of its own: Captionist and the ExifTool processes it starts.
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((ready) => child.stdout.once('data', ready));
    const groupOf = (pid: string) => {
      try {
        return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[3];
      } catch {
        return undefined;
      }
    };
    const members = () => readdirSync('/proc').filter((entry) => /^\d+$/.test(entry) && groupOf(entry) === String(child.pid));
    // Captionist and at least one ExifTool.
    expect(members().length).toBeGreaterThanOrEqual(2);

    process.kill(child.pid!, 'SIGKILL');
    child.stdout.destroy();
    try {
      await waitFor('the ExifTool processes to end', () => members().length === 0, 10_000);
    } finally {
      // Whatever is left of the group is this test's to end.
      if (members().length) process.kill(-child.pid!, 'SIGKILL');
    }
  });
});

describe('a write killed between the file and the library', () => {
  it('is recorded by the next run when the file holds exactly what was meant, revert data intact; a file changed since is refused', async () => {
    const core = testCore();
    const dir = tempDir('captionist-killed-');
    const iptc = join(dir, 'harbour.jpg');
    copyFileSync(join(samplesDir, 'IPTC.jpg'), iptc);
    const boat = await writeJpeg(join(dir, 'boat.jpg'), { seed: 10 });
    await core.invoke('library:index', { paths: [dir] });
    addCaptions(core, { [iptc]: { caption: 'Harbour at dusk' }, [boat!]: { caption: 'A boat' } });
    const original = { pixels: await pixels(boat!) };
    // Simulated in-process; the kill test does it for real with SIGKILL.
    await killedAfterTheSwap(core);
    expect(await description(boat!)).toBe('A boat');
    expect(queryLibrary(core, `SELECT status FROM captions`)).toEqual([{ status: 'draft' }, { status: 'draft' }]);
    expect(queryLibrary(core, 'SELECT count(*) AS n FROM metadata_write_intents')).toEqual([{ n: 2 }]);
    // Indexing on its own (as a watcher does) leaves a rewrite in flight to the writer: nothing decoded, nothing taken over.
    const oldThumbnail = inode(derivativesOf(core).thumbnailPath(photoRows(core).get(boat!)!.fingerprint));
    expect(await testLibrary(core.dataDir).library.index([dir])).toMatchObject({ updated: 0, unchanged: 2 });
    expect(photoRows(core).get(boat!)!.fingerprint).not.toBe(await fingerprintFile(boat!));
    // (The dying writer had linked its pictures to the new content already: still those, none decoded.)
    expect(inode(derivativesOf(core).thumbnailPath(await fingerprintFile(boat!)))).toBe(oldThumbnail);
    // Someone else edits the harbour photo before the next run.
    await exiftool.write(iptc, { 'XMP-dc:Description': 'Edited in another program' } as never, { useMWG: false, writeArgs: ['-overwrite_original'] });

    const rerun = await core.invoke('metadata:write', {});
    const byPath = (path: string) => rerun.photos.find((photo) => photo.path === path)!;
    expect(byPath(boat!)).toMatchObject({ status: 'written', warnings: [expect.stringMatching(/interrupted/)] });
    expect(byPath(iptc)).toMatchObject({ status: 'failed', message: expect.stringMatching(/changed since it was indexed/) });
    expect(queryLibrary(core, 'SELECT count(*) AS n FROM metadata_write_intents')).toEqual([{ n: 0 }]);
    expect(queryLibrary(core, `SELECT c.status FROM captions c JOIN photos p ON p.id = c.photo_id WHERE p.path = ?`, boat)).toEqual([{ status: 'written' }]);
    expect(await core.invoke('library:index', { paths: [dir] })).toMatchObject({ updated: 1 });
    expect(photoRows(core).get(boat!)!.fingerprint).toBe(await fingerprintFile(boat!));
    expect(inode(derivativesOf(core).thumbnailPath(await fingerprintFile(boat!)))).toBe(oldThumbnail);

    // Revert finds what the interrupted write replaced.
    expect(await core.invoke('metadata:revert', { paths: [boat!] })).toMatchObject({ reverted: 1, failed: 0 });
    expect(await description(boat!)).toBeUndefined();
    expect(await pixels(boat!)).toBe(original.pixels);
  });

  it('removes at indexing the temporary copy a killed write left and ExifTool\'s old ones, but never a fresh one or a stranger\'s file', async () => {
    const core = testCore();
    const dir = tempDir('captionist-debris-');
    const photo = await writeJpeg(join(dir, 'kayak.jpg'), { seed: 11 });
    await core.invoke('library:index', { paths: [dir] });
    addCaptions(core, { [photo!]: { caption: 'A red kayak' } });
    // A write that died while ExifTool was making its copy: the intent and a half-written copy.
    const deadPid = Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']));
    const ours = join(dir, '.kayak.jpg.captionist-0a1b2c3d.jpg');
    writeFileSync(ours, readFileSync(photo!).subarray(0, 1000));
    const db = new Sqlite(join(core.dataDir, 'library.db'));
    const photoId = db.prepare('SELECT id FROM photos').pluck().get() as number;
    new MetadataWritesRepository(db).recordIntent({
      photoId,
      operation: 'write',
      writeId: null,
      targetPath: photo!,
      temporaryPath: ours,
      fingerprintBefore: db.prepare('SELECT fingerprint FROM photos').pluck().get() as string,
      tags: { 'XMP-dc:Description': 'A red kayak' },
      record: { photoId } as WriteRecord,
      owner: `${hostname()}:${deadPid}:dead`,
      startedAt: new Date().toISOString(),
    });
    db.close();
    // ExifTool's own leftovers: an old one beside its photo, a fresh one (a write in progress?), and
    // files that only look like them.
    const hourAgo = Date.now() / 1000 - 3600;
    const stale = `${photo}_exiftool_tmp`;
    const fresh = join(dir, 'other.jpg_exiftool_tmp');
    writeFileSync(join(dir, 'other.jpg'), 'not a photo, but the user\'s');
    for (const path of [stale, fresh, join(dir, 'notes_exiftool_tmp'), join(dir, 'notes.txt')]) writeFileSync(path, 'x');
    for (const path of [stale, join(dir, 'notes_exiftool_tmp'), join(dir, 'notes.txt')]) utimesSync(path, hourAgo, hourAgo);

    await core.invoke('library:index', { paths: [dir] });
    expect(readdirSync(dir).sort()).toEqual(['kayak.jpg', 'notes.txt', 'notes_exiftool_tmp', 'other.jpg', 'other.jpg_exiftool_tmp']);
    expect(queryLibrary(core, 'SELECT count(*) AS n FROM metadata_write_intents')).toEqual([{ n: 0 }]);
    // One left since, as an interrupted write of an older Captionist would have: the next write takes it away.
    writeFileSync(stale, 'x');
    utimesSync(stale, hourAgo, hourAgo);
    expect(await core.invoke('metadata:write', {})).toMatchObject({ written: 1, failed: 0 });
    expect(await description(photo!)).toBe('A red kayak');
    expect(readdirSync(dir).sort()).toEqual(['kayak.jpg', 'notes.txt', 'notes_exiftool_tmp', 'other.jpg', 'other.jpg_exiftool_tmp']);
  });
});
