import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { lstat, rm } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';

/**
 * Temporary copies a metadata write leaves beside a photo when it is killed: Captionist's own
 * (hidden, ".IMG_1.jpg.captionist-1a2b3c4d.jpg") and ExifTool's ("IMG_1.jpg_exiftool_tmp", from
 * Captionist before it wrote through copies of its own, or from any ExifTool).
 */
const ownCopy = /^\.(.+)\.captionist-[0-9a-f]{8}(\.[^.]+)?$/i;
const exifToolCopy = /^(.+)_exiftool_tmp$/;

/**
 * Older than this, a temporary copy is no write in progress: ExifTool gives up on one file after a
 * minute, and nothing else takes long between making the copy and swapping it in.
 */
export const staleDebrisAgeMs = 15 * 60_000;

/** A fresh name for Captionist's temporary copy of `target`: beside it, hidden, with its extension (ExifTool goes by it). */
export function temporaryCopyPath(target: string): string {
  const name = basename(target);
  return join(dirname(target), `.${name}.captionist-${randomBytes(4).toString('hex')}${extname(name)}`);
}

/** Where ExifTool rewriting `target` in place keeps its copy (Captionist before version 0100, or anyone's ExifTool). */
export function exifToolCopyPath(target: string): string {
  return `${target}_exiftool_tmp`;
}

/** Whether a file's name marks it as a temporary copy a metadata write made. */
export function isWriteDebrisName(name: string): boolean {
  return ownCopy.test(name) || exifToolCopy.test(name);
}

/**
 * Removes the temporary copies among `paths` that are provably left over: a regular file with a
 * temporary copy's name, untouched for `staleDebrisAgeMs`, and, for ExifTool's name (which anyone's
 * ExifTool uses), with the file it is a copy of still beside it. Returns the paths removed.
 */
export async function removeStaleWriteDebris(paths: readonly string[], now: Date): Promise<string[]> {
  const removed: string[] = [];
  for (const path of paths) {
    const name = basename(path);
    const exifTools = exifToolCopy.exec(name);
    if (!ownCopy.test(name) && !(exifTools && existsSync(join(dirname(path), exifTools[1]!)))) continue;
    const stats = await lstat(path).catch(() => undefined);
    if (!stats?.isFile() || now.getTime() - stats.mtimeMs < staleDebrisAgeMs) continue;
    await rm(path, { force: true });
    removed.push(path);
  }
  return removed;
}
