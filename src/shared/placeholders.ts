import type { EmbeddedText } from './review';

/**
 * Text that cameras, phones and software put where a caption or title goes, which no person
 * wrote. It counts as empty everywhere: when indexing, in the write policies (so "yours wins"
 * never protects it) and in the inspector. Gathered from digiKam's ImageDescription blacklist,
 * PhotoPrism's unwanted descriptions, KPhotoAlbum's comments to strip and files seen in the wild.
 * Compared whole, ignoring case and runs of white space: "Sony DSC-RX100 at the lake" is a caption.
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

/** Shapes of placeholder text, each with what it catches. */
export const placeholderPatterns: readonly { pattern: RegExp; what: string }[] = [
  // A writer that put the lang-alt's language where its text belongs: "x-default", lang="x-default".
  { pattern: /^(lang=)?["']?x-default["']?$/i, what: 'a language tag instead of text' },
  { pattern: /^charset=(["']?)(ascii|unicode|jis)\1$/i, what: "an EXIF comment's empty charset marker" },
  { pattern: /^\(binary data \d+ bytes|^string with binary data/i, what: 'binary data shown as text' },
  // DCIM\100OLYMP\P1010001.JPG (PhotoPrism), and DCF folder names such as 100OLYMP or 100MSDCF.
  { pattern: /^dcim[\\/]\S*$/i, what: 'a camera folder path' },
  { pattern: /^\d{3}[a-z_][a-z0-9_]{4}$/i, what: 'a camera folder name' },
  // IMG_1234, DSC01234, PXL_20230408_060152625, P1010001, GOPR0533: names cameras give files.
  {
    pattern: /^(img|dsc[nf]?|_dsc|dsci|pxl|mvimg|p|gopr|dji|sam|wp|cimg|imgp|_mg|sdc|dcp|hpim|pict?|photo|image)[_-]?\d{3,}([_-]\d+)*(\.[a-z0-9]{2,5})?$/i,
    what: 'a file name a camera made',
  },
  { pattern: /^[^\s\\/]+\.(jpe?g|png|tiff?|heic|heif|hif|avif|webp|gif|dng|cr[23w]|nef|nrw|arw|raf|orf|rw2|pef|srw)$/i, what: 'a file name' },
  { pattern: /^untitled[-_ ]?\d*$/i, what: "an editor's name for a new document" },
  // Only digits, punctuation and spaces: a counter, a date or a time, never words.
  { pattern: /^[\p{N}\p{P}\s+]+$/u, what: 'only numbers and punctuation' },
];

const fold = (text: string) => text.trim().replace(/\s+/g, ' ').toLowerCase();
const foldedTexts = new Set(placeholderTexts.map(fold));

/**
 * Whether `text` is a placeholder rather than words a person wrote: empty, a known camera or
 * software default, or only the photo's own file name (with or without its extension).
 */
export function isPlaceholderText(text: string, fileName?: string | null): boolean {
  const folded = fold(text);
  if (!folded || foldedTexts.has(folded)) return true;
  if (fileName) {
    const name = fold(fileName);
    if (folded === name || folded === name.replace(/\.[^.]+$/, '')) return true;
  }
  return placeholderPatterns.some(({ pattern }) => pattern.test(folded));
}

/** The text trimmed, or null when it is empty or a placeholder. */
export function meaningfulText(text: string | null | undefined, fileName?: string | null): string | null {
  if (text === null || text === undefined) return null;
  const trimmed = text.trim();
  return isPlaceholderText(trimmed, fileName) ? null : trimmed;
}

/** The text a file holds as the inspector shows it: placeholders are shown as nothing. */
export function embeddedTextShown(embedded: EmbeddedText, fileName: string | null): EmbeddedText {
  return {
    ...embedded,
    title: meaningfulText(embedded.title, fileName),
    caption: meaningfulText(embedded.caption, fileName),
    altText: meaningfulText(embedded.altText, fileName),
  };
}
