import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pixelSourceFor } from '../../src/main/base/file-types';
import { testCore } from '../helpers/core';
import { samplesDir } from '../helpers/files';

const sample = (name: string) => join(samplesDir, name);

describe('indexing the 194 ExifTool sample files', () => {
  it('completes, keeps what is a photo, explains every failure, and reads embedded metadata', async () => {
    const core = testCore();
    const files = readdirSync(samplesDir);
    expect(files.length).toBeGreaterThanOrEqual(194);
    const photoNamed = files.filter((name) => pixelSourceFor(name) !== undefined);

    const result = await core.invoke('library:index', { paths: [samplesDir] });
    for (const error of result.errors) {
      expect(error.path.startsWith(samplesDir)).toBe(true);
      expect(error.message).toMatch(/^[A-Z].+\.$/);
    }
    const failedOutright = result.errors.filter((error) => !/no thumbnail was made/.test(error.message));
    expect(result.added).toBe(photoNamed.length - failedOutright.length);
    expect(result.added).toBeGreaterThan(40);

    const all = (await core.invoke('photos:search', { text: '', includeMissing: false, limit: 1000, offset: 0 })).results;
    const byName = new Map(all.map((photo) => [photo.fileName, photo]));
    expect(byName.has('PDF.pdf')).toBe(false);
    expect(byName.has('XMP.xmp')).toBe(false);
    expect(byName.get('Nikon.nef')).toMatchObject({ fileType: 'NEF', caption: 'A caption' });
    expect(byName.get('XMP.jpg')).toMatchObject({ title: 'Test IPTC picture', keywords: ['ExifTool', 'Test', 'XMP'] });
    // The camera's stamp "OLYMPUS DIGITAL CAMERA" is not a caption.
    expect(byName.get('Olympus.jpg')!.caption).toBeNull();
    // The MWG reconciliation picks the right copy when EXIF, IPTC and XMP disagree.
    expect(byName.get('MWG.jpg')!.caption).toBe('RIGHT-EXIF-Description');

    expect((await core.invoke('photos:search', { text: 'witty', includeMissing: false, limit: 10, offset: 0 })).results.map((p) => p.fileName).sort())
      .toEqual(['ExifTool.jpg', 'IPTC.jpg', 'XMP.jpg']);

    // RAW files whose embedded preview is a stub still index with their metadata.
    const cr2Error = result.errors.find((error) => error.path === sample('CanonRaw.cr2'));
    expect(cr2Error?.message).toBe('This RAW file has no usable embedded preview, so no thumbnail was made.');
    expect(byName.get('CanonRaw.cr2')).toMatchObject({ width: 1536, height: 1024, capturedAt: '2005-08-03T18:59:18' });

    const again = await core.invoke('library:index', { paths: [samplesDir] });
    expect(again).toMatchObject({ added: 0, updated: 0, unchanged: result.added, missing: 0 });
    expect((await core.invoke('library:status', {})).errors).toBe(result.errors.length);
  });
});
