import Sqlite from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, symlink, truncate, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { writePngBomb } from '../helpers/bad-files';
import type { EventPayload } from '../../src/shared/contract';
import { derivativesOf, testCore } from '../helpers/core';
import type { TestCore } from '../helpers/core';
import { tempDir, writeJpeg } from '../helpers/files';

function addCaption(core: TestCore, photoPath: string, caption: string) {
  const db = new Sqlite(join(core.dataDir, 'library.db'));
  const photoId = db.prepare('SELECT id FROM photos WHERE path = ?').pluck().get(photoPath);
  db.prepare(
    `INSERT INTO captions (photo_id, version, source, caption, keywords, provider, model, status, created_at)
     VALUES (?, 1, 'generated', ?, '["fox"]', 'test', 'test-model', 'draft', '2026-01-01T00:00:00Z')`,
  ).run(photoId, caption);
  db.close();
  return photoId as number;
}

const searchPaths = async (core: TestCore, text: string, includeMissing = false) =>
  (await core.invoke('photos:search', { text, includeMissing, limit: 100, offset: 0 })).results.map((photo) => photo.path);

describe('indexing a folder', () => {
  it('adds photos with their metadata and a thumbnail, then skips them while unchanged', async () => {
    const library = tempDir();
    const core = testCore();
    await writeJpeg(join(library, 'fox.jpg'), {
      width: 600,
      height: 400,
      exif: { IFD0: { Make: 'Canon', Model: 'Canon EOS R5', ImageDescription: 'A red fox in snow' } },
    });
    await writeJpeg(join(library, '2024', 'Ærø Ferry', 'harbour.jpg'));

    const first = await core.invoke('library:index', { paths: [library] });
    expect(first).toMatchObject({ added: 2, updated: 0, unchanged: 0, missing: 0, errors: [] });

    const [fox] = (await core.invoke('photos:search', { text: 'fox snow', includeMissing: false, limit: 10, offset: 0 })).results;
    expect(fox).toMatchObject({ fileName: 'fox.jpg', width: 600, height: 400, caption: 'A red fox in snow' });
    expect(fox!.hasThumbnail).toBe(true);
    const thumbnail = await sharp(derivativesOf(core).thumbnailPath(fox!.fingerprint)).metadata();
    expect(Math.max(thumbnail.width!, thumbnail.height!)).toBe(384);

    // Folder names are searchable.
    expect(await searchPaths(core, 'ærø ferry')).toEqual([join(library, '2024', 'Ærø Ferry', 'harbour.jpg')]);

    expect(await core.invoke('library:index', { paths: [] })).toMatchObject({ added: 0, updated: 0, unchanged: 2 });
  });

  it('re-reads a changed file and drops the thumbnail of its old content', async () => {
    const library = tempDir();
    const core = testCore();
    const photo = await writeJpeg(join(library, 'a.jpg'), { seed: 1 });
    await core.invoke('library:index', { paths: [library] });
    const before = (await core.invoke('photos:search', { text: '', includeMissing: false, limit: 10, offset: 0 })).results[0]!;

    await writeJpeg(photo, { seed: 7, width: 500 });
    await utimes(photo, new Date(), new Date(Date.now() + 5000));
    expect(await core.invoke('library:index', { paths: [library] })).toMatchObject({ added: 0, updated: 1, unchanged: 0 });

    const after = (await core.invoke('photos:search', { text: '', includeMissing: false, limit: 10, offset: 0 })).results[0]!;
    expect(after.id).toBe(before.id);
    expect(after.width).toBe(500);
    expect(after.fingerprint).not.toBe(before.fingerprint);
    expect(existsSync(derivativesOf(core).thumbnailPath(before.fingerprint))).toBe(false);
    expect(existsSync(derivativesOf(core).thumbnailPath(after.fingerprint))).toBe(true);
  });

  it('keeps captions through renames, moves and deletions', async () => {
    const library = tempDir();
    const core = testCore();
    const original = await writeJpeg(join(library, 'IMG_0001.jpg'), { seed: 3 });
    await writeJpeg(join(library, 'IMG_0002.jpg'), { seed: 4 });
    await core.invoke('library:index', { paths: [library] });
    const photoId = addCaption(core, original, 'A vixen crossing the meadow');

    const renamed = join(library, 'Wildlife', 'vixen.jpg');
    await mkdir(join(library, 'Wildlife'));
    await rename(original, renamed);
    expect(await core.invoke('library:index', { paths: [library] })).toMatchObject({ added: 0, moved: 1, unchanged: 1, missing: 0 });
    expect(await searchPaths(core, 'vixen meadow')).toEqual([renamed]);
    const [moved] = (await core.invoke('photos:search', { text: 'vixen', includeMissing: false, limit: 1, offset: 0 })).results;
    expect(moved).toMatchObject({ id: photoId, caption: 'A vixen crossing the meadow', captionStatus: 'draft' });

    const kept = await readFile(renamed);
    await rm(renamed);
    expect(await core.invoke('library:index', { paths: [library] })).toMatchObject({ missing: 1, unchanged: 1 });
    expect(await searchPaths(core, 'vixen')).toEqual([]);
    expect(await searchPaths(core, 'vixen', true)).toEqual([renamed]);
    expect((await core.invoke('library:status', {}))).toMatchObject({ photos: 1, missing: 1, captioned: 1 });

    // The photo comes back under yet another name, days later: same record, caption intact.
    await writeFile(join(library, 'restored.jpg'), kept);
    expect(await core.invoke('library:index', { paths: [library] })).toMatchObject({ moved: 1, missing: 0 });
    const [restored] = (await core.invoke('photos:search', { text: 'vixen', includeMissing: false, limit: 1, offset: 0 })).results;
    expect(restored).toMatchObject({ id: photoId, path: join(library, 'restored.jpg'), status: 'present' });
    expect((await core.invoke('library:status', {}))).toMatchObject({ photos: 2, missing: 0, captioned: 1 });
  });

  it('treats a copy as a new photo while its original is still there', async () => {
    const library = tempDir();
    const core = testCore();
    const original = await writeJpeg(join(library, 'a.jpg'));
    await core.invoke('library:index', { paths: [library] });
    await writeFile(join(library, 'a copy.jpg'), await readFile(original));
    expect(await core.invoke('library:index', { paths: [library] })).toMatchObject({ added: 1, moved: 0, unchanged: 1 });
  });

  it('does not take a photo away from a library folder that is offline', async () => {
    const backup = tempDir();
    const laptop = tempDir();
    const core = testCore();
    const original = await writeJpeg(join(backup, 'IMG_0001.jpg'));
    await core.invoke('library:index', { paths: [backup] });
    const captionedId = addCaption(core, original, 'Lighthouse in fog');
    // The backup drive is unplugged; the same photo sits on the laptop too.
    const unplugged = `${backup}-unplugged`;
    await rename(backup, unplugged);
    await writeFile(join(laptop, 'IMG_0001.jpg'), await readFile(join(unplugged, 'IMG_0001.jpg')));
    const result = await core.invoke('library:index', { paths: [laptop] });
    await rename(unplugged, backup);

    expect(result).toMatchObject({ added: 1, moved: 0 });
    const [lighthouse] = (await core.invoke('photos:search', { text: 'lighthouse', includeMissing: true, limit: 5, offset: 0 })).results;
    expect(lighthouse).toMatchObject({ id: captionedId, path: original });
  });

  it('does not mark anything missing when the whole folder is unreachable', async () => {
    const core = testCore();
    // A library folder that vanished altogether (an unmounted drive) reports, but keeps, its photos.
    const other = tempDir();
    await writeJpeg(join(other, 'b.jpg'));
    await core.invoke('library:index', { paths: [other] });
    await rm(other, { recursive: true });
    const offline = await core.invoke('library:index', { paths: [] });
    expect(offline.errors).toContainEqual({ path: other, message: expect.stringMatching(/does not exist/) });
    expect(await searchPaths(core, 'b')).toEqual([join(other, 'b.jpg')]);
  });

  it('skips hidden files, system folders, sidecars and non-images without complaint', async () => {
    const library = tempDir();
    const core = testCore();
    await writeJpeg(join(library, 'keep.jpg'));
    await writeJpeg(join(library, '.hidden.jpg'));
    await writeJpeg(join(library, '.thumbnails', 'x.jpg'));
    await writeJpeg(join(library, '@eaDir', 'keep.jpg', 'SYNOPHOTO_THUMB_XL.jpg'));
    await writeJpeg(join(library, '$RECYCLE.BIN', 'deleted.jpg'));
    await writeFile(join(library, 'keep.xmp'), '<x:xmpmeta xmlns:x="adobe:ns:meta/"/>');
    await writeFile(join(library, 'keep.jpg.xmp'), '<x:xmpmeta xmlns:x="adobe:ns:meta/"/>');
    await writeFile(join(library, 'notes.txt'), 'shoot notes');
    await writeFile(join(library, 'Thumbs.db'), 'junk');
    const result = await core.invoke('library:index', { paths: [library] });
    expect(result).toMatchObject({ added: 1, errors: [] });
  });

  it('follows symbolic links once and never loops', async () => {
    const library = tempDir();
    const outside = tempDir();
    const core = testCore();
    await writeJpeg(join(library, 'a', 'one.jpg'));
    await writeJpeg(join(outside, 'linked.jpg'), { seed: 9 });
    await symlink(library, join(library, 'a', 'loop'));
    await symlink(join(library, 'a'), join(library, 'also-a'));
    await symlink(outside, join(library, 'outside'));
    await symlink(join(library, 'nowhere.jpg'), join(library, 'dangling.jpg'));
    const result = await core.invoke('library:index', { paths: [library] });
    expect(result.added).toBe(2);
    expect(result.errors).toEqual([
      { path: join(library, 'dangling.jpg'), message: 'This link points to a file that no longer exists.' },
    ]);
  });

  it('gives each bad file a clear error and indexes the rest', async () => {
    const library = tempDir();
    const core = testCore();
    await writeJpeg(join(library, 'good.jpg'));
    await writeFile(join(library, 'empty.jpg'), '');
    await writeFile(join(library, 'notes.jpg'), 'This is a shopping list, not a photo.\n');
    await writeFile(join(library, 'garbage.jpg'), Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(5000, 7)]));
    const truncated = await writeJpeg(join(library, 'truncated.jpg'), { width: 1200, height: 900 });
    await truncate(truncated, Math.floor((await readFile(truncated)).length / 3));
    await writePngBomb(join(library, 'bomb.png'));

    const result = await core.invoke('library:index', { paths: [library] });
    const messages = Object.fromEntries(result.errors.map((error) => [error.path.slice(library.length + 1), error.message]));
    expect(messages).toEqual({
      'empty.jpg': 'The file is empty (0 bytes).',
      'notes.jpg': 'This file is named like a photo but holds TXT data, so it was skipped.',
      'garbage.jpg': 'The image data is damaged, so no thumbnail was made.',
      'truncated.jpg': 'The image data is incomplete (the file looks truncated), so no thumbnail was made.',
      'bomb.png': expect.stringMatching(/^The image is too large to open safely/),
    });
    // Photos whose pixels failed are still in the library, searchable by name, without a thumbnail.
    expect(result.added).toBe(4);
    const truncatedPhoto = (await core.invoke('photos:search', { text: 'truncated', includeMissing: false, limit: 1, offset: 0 })).results[0];
    expect(truncatedPhoto).toMatchObject({ width: 1200, height: 900, hasThumbnail: false });
    expect((await core.invoke('library:status', {}))).toMatchObject({ photos: 4, errors: 5 });

    // Unchanged bad files keep their standing errors; a repaired one loses its error.
    await writeJpeg(truncated, { width: 1200, height: 900 });
    await utimes(truncated, new Date(), new Date(Date.now() + 5000));
    const again = await core.invoke('library:index', { paths: [library] });
    expect(again.updated).toBe(1);
    expect((await core.invoke('library:status', {})).errors).toBe(4);
    expect((await core.invoke('library:status', {})).errorList.map((error) => error.path)).not.toContain(truncated);
  });

  it('handles Unicode and very long paths', async () => {
    const library = tempDir();
    const core = testCore();
    const deep = join(library, ...Array.from({ length: 12 }, (_, i) => `Sessão ${i} — 東京 ${'x'.repeat(20)}`));
    const nfd = join(library, 'Cafe\u0301 Ole\u0301.jpg');
    await writeJpeg(join(deep, 'Фото 🦊.jpg'));
    await writeJpeg(nfd);
    expect(deep.length).toBeGreaterThan(400);
    const result = await core.invoke('library:index', { paths: [library] });
    expect(result).toMatchObject({ added: 2, errors: [] });
    expect(await searchPaths(core, '東京')).toHaveLength(1);
    expect(await searchPaths(core, 'cafe ole')).toEqual([nfd]);
    expect(await core.invoke('library:index', { paths: [library] })).toMatchObject({ unchanged: 2 });
  });

  it('reports a file that vanishes mid-scan and carries on', async () => {
    const library = tempDir();
    let doomed = '';
    let deleted = false;
    const core = testCore({
      emit: (name, payload) => {
        if (name === 'index:progress' && (payload as EventPayload<'index:progress'>).phase === 'indexing' && !deleted) {
          deleted = true;
          void rm(doomed);
        }
      },
    });
    await writeJpeg(join(library, 'a.jpg'));
    doomed = await writeJpeg(join(library, 'b.jpg'));
    await writeJpeg(join(library, 'c.jpg'));
    const result = await core.invoke('library:index', { paths: [library] });
    expect(result.added).toBe(2);
    expect(result.errors).toEqual([{ path: doomed, message: 'The file disappeared while it was being indexed.' }]);
  });

  it('indexes only part of a folder when asked, and absorbs a child folder into a parent', async () => {
    const library = tempDir();
    const core = testCore();
    await writeJpeg(join(library, '2023', 'a.jpg'));
    await writeJpeg(join(library, '2024', 'b.jpg'));
    await core.invoke('library:index', { paths: [join(library, '2024')] });
    const child = (await core.invoke('library:listFolders', {}));
    expect(child.map((folder) => folder.path)).toEqual([join(library, '2024')]);
    const captioned = join(library, '2024', 'b.jpg');
    const photoId = addCaption(core, captioned, 'Harbour at dusk');

    const parent = await core.invoke('library:addFolder', { path: library });
    expect((await core.invoke('library:listFolders', {}))).toEqual([expect.objectContaining({ path: library, photoCount: 1 })]);
    await expect(core.invoke('library:addFolder', { path: join(library, '2023') })).rejects.toThrow(/already in the library, as part of/);

    expect(await core.invoke('library:index', { paths: [join(library, '2023')] })).toMatchObject({ added: 1, missing: 0 });
    expect(await core.invoke('library:index', { paths: [] })).toMatchObject({ unchanged: 2 });
    const [harbour] = (await core.invoke('photos:search', { text: 'harbour', includeMissing: false, limit: 1, offset: 0 })).results;
    expect(harbour).toMatchObject({ id: photoId, path: captioned });
    expect((await core.invoke('photos:search', { text: '2024', folderId: parent.id, includeMissing: false, limit: 5, offset: 0 })).total).toBe(1);
  });
});
