import { join } from 'node:path';
import { ExifTool } from 'exiftool-vendored';
import { afterAll, describe, expect, it } from 'vitest';
import { addCaptions } from '../helpers/captions';
import { testCore } from '../helpers/core';
import { tempDir, writeJpeg } from '../helpers/files';

const exiftool = new ExifTool({ maxProcs: 1, taskRetries: 0 });
afterAll(() => exiftool.end());

const read = async (path: string) =>
  (await exiftool.readRaw(path, { readArgs: ['-G1', '-XMP-dc:all', '-IFD0:ImageDescription', '-IPTC:all'], useMWG: false })) as Record<string, unknown>;

/** Writes tags as other programs left them, MWG off so each copy is exactly the one named. */
const stamp = (path: string, tags: Record<string, string>) =>
  exiftool.write(path, tags as never, { useMWG: false, writeArgs: ['-overwrite_original'] });

describe('camera and software placeholders', () => {
  it('count as empty when indexing and under the skip policy, while words a person wrote still win', async () => {
    const core = testCore();
    const dir = tempDir('captionist-placeholders-');
    const junk = await writeJpeg(join(dir, 'P1010001.JPG'), { seed: 3 });
    const person = await writeJpeg(join(dir, 'lake.jpg'), { seed: 4 });
    // A broken writer's lang-alt in XMP, the camera's stamp in EXIF, and the file's name as its title.
    await stamp(junk, { 'XMP-dc:Description': 'x-default', 'IFD0:ImageDescription': 'OLYMPUS DIGITAL CAMERA', 'IPTC:ObjectName': 'P1010001' });
    await stamp(person, { 'XMP-dc:Description': 'Sony DSC-RX100 at the lake', 'IFD0:ImageDescription': 'SONY DSC' });
    await core.invoke('library:index', { paths: [dir] });
    const ids = addCaptions(core, {
      [junk]: { caption: 'A heron on the weir', title: 'Heron' },
      [person]: { caption: 'A lake at dawn', title: 'Lake' },
    });

    const junkDetail = await core.invoke('photos:get', { id: ids.get(junk)! });
    expect(junkDetail.embedded).toMatchObject({ caption: null, title: null });
    const personDetail = await core.invoke('photos:get', { id: ids.get(person)! });
    expect(personDetail.embedded.caption).toBe('Sony DSC-RX100 at the lake');

    const result = await core.invoke('metadata:write', {});
    expect(result.failed, JSON.stringify(result.photos)).toBe(0);
    const byPath = (path: string) => result.photos.find((photo) => photo.path === path)!;
    expect(byPath(junk).changes.find((change) => change.field === 'caption')).toMatchObject({ action: 'set', before: null });
    expect(byPath(junk).changes.find((change) => change.field === 'title')).toMatchObject({ action: 'set', before: null });
    expect(await read(junk)).toMatchObject({
      'XMP-dc:Description': 'A heron on the weir',
      'IFD0:ImageDescription': 'A heron on the weir',
      'IPTC:Caption-Abstract': 'A heron on the weir',
      'XMP-dc:Title': 'Heron',
      'IPTC:ObjectName': 'Heron',
    });
    expect(byPath(person).changes.find((change) => change.field === 'caption')).toMatchObject({ action: 'kept' });
    expect((await read(person))['XMP-dc:Description']).toBe('Sony DSC-RX100 at the lake');

    // Revert gives the file its placeholders back exactly: they were the file's, however useless.
    expect(await core.invoke('metadata:revert', { paths: [junk] })).toMatchObject({ reverted: 1, failed: 0 });
    expect(await read(junk)).toMatchObject({ 'XMP-dc:Description': 'x-default', 'IFD0:ImageDescription': 'OLYMPUS DIGITAL CAMERA' });
  });
});
