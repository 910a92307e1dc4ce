import { join } from 'node:path';
import { ExifTool } from 'exiftool-vendored';
import { afterAll, describe, expect, it } from 'vitest';
import { addCaptions } from '../helpers/captions';
import { testCore } from '../helpers/core';
import { tempDir, writeJpeg } from '../helpers/files';

const exiftool = new ExifTool({ maxProcs: 1, taskRetries: 0 });
afterAll(() => exiftool.end());

const readXmp = async (path: string) =>
  (await exiftool.readRaw(path, { readArgs: ['-G1', '-XMP-dc:all'], useMWG: false })) as Record<string, unknown>;

describe('words a photographer typed that look like a camera stamp', () => {
  // Titles a person gives in Lightroom or digiKam: a fireworks burst, a product shot of a scanner,
  // a phone maker's building, a gallery's "Untitled 3". Cameras stamp such words only into EXIF
  // ImageDescription, never into XMP.
  const typed = [
    { name: 'fireworks.jpg', title: 'Burst', description: 'Camera' },
    { name: 'product.jpg', title: 'Scanner', description: 'Samsung' },
    { name: 'gallery.jpg', title: 'Untitled 3', description: '1984' },
  ];

  it('win under the default policy: a title and description in XMP are kept, not overwritten', async () => {
    const core = testCore();
    const dir = tempDir('captionist-typed-');
    for (const [seed, photo] of typed.entries()) {
      const path = await writeJpeg(join(dir, photo.name), { seed: seed + 20 });
      await exiftool.write(path!, { 'XMP-dc:Title': photo.title, 'XMP-dc:Description': photo.description } as never, {
        useMWG: false,
        writeArgs: ['-overwrite_original'],
      });
    }
    await core.invoke('library:index', { paths: [dir] });
    addCaptions(core, Object.fromEntries(typed.map((photo) => [join(dir, photo.name), { caption: 'A generated caption', title: 'Generated' }])));

    const result = await core.invoke('metadata:write', {});
    expect(result.failed, JSON.stringify(result.photos)).toBe(0);
    for (const photo of typed) {
      const xmp = await readXmp(join(dir, photo.name));
      // ExifTool reads "1984" back as a number.
      expect({ title: String(xmp['XMP-dc:Title']), description: String(xmp['XMP-dc:Description']) }, photo.name).toEqual({
        title: photo.title,
        description: photo.description,
      });
    }
  });
});
