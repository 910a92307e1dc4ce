import { statSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { calls } from '../../src/shared/contract';
import type { EventName } from '../../src/shared/contract';
import type { PhotoDetail } from '../../src/shared/review';
import type { CaptionEdit } from '../../src/shared/review';
import { environmentSecrets } from '../../src/main/base/secrets';
import { testCore } from '../helpers/core';
import type { TestCore } from '../helpers/core';
import { tempDir, writeJpeg } from '../helpers/files';
import { visionServer } from '../helpers/vision-server';

const apiKey = 'sk-review-5d2c8e1f';

interface Events {
  names: EventName[];
  changedFolders: number[][];
}

function reviewCore(): { core: TestCore; events: Events } {
  const events: Events = { names: [], changedFolders: [] };
  const core = testCore({
    secrets: environmentSecrets({ REVIEW_KEY: apiKey }),
    emit: (name, payload) => {
      events.names.push(name);
      if (name === 'library:changed') events.changedFolders.push((payload as { folderIds: number[] }).folderIds);
    },
  });
  return { core, events };
}

async function addVision(core: TestCore): Promise<void> {
  const server = await visionServer({ apiKey });
  await core.invoke('providers:save', {
    name: 'vision',
    type: 'openai-compatible',
    preset: 'inference-net',
    baseUrl: `${server.url}/v1`,
    apiKeyEnv: 'REVIEW_KEY',
    model: 'vision-review-1',
    pricing: { perMillionInputTokensUsd: 1, perMillionOutputTokensUsd: 2 },
  });
}

/** A folder of photos; the first carries a caption, title and keywords of the photographer's own. */
async function photoFolder(names: string[]): Promise<{ root: string; paths: string[] }> {
  const root = tempDir('captionist-review-');
  const paths = await Promise.all(
    names.map((name, index) =>
      writeJpeg(join(root, name), {
        seed: index + 3,
        exif:
          index === 0
            ? {
                IFD0: { ImageDescription: 'A red fox in snow', Make: 'Canon', Model: 'Canon EOS R5' },
                IFD2: { DateTimeOriginal: '2024:01:15 08:30:00' },
              }
            : undefined,
      }),
    ),
  );
  return { root, paths };
}

async function photoId(core: TestCore, fileName: string): Promise<number> {
  const found = await core.invoke('photos:search', { text: `"${fileName}"` });
  const hit = found.results.find((result) => result.fileName === fileName);
  if (!hit) throw new Error(`${fileName} is not in the library`);
  return hit.id;
}

/** The fields a search hit and a photo's detail share must say the same thing. */
async function expectAgreesWithSearch(core: TestCore, detail: PhotoDetail): Promise<void> {
  const found = await core.invoke('photos:search', { text: `"${detail.fileName}"` });
  // What only a search has (where the text matched, how well, by what) is not the photo's.
  const { snippet: _snippet, score: _score, matchedBy: _matchedBy, ...hit } = found.results.find((result) => result.id === detail.id)!;
  expect(detail).toMatchObject(hit);
}

const edit: CaptionEdit = {
  title: 'Lighthouse at dusk',
  caption: 'A lighthouse stands on the headland as the sun goes down.',
  altText: 'A white lighthouse on a rocky headland at dusk.',
  longDescription: null,
  keywords: ['lighthouse', 'dusk', 'Lighthouse', 'headland'],
};

describe('reviewing captions', () => {
  it('shows a photo as search does: its camera, the text embedded in the file, then its caption history', async () => {
    const { core } = reviewCore();
    const { root, paths } = await photoFolder(['fox.jpg']);
    await core.invoke('library:index', { paths: [root] });
    const id = await photoId(core, 'fox.jpg');

    const before = calls['photos:get'].output.parse(await core.invoke('photos:get', { id }));
    expect(before).toMatchObject({
      id,
      folderId: (await core.invoke('library:listFolders', {}))[0]!.id,
      path: paths[0],
      fileSize: statSync(paths[0]!).size,
      cameraMake: 'Canon',
      // As indexed: the make is not repeated in the model.
      cameraModel: 'EOS R5',
      capturedAt: expect.stringMatching(/^2024-01-15T08:30/),
      caption: 'A red fox in snow',
      captionStatus: null,
      embedded: { caption: 'A red fox in snow', keywords: [] },
      versions: [],
    });
    await expectAgreesWithSearch(core, before);

    await addVision(core);
    await core.invoke('captions:generate', { provider: 'vision', paths: [], options: { focus: 'the animal' }, force: false });
    const after = calls['photos:get'].output.parse(await core.invoke('photos:get', { id }));
    expect(after.versions).toHaveLength(1);
    const [generated] = after.versions;
    expect(generated).toMatchObject({
      version: 1,
      source: 'generated',
      status: 'draft',
      provider: 'vision',
      model: 'vision-review-1',
      options: { focus: 'the animal', detail: 'medium' },
    });
    expect(generated!.costUsd).toBeGreaterThan(0);
    expect(after).toMatchObject({
      caption: generated!.caption,
      title: generated!.title,
      altText: generated!.altText,
      keywords: generated!.keywords,
      captionStatus: 'draft',
      // The file's own words stay visible beside ours.
      embedded: { caption: 'A red fox in snow' },
    });
    await expectAgreesWithSearch(core, after);
  });

  it('stores an edit as a new approved version that search finds at once, without piling up identical ones', async () => {
    const { core, events } = reviewCore();
    const { root } = await photoFolder(['fox.jpg', 'bay.jpg']);
    await core.invoke('library:index', { paths: [root] });
    await addVision(core);
    await core.invoke('captions:generate', { provider: 'vision', paths: [], options: {}, force: false });
    const id = await photoId(core, 'fox.jpg');
    const folderId = (await core.invoke('photos:get', { id })).folderId;
    const generated = (await core.invoke('photos:get', { id })).versions[0]!;

    // Saving the generated text unchanged approves it, and adds no version.
    const unchanged = await core.invoke('captions:edit', {
      photoId: id,
      // The whole version goes in: the schema keeps the fields and drops the rest.
      fields: { ...generated, title: `  ${generated.title ?? ''}  `, longDescription: '' } as never,
    });
    expect(unchanged.versions.map((version) => [version.version, version.status])).toEqual([[1, 'approved']]);

    events.changedFolders.length = 0;
    const edited = calls['captions:edit'].output.parse(await core.invoke('captions:edit', { photoId: id, fields: edit }));
    expect(events.changedFolders).toEqual([[folderId]]);
    expect(edited.versions.map((version) => version.version)).toEqual([2, 1]);
    expect(edited.versions[0]).toMatchObject({
      source: 'edited',
      status: 'approved',
      provider: null,
      model: null,
      options: {},
      costUsd: null,
      title: 'Lighthouse at dusk',
      // Keywords are kept once, whatever their case.
      keywords: ['lighthouse', 'dusk', 'headland'],
    });
    expect(edited).toMatchObject({ caption: edit.caption, altText: edit.altText, captionStatus: 'approved' });
    await expectAgreesWithSearch(core, edited);

    const found = await core.invoke('photos:search', { text: 'lighthouse' });
    expect(found.results.map((hit) => hit.id)).toEqual([id]);
    const approved = await core.invoke('photos:search', { text: '', captionStatus: 'approved' });
    expect(approved.results.map((hit) => hit.id)).toEqual([id]);
    // The generated words left the search with the version they belonged to.
    expect((await core.invoke('photos:search', { text: `"${generated.caption}"` })).results.map((hit) => hit.id)).not.toContain(id);

    const again = await core.invoke('captions:edit', { photoId: id, fields: edit });
    expect(again.versions).toHaveLength(2);

    // Without a title or keywords of its own, the photo reads as search lists it.
    const bare = await core.invoke('captions:edit', { photoId: id, fields: { ...edit, title: null, keywords: [] } });
    expect(bare.versions[0]).toMatchObject({ title: null, keywords: [] });
    await expectAgreesWithSearch(core, bare);
  });

  it('approves the newest caption of many photos at once and sends them back to draft, leaving written ones alone', async () => {
    const { core, events } = reviewCore();
    const { root, paths } = await photoFolder(['a.jpg', 'b.jpg', 'c.jpg', 'd.jpg']);
    await core.invoke('library:index', { paths: [root] });
    await addVision(core);
    // d.jpg stays without a caption of ours.
    await core.invoke('captions:generate', { provider: 'vision', paths: paths.slice(0, 3), options: {}, force: false });
    const [a, b, c, d] = await Promise.all(['a.jpg', 'b.jpg', 'c.jpg', 'd.jpg'].map((name) => photoId(core, name)));
    const folderId = (await core.invoke('library:listFolders', {}))[0]!.id;
    // c.jpg's caption goes into the file: written, which approving or not no longer changes.
    await core.invoke('metadata:write', { paths: [paths[2]!] });
    expect((await core.invoke('photos:get', { id: c! })).captionStatus).toBe('written');

    const unknownIds = Array.from({ length: 9_990 }, (_, index) => 1_000_000 + index);
    events.changedFolders.length = 0;
    const result = await core.invoke('captions:approve', { photoIds: [a!, b!, c!, d!, ...unknownIds] });
    expect(result).toEqual({ count: 2 });
    expect(events.changedFolders).toEqual([[folderId]]);
    expect(await core.invoke('captions:approve', { photoIds: [a!, b!], approved: true })).toEqual({ count: 0 });

    const approved = await core.invoke('photos:search', { text: '', captionStatus: 'approved' });
    expect(approved.results.map((hit) => hit.fileName).sort()).toEqual(['a.jpg', 'b.jpg']);
    expect((await core.invoke('photos:get', { id: a! })).versions[0]!.status).toBe('approved');

    expect(await core.invoke('captions:approve', { photoIds: [a!, c!], approved: false })).toEqual({ count: 1 });
    const drafts = await core.invoke('photos:search', { text: '', captionStatus: 'draft' });
    expect(drafts.results.map((hit) => hit.fileName)).toEqual(['a.jpg']);
    expect((await core.invoke('photos:get', { id: c! })).captionStatus).toBe('written');

    // Photos without a caption of ours have nothing to approve, and nothing changed is announced.
    events.changedFolders.length = 0;
    expect(await core.invoke('captions:approve', { photoIds: [d!] })).toEqual({ count: 0 });
    expect(events.changedFolders).toEqual([]);
  });

  it('refuses bad input with a clear message and changes nothing', async () => {
    const { core } = reviewCore();
    const { root } = await photoFolder(['fox.jpg']);
    await core.invoke('library:index', { paths: [root] });
    const id = await photoId(core, 'fox.jpg');

    await expect(core.invoke('photos:get', { id: 424242 })).rejects.toThrow('No photo with id 424242.');
    await expect(core.invoke('photos:get', { id: 'one' } as never)).rejects.toThrow(/^Invalid id: /);
    await expect(core.invoke('captions:edit', { photoId: 424242, fields: edit })).rejects.toThrow('No photo with id 424242.');
    await expect(core.invoke('captions:edit', { photoId: id, fields: { ...edit, caption: '   ' } })).rejects.toThrow(
      'Invalid fields.caption: a caption cannot be empty',
    );
    await expect(core.invoke('captions:edit', { photoId: id, fields: { ...edit, altText: '' } })).rejects.toThrow(
      'Invalid fields.altText: alt text cannot be empty',
    );
    const tooMany = Array.from({ length: 31 }, (_, index) => `keyword${index}`);
    await expect(core.invoke('captions:edit', { photoId: id, fields: { ...edit, keywords: tooMany } })).rejects.toThrow(
      /^Invalid fields\.keywords: /,
    );
    await expect(core.invoke('captions:edit', { photoId: id, fields: { ...edit, altText: 'x'.repeat(121) } })).rejects.toThrow(
      /^Invalid fields\.altText: /,
    );
    await expect(core.invoke('captions:approve', { photoIds: [] })).rejects.toThrow(/^Invalid photoIds: /);
    await expect(
      core.invoke('captions:approve', { photoIds: Array.from({ length: 10_001 }, (_, index) => index) }),
    ).rejects.toThrow(/^Invalid photoIds: /);
    expect(await core.invoke('captions:approve', { photoIds: [id, 424242] })).toEqual({ count: 0 });

    const detail = await core.invoke('photos:get', { id });
    expect(detail.versions).toEqual([]);
    expect(detail.caption).toBe('A red fox in snow');
  });

  it('serves a preview made from a real photo, and nothing for names that are not fingerprints', async () => {
    const { core } = reviewCore();
    const { root } = await photoFolder(['fox.jpg']);
    await core.invoke('library:index', { paths: [root] });
    const { fingerprint } = await core.invoke('photos:get', { id: await photoId(core, 'fox.jpg') });

    const preview = await core.invoke('media:file', { kind: 'preview', fingerprint: fingerprint });
    expect(preview).not.toBeNull();
    const metadata = await sharp(preview!).metadata();
    expect(metadata.format).toBe('jpeg');
    expect(metadata.width).toBe(320);

    for (const name of ['../etc/passwd', 'ABC', '', `${fingerprint}/../x`]) {
      expect(await core.invoke('media:file', { kind: 'preview', fingerprint: name })).toBeNull();
      expect(await core.invoke('media:file', { kind: 'thumb', fingerprint: name })).toBeNull();
    }
    const unknown = fingerprint.replace(/^./, (first) => (first === '0' ? '1' : '0'));
    expect(await core.invoke('media:file', { kind: 'preview', fingerprint: unknown })).toBeNull();
  });
});
