import { createHash } from 'node:crypto';
import {
  appendFileSync,
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { ExifTool } from 'exiftool-vendored';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { testCore } from '../helpers/core';
import { addCaptions, queryLibrary } from '../helpers/captions';
import { samplesDir, tempDir } from '../helpers/files';

/**
 * An ExifTool of the test's own, without Captionist's config: what any other program sees. MWG
 * stays off in every call: once loaded, it stays in the process and changes how later reads split
 * values such as EXIF:Artist.
 */
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
    mkdirSync(dirname(paths[copy]), { recursive: true });
    copyFileSync(join(samplesDir, sample), paths[copy]);
  }
  Object.assign(paths, await extra?.(dir));
  const indexed = await core.invoke('library:index', { paths: [dir] });
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
      await Promise.all(['dng.dng', 'quicktime.heic'].map(async (name) => [name, (await exiftool.read(paths[name]!, { imageHashType: 'SHA256', useMWG: false })).ImageDataHash] as const)),
    );

    const result = await core.invoke('metadata:write', {});
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
      expect((await exiftool.read(paths[name]!, { imageHashType: 'SHA256', useMWG: false })).ImageDataHash, name).toBe(hashBefore[name]);
    }

    const statuses = queryLibrary<{ status: string }>(core, 'SELECT status FROM captions');
    expect(statuses.every((row) => row.status === 'written')).toBe(true);
    // The library follows the rewritten files: re-indexing finds nothing changed, search finds the text.
    expect(await core.invoke('library:index', { paths: [] })).toMatchObject({ updated: 0, added: 0 });
    expect((await core.invoke('metadata:write', {})).total).toBe(0);
  });
});

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** A sidecar as Lightroom Classic writes it: develop settings, rating, label, and whose sidecar it is. */
const lightroomSidecar = `<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Adobe XMP Core 7.0-c000 1.000000, 0000/00/00-00:00:00        ">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
    xmlns:crs="http://ns.adobe.com/camera-raw-settings/1.0/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
   xmp:Rating="4"
   xmp:Label="Green"
   photoshop:SidecarForExtension="NEF"
   crs:Version="15.0"
   crs:Exposure2012="+0.35"
   crs:WhiteBalance="As Shot"
   crs:HasSettings="True">
   <dc:subject>
    <rdf:Bag>
     <rdf:li>harbour</rdf:li>
    </rdf:Bag>
   </dc:subject>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
`;

describe('sidecars for RAW files', () => {
  it('writes BASENAME.xmp beside CR2, CR3, NEF, RAF and RW2, never touching the RAW, and merges into a Lightroom sidecar', async () => {
    const { core, dir, paths } = await library(
      {
        'CanonRaw.cr2': 'IMG_0001.CR2',
        'CanonRaw.cr3': 'IMG_0002.CR3',
        'FujiFilm.raf': 'DSCF0003.RAF',
        'Panasonic.rw2': 'P1000004.RW2',
        'Nikon.nef': 'DSC_0005.NEF',
      },
      async (folder) => {
        writeFileSync(join(folder, 'DSC_0005.xmp'), lightroomSidecar);
        return { 'DSC_0005.xmp': join(folder, 'DSC_0005.xmp') };
      },
    );
    const raws = Object.entries(paths).filter(([name]) => !name.endsWith('.xmp'));
    addCaptions(core, Object.fromEntries(raws.map(([, path]) => [path, { ...unicode, status: 'approved' as const }])));
    const rawHashes = Object.fromEntries(raws.map(([name, path]) => [name, sha(path)]));

    const result = await core.invoke('metadata:write', {});
    expect(result.failed, JSON.stringify(result.photos)).toBe(0);
    expect(result.written).toBe(5);
    for (const [name, path] of raws) {
      expect(sha(path), name).toBe(rawHashes[name]);
      const sidecar = join(dir, `${name.replace(/\.[^.]+$/, '')}.xmp`);
      expect(result.photos.find((photo) => photo.path === path)).toMatchObject({ target: sidecar, targetKind: 'sidecar', status: 'written' });
      const tags = await readGrouped(sidecar);
      expect(tags, name).toMatchObject({
        'XMP-dc:Description': unicode.caption,
        'XMP-dc:Title': unicode.title,
        'XMP-iptcCore:AltTextAccessibility': unicode.altText,
        'XMP-captionist:Reviewed': 'True',
        'XMP-photoshop:SidecarForExtension': name.split('.')[1],
      });
      // A sidecar holds XMP only: no camera EXIF copied into it.
      expect(Object.keys(tags).some((key) => key.startsWith('IFD0:') || key.startsWith('IPTC:')), name).toBe(false);
    }
    const lightroom = await readGrouped(join(dir, 'DSC_0005.xmp'));
    expect(lightroom).toMatchObject({
      'XMP-crs:Exposure2012': '+0.35',
      'XMP-crs:WhiteBalance': 'As Shot',
      'XMP-crs:HasSettings': 'True',
      'XMP-xmp:Rating': '4',
      'XMP-xmp:Label': 'Green',
      'XMP-photoshop:SidecarForExtension': 'NEF',
      'XMP-dc:Subject': ['harbour', 'Kyōto', '京都', 'river', 'Smith, John', 'heron 🐦'],
    });

    // Revert: the Lightroom sidecar gets back exactly what it had; the sidecars Captionist made go.
    const reverted = await core.invoke('metadata:revert', {});
    expect(reverted).toMatchObject({ total: 5, reverted: 5, failed: 0 });
    const restored = await readGrouped(join(dir, 'DSC_0005.xmp'));
    expect(restored).toMatchObject({ 'XMP-crs:Exposure2012': '+0.35', 'XMP-xmp:Rating': '4', 'XMP-dc:Subject': 'harbour' });
    expect(restored['XMP-dc:Description']).toBeUndefined();
    expect(restored['XMP-captionist:Provider']).toBeUndefined();
    for (const name of ['IMG_0001.xmp', 'IMG_0002.xmp', 'DSCF0003.xmp', 'P1000004.xmp']) expect(existsSync(join(dir, name)), name).toBe(false);
    expect(queryLibrary<{ status: string }>(core, 'SELECT status FROM captions').map((row) => row.status)).toEqual(Array(5).fill('approved'));
  });

  it('reports a sidecar two RAW files would share, follows a folder\'s BASENAME.EXT.xmp naming, and can leave originals alone', async () => {
    const { core, dir, paths } = await library(
      {
        'CanonRaw.cr2': 'IMG_1.CR2',
        'Nikon.nef': 'IMG_1.NEF',
        'FujiFilm.raf': 'darktable/DSCF1.RAF',
        'Panasonic.rw2': 'darktable/P1.RW2',
        'Canon.jpg': 'sidecar-only.jpg',
      },
      async (folder) => {
        // darktable's own sidecar for one RAW of this folder.
        const darktable = join(folder, 'darktable', 'DSCF1.RAF.xmp');
        writeFileSync(darktable, lightroomSidecar.replace(' photoshop:SidecarForExtension="NEF"', ''));
        return { 'darktable/DSCF1.RAF.xmp': darktable };
      },
    );
    delete paths['darktable/DSCF1.RAF.xmp'];
    addCaptions(core, Object.fromEntries(Object.values(paths).map((path) => [path, { caption: 'Harbour at dusk', keywords: ['harbour'] }])));
    const jpegBefore = sha(paths['sidecar-only.jpg']!);

    const result = await core.invoke('metadata:write', { paths: [dir], sidecar: 'always' });
    const byName = (name: string) => result.photos.find((photo) => photo.path === paths[name]);
    expect(byName('IMG_1.CR2')).toMatchObject({ status: 'written', target: join(dir, 'IMG_1.xmp') });
    expect(byName('IMG_1.NEF')).toMatchObject({ status: 'failed', message: expect.stringMatching(/IMG_1\.xmp belongs to IMG_1\.CR2/) });
    const shared = await readGrouped(join(dir, 'IMG_1.xmp'));
    expect(shared['XMP-photoshop:SidecarForExtension']).toBe('CR2');
    // darktable's folder already names sidecars IMG.EXT.xmp: the existing one is used, new ones follow.
    expect(byName('darktable/DSCF1.RAF')).toMatchObject({ status: 'written', target: join(dir, 'darktable', 'DSCF1.RAF.xmp') });
    expect(await readGrouped(join(dir, 'darktable', 'DSCF1.RAF.xmp'))).toMatchObject({
      'XMP-crs:Exposure2012': '+0.35',
      'XMP-dc:Description': 'Harbour at dusk',
    });
    expect(byName('darktable/P1.RW2')).toMatchObject({ status: 'written', target: join(dir, 'darktable', 'P1.RW2.xmp') });
    // Sidecar-only mode: the JPEG itself is untouched, its caption sits beside it.
    expect(byName('sidecar-only.jpg')).toMatchObject({ status: 'written', targetKind: 'sidecar', target: join(dir, 'sidecar-only.xmp') });
    expect(sha(paths['sidecar-only.jpg']!)).toBe(jpegBefore);
  });
});

describe('files that already hold metadata', () => {
  it('keeps human text by default, merges keywords, and keeps IPTC, XMP, Extended XMP, Photo Mechanic and FotoStation data', async () => {
    const samples = ['IPTC.jpg', 'XMP.jpg', 'ExtendedXMP.jpg', 'PhotoMechanic.jpg', 'FotoStation.jpg', 'MWG.jpg', 'ExifTool.tif', 'Olympus.jpg'];
    const { core, paths } = await library(Object.fromEntries(samples.map((name) => [name, name])));
    addCaptions(core, Object.fromEntries(Object.values(paths).map((path) => [path, { ...unicode, keywords: ['test', 'Harbour'] }])));
    const before = Object.fromEntries(await Promise.all(samples.map(async (name) => [name, await readGrouped(paths[name]!)] as const)));
    const pixelsBefore = Object.fromEntries(await Promise.all(samples.map(async (name) => [name, await pixels(paths[name]!)] as const)));

    const result = await core.invoke('metadata:write', {});
    expect(result.failed, JSON.stringify(result.photos.filter((photo) => photo.status === 'failed'))).toBe(0);

    for (const name of samples) {
      const after = await readGrouped(paths[name]!);
      expect(await pixels(paths[name]!), name).toBe(pixelsBefore[name]);
      const old = before[name]!;
      // FotoStation keeps its IIM in a trailer (IPTC2): that caption counts as the file's own too.
      const oldCaption = old['XMP-dc:Description'] ?? old['IPTC:Caption-Abstract'] ?? old['IPTC2:Caption-Abstract'] ?? old['IFD0:ImageDescription'];
      const change = result.photos.find((photo) => photo.path === paths[name])!.changes.find((c) => c.field === 'caption')!;
      if (oldCaption && name !== 'Olympus.jpg') {
        // Skip policy: the file's own caption stays, in every copy.
        expect(change, name).toMatchObject({ action: 'kept' });
        for (const key of ['XMP-dc:Description', 'IPTC:Caption-Abstract', 'IPTC2:Caption-Abstract', 'IFD0:ImageDescription']) expect(after[key], `${name} ${key}`).toEqual(old[key]);
      } else {
        // "OLYMPUS DIGITAL CAMERA" is the camera's stamp, not a caption: replaced.
        expect(change, name).toMatchObject({ action: 'set' });
        expect(after['XMP-dc:Description'], name).toBe(unicode.caption);
      }
      const oldKeywords = [
        ...new Set([...list(old['XMP-dc:Subject']), ...list(old['IPTC:Keywords']), ...list(old['IPTC2:Keywords'])].map((k) => k.toLowerCase())),
      ];
      const keywords = list(after['XMP-dc:Subject']);
      expect(keywords.map((k) => k.toLowerCase()), name).toEqual(expect.arrayContaining([...oldKeywords, 'harbour']));
      // Case-insensitive: a file's "Test" is not joined by our "test".
      expect(keywords.filter((k) => k.toLowerCase() === 'test').length, name).toBeLessThanOrEqual(1);
      // Everything else the file held is still there.
      for (const [key, value] of Object.entries(old)) {
        if (/^(File|System|ExifTool|Composite|MWG):|^(XMP-dc:Subject|XMP-dc:Title|XMP-dc:Description|IPTC2?:Keywords|IPTC:ObjectName|IPTC:Caption-Abstract|IFD0:ImageDescription|Photoshop:IPTCDigest|IPTC:CodedCharacterSet|IPTC:Writer-Editor|XMP-photoshop:CaptionWriter|XMP-x:XMPToolkit|IPTC:EnvelopeRecordVersion|IPTC:ApplicationRecordVersion)$/.test(key)) continue;
        if (/Offset|ByteCount/.test(key)) continue;
        if (/^(XMP-xmpNote:HasExtendedXMP|XMP-iptcCore:AltTextAccessibility|XMP-iptcCore:ExtDescrAccessibility|XMP-lr:HierarchicalSubject)$/.test(key)) continue;
        expect(after[key], `${name} ${key}`).toEqual(value);
      }
    }
    // What lived in the Extended XMP survives (ExifTool folds it into the main packet when it fits).
    const extended = await readGrouped(paths['ExtendedXMP.jpg']!);
    expect(before['ExtendedXMP.jpg']!['XMP-xmpNote:HasExtendedXMP']).toMatch(/^[0-9A-F]{32}$/);
    expect(extended).toMatchObject({ 'XMP-pdf:Author': 'PhilToo', 'XMP-pdf:Producer': 'Just ExifTool again' });
  });

  it('appends or replaces when told, shows exactly that in a dry run first, and reverts to the exact previous values', async () => {
    const { core, paths } = await library({ 'IPTC.jpg': 'iptc.jpg', 'Canon.jpg': 'canon.jpg' });
    const iptc = paths['iptc.jpg']!;
    const canon = paths['canon.jpg']!;
    addCaptions(core, {
      [iptc]: { caption: 'Harbour at dusk', title: 'Harbour', keywords: ['harbour', 'IPTC'] },
      [canon]: { caption: 'A boat', title: 'Boat', keywords: ['boat'] },
    });
    const hashes = { iptc: sha(iptc), canon: sha(canon) };
    const original = await readGrouped(iptc);

    const dry = await core.invoke('metadata:write', { dryRun: true, policies: { caption: 'append', title: 'replace' } });
    expect(dry).toMatchObject({ dryRun: true, written: 2, failed: 0 });
    expect(dry.photos[1]).toMatchObject({ path: iptc, status: 'would-write' });
    expect(dry.photos[1]!.changes).toEqual([
      { field: 'caption', action: 'append', before: 'A witty caption', after: 'A witty caption\n\nHarbour at dusk' },
      { field: 'title', action: 'replace', before: 'Test IPTC picture', after: 'Harbour' },
      { field: 'altText', action: 'set', before: null, after: 'Alt text' },
      { field: 'keywords', action: 'merge', before: ['ExifTool', 'Test', 'IPTC'], after: ['ExifTool', 'Test', 'IPTC', 'harbour'] },
    ]);
    expect({ iptc: sha(iptc), canon: sha(canon) }).toEqual(hashes);
    expect(queryLibrary(core, 'SELECT * FROM metadata_writes')).toEqual([]);

    const written = await core.invoke('metadata:write', { policies: { caption: 'append', title: 'replace' } });
    expect(written.photos.map((photo) => photo.changes)).toEqual(dry.photos.map((photo) => photo.changes));
    const tags = await readGrouped(iptc);
    expect(tags).toMatchObject({
      'XMP-dc:Description': 'A witty caption\n\nHarbour at dusk',
      'IPTC:Caption-Abstract': 'A witty caption\n\nHarbour at dusk',
      'XMP-dc:Title': 'Harbour',
      'IPTC:ObjectName': 'Harbour',
      'IPTC:Keywords': ['ExifTool', 'Test', 'IPTC', 'harbour'],
      'IPTC:City': 'Kingston',
    });
    // A second write of the same caption changes nothing: its own earlier text is recognised.
    const again = await core.invoke('metadata:write', { force: true, policies: { caption: 'append', title: 'replace' } });
    expect(again.photos.map((photo) => photo.status), JSON.stringify(again.photos)).toEqual(['unchanged', 'unchanged']);

    const reverted = await core.invoke('metadata:revert', { paths: [iptc, canon] });
    expect(reverted).toMatchObject({ reverted: 2, failed: 0 });
    const back = await readGrouped(iptc);
    for (const key of ['XMP-dc:Description', 'XMP-dc:Title', 'XMP-dc:Subject', 'IPTC:Caption-Abstract', 'IPTC:ObjectName', 'IPTC:Keywords', 'IPTC:Writer-Editor', 'IPTC:City', 'IFD0:ImageDescription']) {
      expect(back[key], key).toEqual(original[key]);
    }
    expect(back['XMP-captionist:Provider']).toBeUndefined();
    // Canon.jpg had no IIM at all: the block Captionist made is gone again.
    const canonBack = await readGrouped(canon);
    expect(Object.keys(canonBack).filter((key) => key.startsWith('IPTC:'))).toEqual([]);
    expect(canonBack['XMP-dc:Description']).toBeUndefined();
    expect(queryLibrary<{ status: string }>(core, 'SELECT status FROM captions').map((row) => row.status)).toEqual(['draft', 'draft']);
    expect(await core.invoke('library:index', { paths: [] })).toMatchObject({ updated: 0 });
  });
});

describe('bad input', () => {
  it('survives vanished, corrupt, changed and oddly captioned files, each with its own message, leaving originals intact', async () => {
    const { core, paths } = await library(
      {
        'Canon.jpg': 'vanished.jpg',
        'Nikon.jpg': 'corrupt.jpg',
        'Sony.jpg': 'changed.jpg',
        'Pentax.jpg': 'odd.jpg',
      },
      async (dir) => {
        // A whole-second time, so it can be put back exactly after the file is corrupted.
        utimesSync(join(dir, 'corrupt.jpg'), 1_700_000_000, 1_700_000_000);
        // IIM in Latin-1 without a charset marker, as older software wrote it.
        const latin1 = join(dir, 'latin1.jpg');
        copyFileSync(join(samplesDir, 'Kodak.jpg'), latin1);
        await exiftool.write(latin1, { 'IPTC:City': 'Zürich' } as never, { useMWG: false, writeArgs: ['-overwrite_original', '-charset', 'iptc=Latin'] });
        return { 'latin1.jpg': latin1 };
      },
    );
    addCaptions(core, {
      [paths['vanished.jpg']!]: {},
      [paths['corrupt.jpg']!]: {},
      [paths['changed.jpg']!]: {},
      [paths['odd.jpg']!]: {
        caption: `Bell\u0007 and\u0000 tab\there\r\nnext line ${'長'.repeat(700)}🐟 end`,
        title: `${'題'.repeat(21)}🐟🐟`,
        keywords: ['a|b||c', 'Smith, John', 'x'.repeat(70), `${'é'.repeat(32)}🐟`, ' '],
      },
      [paths['latin1.jpg']!]: { caption: '京都' },
    });
    rmSync(paths['vanished.jpg']!);
    // Corrupt after indexing, with size and time as they were: only ExifTool can notice.
    const corrupt = paths['corrupt.jpg']!;
    const fd = openSync(corrupt, 'r+');
    writeSync(fd, Buffer.alloc(16, 0), 0, 16, 0);
    closeSync(fd);
    utimesSync(corrupt, 1_700_000_000, 1_700_000_000);
    const corruptHash = sha(corrupt);
    appendFileSync(paths['changed.jpg']!, Buffer.from('more bytes'));
    const changedHash = sha(paths['changed.jpg']!);

    const result = await core.invoke('metadata:write', {});
    const byName = (name: string) => result.photos.find((photo) => photo.path === paths[name])!;
    expect(byName('vanished.jpg')).toMatchObject({ status: 'failed', message: expect.stringMatching(/gone since it was indexed/) });
    expect(byName('corrupt.jpg')).toMatchObject({ status: 'failed', message: expect.stringMatching(/^ExifTool could not safely write corrupt\.jpg/) });
    expect(sha(corrupt)).toBe(corruptHash);
    expect(byName('changed.jpg')).toMatchObject({ status: 'failed', message: expect.stringMatching(/changed since it was indexed/) });
    expect(sha(paths['changed.jpg']!)).toBe(changedHash);
    expect(byName('odd.jpg')).toMatchObject({ status: 'written' });

    const odd = await readGrouped(paths['odd.jpg']!);
    const caption = `Bell and tab here\nnext line ${'長'.repeat(700)}🐟 end`;
    expect(odd['XMP-dc:Description']).toBe(caption);
    // IIM copies are cut at a character boundary within their byte limits; XMP keeps the whole text.
    const iimCaption = String(odd['IPTC:Caption-Abstract']);
    expect(Buffer.byteLength(iimCaption)).toBeLessThanOrEqual(2000);
    expect(caption.startsWith(iimCaption)).toBe(true);
    expect(iimCaption).not.toContain('\ufffd');
    expect(odd['IPTC:ObjectName']).toBe('題'.repeat(21));
    expect(odd['XMP-dc:Title']).toBe(`${'題'.repeat(21)}🐟🐟`);
    expect(odd['XMP-dc:Subject']).toEqual(['c', 'Smith, John', 'x'.repeat(70), `${'é'.repeat(32)}🐟`]);
    expect(odd['IPTC:Keywords']).toEqual(['c', 'Smith, John', 'x'.repeat(64), 'é'.repeat(32)]);
    expect(odd['XMP-lr:HierarchicalSubject']).toBe('a|b|c');

    const latin1 = await readGrouped(paths['latin1.jpg']!);
    expect(byName('latin1.jpg'), JSON.stringify(byName('latin1.jpg'))).toMatchObject({ status: 'written' });
    expect(latin1).toMatchObject({ 'IPTC:City': 'Zürich', 'IPTC:Caption-Abstract': '京都', 'IPTC:CodedCharacterSet': 'UTF8' });
  });
});

function list(value: unknown): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)];
}
