import { readdir } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { SidecarMode, SidecarNaming } from '../../shared/metadata';
import { pixelSourceFor } from '../base/file-types';
import type { TargetKind } from './field-mapping';

/** ExifTool file types whose XMP readers look inside the file (Adobe, MWG); everything else gets a sidecar. */
const embeddedFileTypes = new Set(['JPEG', 'MPO', 'TIFF', 'DNG', 'PNG', 'WEBP', 'Extended WEBP', 'HEIC', 'HEIF', 'AVIF']);
/** Of those, the ones where IPTC IIM lives too (and Lightroom, Photo Mechanic and CMSs read it). */
const iimFileTypes = new Set(['JPEG', 'MPO', 'TIFF', 'DNG']);
const embeddedExtensions = new Set(['jpg', 'jpeg', 'jpe', 'tif', 'tiff', 'dng', 'png', 'webp', 'heic', 'heif', 'hif', 'avif']);

/** Where a photo's metadata goes: inside it, in a sidecar, or (sidecars off, proprietary RAW) nowhere. */
export function targetKindFor(fileType: string, mode: SidecarMode): TargetKind | null {
  const embeddable = embeddedFileTypes.has(fileType);
  if (mode === 'always' || (!embeddable && mode === 'auto')) return 'sidecar';
  if (!embeddable) return null;
  return iimFileTypes.has(fileType) ? 'embedded-iim' : 'embedded';
}

/** Whether a file of this name, in this mode, would keep its metadata in a sidecar. */
function takesSidecar(fileName: string, mode: SidecarMode): boolean {
  if (!pixelSourceFor(fileName)) return false;
  return mode === 'always' || !embeddedExtensions.has(extname(fileName).slice(1).toLowerCase());
}

export type SidecarResolution =
  | { ok: true; path: string; exists: boolean }
  | { ok: false; path: string; message: string };

/** darktable's and digiKam's naming, IMG_1.CR2.xmp, seen in a folder. */
const extensionSidecar = /^(.+)\.([a-z0-9]{2,5})\.xmp$/i;

/**
 * The sidecar of `photoPath`: the one it already has, else one named as `naming` (or, with auto,
 * as its folder already names them: BASENAME.EXT.xmp when the folder uses that, else Adobe's
 * BASENAME.xmp). A BASENAME.xmp that belongs to another photo of the same name (its
 * SidecarForExtension says so, or it has none and another RAW of that name is there) is a
 * collision, reported and never written.
 */
export async function resolveSidecar(
  photoPath: string,
  naming: SidecarNaming,
  mode: SidecarMode,
  readSidecarFor: (sidecarPath: string) => Promise<string | null>,
): Promise<SidecarResolution> {
  const dir = dirname(photoPath);
  const name = basename(photoPath);
  const extension = extname(name);
  const base = name.slice(0, name.length - extension.length);
  const entries = await readdir(dir);
  const find = (wanted: string) => entries.find((entry) => entry.toLowerCase() === wanted.toLowerCase());

  const withExtension = find(`${name}.xmp`);
  const withoutExtension = find(`${base}.xmp`);
  const folderUsesExtensionNames = entries.some((entry) => {
    const match = extensionSidecar.exec(entry);
    return match !== null && pixelSourceFor(`x.${match[2]}`) !== undefined;
  });
  const useExtensionName =
    naming === 'basename-ext' ||
    (naming === 'auto' && (withExtension !== undefined || (withoutExtension === undefined && folderUsesExtensionNames)));
  if (useExtensionName) {
    const file = withExtension ?? `${name}.xmp`;
    return { ok: true, path: join(dir, file), exists: withExtension !== undefined };
  }

  const file = withoutExtension ?? `${base}.xmp`;
  const path = join(dir, file);
  if (withoutExtension === undefined) return { ok: true, path, exists: false };
  const owner = await readSidecarFor(path);
  if (owner) {
    if (owner.replace(/^\./, '').toLowerCase() === extension.slice(1).toLowerCase()) return { ok: true, path, exists: true };
    return {
      ok: false,
      path,
      message: `${file} belongs to ${base}.${owner.replace(/^\./, '')} (its SidecarForExtension says so); Captionist never writes into another photo's sidecar.`,
    };
  }
  const namesakes = entries.filter(
    (entry) => entry !== name && entry.toLowerCase().startsWith(`${base.toLowerCase()}.`) &&
      extname(entry).length > 1 && basename(entry, extname(entry)).toLowerCase() === base.toLowerCase() &&
      takesSidecar(entry, mode),
  );
  if (namesakes.length) {
    return {
      ok: false,
      path,
      message: `${file} could belong to ${[name, ...namesakes].join(' or ')}; Captionist does not write a sidecar two photos share. ` +
        'Use BASENAME.EXT.xmp sidecars for this folder.',
    };
  }
  return { ok: true, path, exists: true };
}
