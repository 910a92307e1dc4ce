import { ExifTool } from 'exiftool-vendored';
import { copyFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { derivativesOf, testCore } from '../helpers/core';
import { samplesDir, tempDir, writeJpeg } from '../helpers/files';

const exiftool = new ExifTool({ maxProcs: 1 });
afterAll(() => exiftool.end());

const xmp = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq><rdf:li>Ana Photographer</rdf:li></rdf:Seq></dc:creator></rdf:Description>
</rdf:RDF></x:xmpmeta>`;

async function indexedPhoto(width: number, height: number, orientation = '1') {
  const library = tempDir();
  const core = testCore();
  const path = join(library, 'portrait.jpg');
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 2654435761) >>> 24; // noise: incompressible
  await sharp(pixels, { raw: { width, height, channels: 3 } })
    .withExif({
      IFD0: { Make: 'TestCam', Model: 'T1' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 0/1', GPSLongitudeRef: 'W', GPSLongitude: '0/1 7/1 0/1' },
    })
    .withXmp(xmp)
    .withMetadata({ orientation: Number(orientation) })
    .jpeg({ quality: 95 })
    .toFile(path);
  const original = (await exiftool.read(path)) as Record<string, unknown>;
  expect(original).toMatchObject({ Orientation: Number(orientation), Make: 'TestCam', Creator: ['Ana Photographer'] });
  expect(original.GPSLatitude).toBeCloseTo(51.5);
  await core.invoke('library:index', { paths: [library] });
  const photo = (await core.invoke('photos:search', { text: '', includeMissing: false, limit: 1, offset: 0 })).results[0]!;
  return { core, path, photo };
}

describe('derivatives', () => {
  it('makes upright thumbnails, applying the EXIF orientation', async () => {
    const { core, photo } = await indexedPhoto(600, 400, '6');
    const thumbnail = await sharp(derivativesOf(core).thumbnailPath(photo.fingerprint)).metadata();
    expect([thumbnail.width, thumbnail.height]).toEqual([256, 384]);
  });

  it('makes a caption-ready JPEG within the size and byte budget, with no metadata at all', async () => {
    const { core, path, photo } = await indexedPhoto(3000, 2000, '6');
    const file = await derivativesOf(core).captionImage(path, photo.fingerprint);
    const info = await sharp(file).metadata();
    expect(info.format).toBe('jpeg');
    expect([info.width, info.height]).toEqual([683, 1024]);
    expect(statSync(file).size).toBeLessThanOrEqual(1_000_000);

    const tags = (await exiftool.read(file)) as Record<string, unknown>;
    for (const tag of ['GPSLatitude', 'GPSLongitude', 'Make', 'Model', 'Orientation', 'Creator']) {
      expect(tags[tag], tag).toBeUndefined();
    }
    expect(info.exif).toBeUndefined();
    expect(info.xmp).toBeUndefined();
    expect(info.iptc).toBeUndefined();

    const small = await derivativesOf(core).captionImage(path, photo.fingerprint, { longEdge: 800, maxBytes: 60_000 });
    expect(statSync(small).size).toBeLessThanOrEqual(60_000);
    expect(Math.max((await sharp(small).metadata()).height!, 0)).toBeLessThanOrEqual(800);

    // Cached by fingerprint: asking again returns the same file untouched.
    const before = statSync(file).mtimeMs;
    expect(await derivativesOf(core).captionImage(path, photo.fingerprint)).toBe(file);
    expect(statSync(file).mtimeMs).toBe(before);
  });

  it('never touches the original', async () => {
    const library = tempDir();
    const core = testCore();
    const path = await writeJpeg(join(library, 'a.jpg'), { exif: { IFD0: { Make: 'TestCam' } } });
    const before = statSync(path);
    const bytes = await sharp(path).raw().toBuffer();
    await core.invoke('library:index', { paths: [library] });
    const photo = (await core.invoke('photos:search', { text: '', includeMissing: false, limit: 1, offset: 0 })).results[0]!;
    await derivativesOf(core).captionImage(path, photo.fingerprint);
    expect(statSync(path).mtimeMs).toBe(before.mtimeMs);
    expect(statSync(path).size).toBe(before.size);
    expect((await sharp(path).raw().toBuffer()).equals(bytes)).toBe(true);
  });
});

describe('RAW files', () => {
  it('take their pixels from the largest embedded preview, turned by the RAW orientation', async () => {
    const library = tempDir();
    const core = testCore();
    const raw = join(library, 'DSC_0001.NEF');
    const preview = join(library, '..', `preview-${Date.now()}.jpg`);
    copyFileSync(join(samplesDir, 'Nikon.nef'), raw);
    await sharp({ create: { width: 600, height: 400, channels: 3, background: '#c33' } }).jpeg().toFile(preview);
    // A NEF repeats Orientation in IFD0 and its SubIFDs; a camera writes the same value in each.
    const orientation = ['IFD0', 'SubIFD', 'SubIFD1'].map((group) => `-${group}:Orientation#=6`);
    await exiftool.write(raw, {}, { writeArgs: [`-JpgFromRaw<=${preview}`, ...orientation, '-overwrite_original'] });
    rmSync(preview);
    expect(await exiftool.read(raw)).toMatchObject({ Orientation: 6 });

    const result = await core.invoke('library:index', { paths: [library] });
    expect(result).toMatchObject({ added: 1, errors: [] });
    const photo = (await core.invoke('photos:search', { text: 'DSC', includeMissing: false, limit: 1, offset: 0 })).results[0]!;
    expect(photo).toMatchObject({ fileType: 'NEF', hasThumbnail: true, caption: 'A caption' });
    const thumbnail = await sharp(derivativesOf(core).thumbnailPath(photo.fingerprint)).metadata();
    expect([thumbnail.width, thumbnail.height]).toEqual([256, 384]);

    const captionReady = await sharp(await derivativesOf(core).captionImage(raw, photo.fingerprint)).metadata();
    expect([captionReady.width, captionReady.height]).toEqual([400, 600]);
  });
});
