import type { EmbeddedText } from './review';

/**
 * Where a text was found. Cameras and phones stamp their defaults into EXIF ImageDescription and
 * IIM (`camera`); XMP is written by people and their software (`xmp`), where "Burst", "Scanner" or
 * "1984" is a title someone chose. Only broken writers' marks and file names count as empty there.
 */
export type TextOrigin = 'camera' | 'xmp';

/**
 * Text that cameras, phones and software put where a caption or title goes, which no person
 * wrote. It counts as empty where cameras write (see TextOrigin): when indexing, in the write
 * policies (so "yours wins" never protects it) and in the inspector. Gathered from digiKam's
 * ImageDescription blacklist, PhotoPrism's unwanted descriptions, KPhotoAlbum's comments to strip
 * and files seen in the wild. Compared whole, ignoring case and runs of white space: "Sony
 * DSC-RX100 at the lake" is a caption.
 */
export const placeholderTexts: readonly string[] = [
  // Camera makers' stamps in EXIF ImageDescription.
  'OLYMPUS DIGITAL CAMERA',
  'SONY DSC',
  'DIGITAL CAMERA',
  'MINOLTA DIGITAL CAMERA',
  'KONICA MINOLTA DIGITAL CAMERA',
  'JENOPTIK DIGITAL CAMERA',
  'KODAK DIGITAL STILL CAMERA',
  'SANYO DIGITAL CAMERA',
  'NIKON DIGITAL CAMERA',
  'LG DIGITAL CAMERA',
  'LG ELECTRONICS',
  'SAMSUNG',
  'SAMSUNG DIGITAL CAMERA',
  'SAMSUNG DIGITAL CAM',
  'SAMSUNG CAMERA PICTURES',
  '<Digimax i5, Samsung #1>',
  'Exif_JPEG_PICTURE',
  'DVC 10.1 HDMI',
  'Scanner',
  'CAMERA',
  'IMS',
  // Huawei's shooting-mode codes.
  'rhdr', 'hdrpl', 'oznor', 'oznorWO', 'frontbhdp', 'fbt', 'rbt', 'ptr', 'fbthdr', 'btr', 'mon', 'nor', 'dav',
  'mde', 'mde_soft', 'edf', 'btfmdn', 'btf', 'btfhdr', 'frem', 'rpt', 'burst', 'sdr_HDRB', 'cof', 'qrf', 'fshbty',
  // Software defaults and broken writers.
  'default',
  'untitled',
  'Created by Imlib',
  'iClarified',
  'binary comment',
  'DCIM',
];

/**
 * Shapes of placeholder text, each with what it catches; `anywhere` ones count as empty in XMP too
 * (a broken writer's mark, a file name), the others only where cameras write.
 */
export const placeholderPatterns: readonly { pattern: RegExp; what: string; anywhere: boolean }[] = [
  // A writer that put the lang-alt's language where its text belongs: "x-default", lang="x-default".
  { pattern: /^(lang=)?["']?x-default["']?$/i, what: 'a language tag instead of text', anywhere: true },
  { pattern: /^charset=(["']?)(ascii|unicode|jis)\1$/i, what: "an EXIF comment's empty charset marker", anywhere: true },
  { pattern: /^\(binary data \d+ bytes|^string with binary data/i, what: 'binary data shown as text', anywhere: true },
  // DCIM\100OLYMP\P1010001.JPG (PhotoPrism), and DCF folder names such as 100OLYMP or 100MSDCF.
  { pattern: /^dcim[\\/]\S*$/i, what: 'a camera folder path', anywhere: false },
  { pattern: /^\d{3}[a-z_][a-z0-9_]{4}$/i, what: 'a camera folder name', anywhere: false },
  // IMG_1234, DSC01234, PXL_20230408_060152625, P1010001, GOPR0533: names cameras give files.
  {
    pattern: /^(img|dsc[nf]?|_dsc|dsci|pxl|mvimg|p|gopr|dji|sam|wp|cimg|imgp|_mg|sdc|dcp|hpim|pict?|photo|image)[_-]?\d{3,}([_-]\d+)*(\.[a-z0-9]{2,5})?$/i,
    what: 'a file name a camera made',
    anywhere: true,
  },
  { pattern: /^[^\s\\/]+\.(jpe?g|png|tiff?|heic|heif|hif|avif|webp|gif|dng|cr[23w]|nef|nrw|arw|raf|orf|rw2|pef|srw)$/i, what: 'a file name', anywhere: true },
  { pattern: /^untitled[-_ ]?\d*$/i, what: "an editor's name for a new document", anywhere: false },
  // Only digits, punctuation and spaces: a counter, a date or a time, never words.
  { pattern: /^[\p{N}\p{P}\s+]+$/u, what: 'only numbers and punctuation', anywhere: false },
];

const fold = (text: string) => text.trim().replace(/\s+/g, ' ').toLowerCase();
const foldedTexts = new Set(placeholderTexts.map(fold));

/**
 * Whether `text` is a placeholder rather than words a person wrote: empty, a known camera or
 * software default where cameras write, or only the photo's own file name (with or without its
 * extension).
 */
export function isPlaceholderText(text: string, fileName?: string | null, origin: TextOrigin = 'camera'): boolean {
  const folded = fold(text);
  if (!folded || (origin === 'camera' && foldedTexts.has(folded))) return true;
  if (fileName) {
    const name = fold(fileName);
    if (folded === name || folded === name.replace(/\.[^.]+$/, '')) return true;
  }
  return placeholderPatterns.some(({ pattern, anywhere }) => (anywhere || origin === 'camera') && pattern.test(folded));
}

/** The text trimmed, or null when it is empty or a placeholder. */
export function meaningfulText(text: string | null | undefined, fileName?: string | null, origin: TextOrigin = 'camera'): string | null {
  if (text === null || text === undefined) return null;
  const trimmed = text.trim();
  return isPlaceholderText(trimmed, fileName, origin) ? null : trimmed;
}

/**
 * The text a file holds as the inspector shows it: placeholders are shown as nothing. Camera
 * stamps were left out when the photo was indexed, where it was known which tag held the text;
 * what is stored may be a person's XMP, so only what is empty anywhere is hidden here.
 */
export function embeddedTextShown(embedded: EmbeddedText, fileName: string | null): EmbeddedText {
  return {
    ...embedded,
    title: meaningfulText(embedded.title, fileName, 'xmp'),
    caption: meaningfulText(embedded.caption, fileName, 'xmp'),
    altText: meaningfulText(embedded.altText, fileName, 'xmp'),
  };
}
