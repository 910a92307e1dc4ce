import { extname } from 'node:path';

/** Extensions the scanner indexes, and where their pixels come from. */
const rasterExtensions = ['jpg', 'jpeg', 'jpe', 'png', 'webp', 'tif', 'tiff', 'heic', 'heif', 'hif', 'avif', 'gif'];
const rawExtensions = [
  'cr2', 'cr3', 'crw', 'nef', 'nrw', 'arw', 'dng', 'raf', 'orf', 'rw2', 'pef', 'srw', 'iiq', 'x3f', '3fr', 'mrw',
];

export type PixelSource = 'file' | 'embedded-preview';

const pixelSourceByExtension = new Map<string, PixelSource>([
  ...rasterExtensions.map((ext) => [ext, 'file'] as const),
  ...rawExtensions.map((ext) => [ext, 'embedded-preview'] as const),
]);

/** ExifTool FileType values that are photos; anything else under a photo's name is mislabelled. */
const photoFileTypes = new Set([
  'JPEG', 'PNG', 'WEBP', 'Extended WEBP', 'TIFF', 'BigTIFF', 'HEIC', 'HEIF', 'AVIF', 'GIF', 'MPO',
  ...rawExtensions.map((ext) => ext.toUpperCase()),
]);

/** Names of system clutter that look like folders or files worth reading but never hold photos. */
const systemNames = new Set([
  '@eadir', '#recycle', '$recycle.bin', 'system volume information', 'thumbs.db', 'desktop.ini', 'lost+found',
]);

export function pixelSourceFor(path: string): PixelSource | undefined {
  return pixelSourceByExtension.get(extname(path).slice(1).toLowerCase());
}

export function isPhotoFileType(fileType: string): boolean {
  return photoFileTypes.has(fileType);
}

/** Hidden (dot) entries and operating-system or NAS clutter are never scanned. */
export function isSkippedName(name: string): boolean {
  return name.startsWith('.') || systemNames.has(name.toLowerCase());
}
