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

/**
 * Names of files still being written or never meant to stay: download and copy parts, editor
 * backups, ExifTool's rewrite in progress (`photo.jpg_exiftool_tmp`), Office/Adobe lock files
 * (`~$...`) and the `.tmp` scratch copies that Photoshop, Lightroom and sync tools save through.
 * Hidden ones (`.~lock...`, rsync's `.photo.jpg.XXXXXX`) are already skipped as hidden.
 */
const temporaryName = /(?:\.(?:tmp|temp|part|partial|crdownload|download|lrtmp)|_exiftool_tmp|~)$|^~\$|^photoshop temp/i;

export function pixelSourceFor(path: string): PixelSource | undefined {
  return pixelSourceByExtension.get(extname(path).slice(1).toLowerCase());
}

export function isPhotoFileType(fileType: string): boolean {
  return photoFileTypes.has(fileType);
}

export function isTemporaryName(name: string): boolean {
  return temporaryName.test(name);
}

/** A file the scanner indexes: a photo's extension, and no sign of being a temporary copy. */
export function isPhotoFileName(name: string): boolean {
  return pixelSourceFor(name) !== undefined && !isTemporaryName(name);
}

/** Hidden (dot) entries and operating-system or NAS clutter are never scanned. */
export function isSkippedName(name: string): boolean {
  return name.startsWith('.') || systemNames.has(name.toLowerCase());
}
