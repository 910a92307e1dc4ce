import { createHash } from 'node:crypto';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ExifTool } from 'exiftool-vendored';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { testCore } from '../helpers/core';
import { addCaptions, queryLibrary } from '../helpers/captions';
import { samplesDir, tempDir } from '../helpers/files';

/** An ExifTool of the test's own, without Captionist's config: what any other program sees. */
const exiftool = new ExifTool({ maxProcs: 2, taskRetries: 0 });
afterAll(() => exiftool.end());

type Read = Record<string, unknown>;
const readGrouped = async (path: string): Promise<Read> =>
  (await exiftool.readRaw(path, { readArgs: ['-G1', '-a', '-api', 'StructFormat=JSONQ'], useMWG: false })) as Read;

/** Copies samples into a fresh library folder (fixtures stay read-only), indexes it, and returns the paths. */
async function library(names: Record<string, string>, extra?: (dir: string) => Promise<Record<string, string>>) {
  const core = testCore();
  const dir = tempDir('captionist-write-');
  const paths: Record<string, string> = {};
  for (const [sample, copy] of Object.entries(names)) {
    paths[copy] = join(dir, copy);
    copyFileSync(join(samplesDir, sample), paths[copy]);
  }
  Object.assign(paths, await extra?.(dir));
  const indexed = await core.index([dir]);
  expect(indexed.added, JSON.stringify(indexed.errors)).toBe(Object.keys(paths).filter((name) => !name.endsWith('.xmp')).length);
  return { core, dir, paths };
}

/** Decoded pixels, for proving metadata writes never re-encode the image. */
async function pixels(path: string): Promise<string> {
  const { data, info } = await sharp(path).raw().toBuffer({ resolveWithObject: true });
  return `${info.width}x${info.height}x${info.channels}:${createHash('sha256').update(data).digest('hex')}`;
}

const unicode = {
  title: 'Kyōto 京都の朝 🌅',
  caption: 'Morning mist over the Kamo river in Kyōto — 鴨川の朝霧, with herons 🐦 waiting on the weir.',
  altText: 'Mist over a river at dawn, herons standing on a low weir.',
  longDescription: 'A wide view of the Kamo river at dawn. 長い説明。',
  keywords: ['Kyōto', '京都', 'river', 'Smith, John', 'Places|Japan|Kyōto', 'heron 🐦'],
};

describe('writing captions into photos', () => {
  it('embeds every field in JPEG, TIFF, DNG, PNG, WebP and HEIC, reads it back, and never re-encodes pixels', async () => {
    const { core, paths } = await library(
      {
        'Canon.jpg': 'canon.jpg',
        'DNG.dng': 'dng.dng',
        'PNG.png': 'png.png',
        'RIFF.webp': 'riff.webp',
        'QuickTime.heic': 'quicktime.heic',
      },
      // The TIFF sample holds a caption already; this one is a camera-style TIFF without one.
      async (dir) => {
        const tiff = join(dir, 'exiftool.tif');
        await sharp(join(samplesDir, 'Canon.jpg')).tiff().toFile(tiff);
        return { 'exiftool.tif': tiff };
      },
    );
    addCaptions(core, Object.fromEntries(Object.values(paths).map((path) => [path, unicode])));
    const decodable = ['canon.jpg', 'exiftool.tif', 'png.png', 'riff.webp'];
    const before = Object.fromEntries(await Promise.all(decodable.map(async (name) => [name, await pixels(paths[name]!)] as const)));
    const hashBefore = Object.fromEntries(
      await Promise.all(['dng.dng', 'quicktime.heic'].map(async (name) => [name, (await exiftool.read(paths[name]!, { imageHashType: 'SHA256' })).ImageDataHash] as const)),
    );

    const result = await core.writeMetadata({});
    expect(result.failed, JSON.stringify(result.photos.filter((photo) => photo.status === 'failed'))).toBe(0);
    expect(result).toMatchObject({ total: 6, written: 6, dryRun: false });

    for (const [name, path] of Object.entries(paths)) {
      const tags = await readGrouped(path);
      expect(tags['XMP-dc:Description'], name).toBe(unicode.caption);
      expect(tags['XMP-dc:Title'], name).toBe(unicode.title);
      // The WebP sample has a keyword of its own: keywords merge, the file's first.
      const own = name === 'riff.webp' ? ['test'] : [];
      expect(tags['XMP-dc:Subject'], name).toEqual([...own, 'Kyōto', '京都', 'river', 'Smith, John', 'heron 🐦']);
      expect(tags['XMP-lr:HierarchicalSubject'], name).toBe('Places|Japan|Kyōto');
      expect(tags['XMP-iptcCore:AltTextAccessibility'], name).toBe(unicode.altText);
      expect(tags['XMP-iptcCore:ExtDescrAccessibility'], name).toBe(unicode.longDescription);
      expect(tags['XMP-photoshop:CaptionWriter'], name).toBe('Captionist (local / vision-test-1)');
      expect(tags['IFD0:ImageDescription'], name).toBe(unicode.caption);
      // Captionist's namespace, readable by an ExifTool that has never heard of it.
      expect(tags, name).toMatchObject({
        'XMP-captionist:Provider': 'local',
        'XMP-captionist:Model': 'vision-test-1',
        'XMP-captionist:Date': '2026:11:21 09:30:00Z',
        'XMP-captionist:Reviewed': 'False',
      });
      expect(existsSync(`${path}_original`), name).toBe(false);
      const iim = ['canon.jpg', 'exiftool.tif', 'dng.dng'].includes(name);
      if (iim) {
        expect(tags, name).toMatchObject({
          'IPTC:Caption-Abstract': unicode.caption,
          'IPTC:ObjectName': unicode.title,
          'IPTC:Keywords': ['Kyōto', '京都', 'river', 'Smith, John', 'heron 🐦'],
          'IPTC:CodedCharacterSet': 'UTF8',
          // "Captionist (local / vision-test-1)" is over IIM's 32 bytes.
          'IPTC:Writer-Editor': 'Captionist',
        });
        expect(tags['Photoshop:IPTCDigest'], name).toMatch(/^[0-9a-f]{32}$/);
        // The digest matches the IIM now in the file, so MWG readers trust XMP. (In TIFF-based files
        // ExifTool's digest and its own re-reading can differ by a padding byte; the copies agree anyway.)
        if (name === 'canon.jpg') expect(tags['Photoshop:IPTCDigest'], name).toBe(tags['File:CurrentIPTCDigest']);
      } else {
        expect(Object.keys(tags).some((key) => key.startsWith('IPTC:')), name).toBe(false);
      }
    }
    for (const name of decodable) expect(await pixels(paths[name]!), name).toBe(before[name]);
    for (const name of ['dng.dng', 'quicktime.heic']) {
      expect((await exiftool.read(paths[name]!, { imageHashType: 'SHA256' })).ImageDataHash, name).toBe(hashBefore[name]);
    }

    const statuses = queryLibrary<{ status: string }>(core, 'SELECT status FROM captions');
    expect(statuses.every((row) => row.status === 'written')).toBe(true);
    // The library follows the rewritten files: re-indexing finds nothing changed, search finds the text.
    expect(await core.index([])).toMatchObject({ updated: 0, added: 0 });
    expect((await core.writeMetadata({})).total).toBe(0);
  });
});
