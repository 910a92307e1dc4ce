import { describe, expect, it } from 'vitest';
import { embeddedTextShown, isPlaceholderText, meaningfulText, placeholderPatterns, placeholderTexts } from '../../src/shared/placeholders';

/** For each pattern, texts it must catch; a pattern without an example here fails the last test. */
const patternExamples: Record<string, string[]> = {
  'a language tag instead of text': ['x-default', 'X-Default', 'lang="x-default"', "'x-default'"],
  "an EXIF comment's empty charset marker": ['charset=Ascii', 'charset="Unicode"', 'charset=JIS'],
  'binary data shown as text': ['(Binary data 512 bytes, use -b option to extract)', 'string with binary data'],
  'a camera folder path': ['DCIM\\100OLYMP\\P1010001.JPG', 'DCIM/100CANON', 'dcim\\'],
  'a camera folder name': ['100OLYMP', '100MSDCF', '101ND750', '100_FUJI'],
  'a file name a camera made': ['IMG_1234', 'DSC01234', 'DSCN0042', '_DSC1234', 'PXL_20230408_060152625', 'P1010001', 'GOPR0533', 'IMG_20240612_101010.JPG', 'photo-001'],
  'a file name': ['holiday.jpg', 'Scan.TIFF', 'IMG_1.CR2', 'a.heic'],
  "an editor's name for a new document": ['Untitled-1', 'untitled 2', 'Untitled'],
  'only numbers and punctuation': ['0000', '1234567', '2024-06-12', '2024:06:12 10:20:30+02:00', '...', ' - '],
};

/** Words a person wrote, some of them close to a placeholder: never empty. */
const personal = [
  'Sony DSC-RX100 at the lake',
  'OLYMPUS DIGITAL CAMERA on the table, my first camera',
  'Default mode network, a diagram',
  'Burst of colour over the harbour',
  'IMG_1234 and IMG_1235 stitched into a panorama',
  'Kyōto 京都の朝',
  'Holiday in St. Ives',
  'x-default is the language tag XMP uses',
  'Room 101',
  'DCIM folder on the card',
  'Nor any drop to drink',
  '🌅',
];

describe('placeholder text', () => {
  it.each(placeholderTexts)('treats "%s" as empty, in any case and spacing', (text) => {
    expect(isPlaceholderText(text)).toBe(true);
    expect(isPlaceholderText(`  ${text.toLowerCase()}  `)).toBe(true);
    expect(isPlaceholderText(text.toUpperCase().replace(/ /g, '   '))).toBe(true);
    expect(meaningfulText(text)).toBeNull();
  });

  it.each(placeholderPatterns.map(({ what }) => what))('treats %s as empty', (what) => {
    const examples = patternExamples[what];
    expect(examples, `examples for "${what}"`).toBeDefined();
    for (const example of examples!) expect(isPlaceholderText(example), example).toBe(true);
  });

  it.each(personal)('keeps "%s": a person wrote it', (text) => {
    expect(isPlaceholderText(text, 'DSC_0001.JPG')).toBe(false);
    expect(meaningfulText(`  ${text} `, 'DSC_0001.JPG')).toBe(text);
  });

  it("treats empty text and the photo's own file name, with or without extension, as empty", () => {
    for (const text of ['', '   ', '\n']) expect(isPlaceholderText(text)).toBe(true);
    expect(meaningfulText(null)).toBeNull();
    expect(meaningfulText(undefined)).toBeNull();
    expect(isPlaceholderText('Harbour at dusk.jpeg', 'Harbour at dusk.jpeg')).toBe(true);
    expect(isPlaceholderText('harbour at dusk', 'Harbour at dusk.jpeg')).toBe(true);
    expect(isPlaceholderText('Harbour at dusk', 'Lighthouse.jpeg')).toBe(false);
  });

  it('shows the inspector nothing where the file holds a placeholder, and keeps the rest', () => {
    expect(
      embeddedTextShown({ title: 'DSC_0001', caption: 'x-default', altText: 'Boats at dusk', keywords: ['harbour'] }, 'DSC_0001.JPG'),
    ).toEqual({ title: null, caption: null, altText: 'Boats at dusk', keywords: ['harbour'] });
  });

  it('keeps camera stamps a person typed into XMP, where only broken writers and file names count as empty', () => {
    for (const text of ['Burst', 'Camera', 'Samsung', 'Scanner', 'Untitled 3', '1984', 'DCIM/100CANON']) {
      expect(isPlaceholderText(text, 'DSC_0001.JPG', 'xmp'), text).toBe(false);
      expect(isPlaceholderText(text, 'DSC_0001.JPG', 'camera'), text).toBe(true);
    }
    for (const { what, anywhere } of placeholderPatterns.filter((entry) => entry.anywhere)) {
      for (const example of patternExamples[what]!) expect(isPlaceholderText(example, null, 'xmp'), `${what}: ${example}`).toBe(anywhere);
    }
    expect(isPlaceholderText('harbour at dusk', 'Harbour at dusk.jpeg', 'xmp')).toBe(true);
    expect(embeddedTextShown({ title: 'Burst', caption: 'x-default', altText: null, keywords: [] }, 'IMG_1.JPG')).toMatchObject({
      title: 'Burst',
      caption: null,
    });
  });

  it('has an example for every pattern', () => {
    expect(Object.keys(patternExamples).sort()).toEqual(placeholderPatterns.map(({ what }) => what).sort());
  });
});
