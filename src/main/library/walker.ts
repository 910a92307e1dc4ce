import { readdir, stat } from 'node:fs/promises';
import type { Dirent, Stats } from 'node:fs';
import { basename, isAbsolute, join, relative, sep } from 'node:path';
import type { FileError } from '../../shared/domain';
import { describeFileError } from './file-errors';
import { isPhotoFileName, isSkippedName } from '../base/file-types';
import { isWriteDebrisName } from '../base/write-debris';

export interface PhotoListing {
  files: string[];
  errors: FileError[];
  /** Temporary copies an interrupted metadata write may have left (see write-debris.ts). */
  debris: string[];
}

/**
 * Lists every photo file below `root`, recursively. Symbolic links are followed, but each folder
 * and file is visited once (by device and inode), so link loops and links to folders already
 * listed cost nothing. Hidden and system entries and non-photo files are passed over, except
 * temporary copies of metadata writes, which are listed apart.
 */
export async function listPhotoFiles(root: string): Promise<PhotoListing> {
  const files: string[] = [];
  const errors: FileError[] = [];
  const debris: string[] = [];
  const visited = new Set<string>();
  const identity = (stats: Stats) => `${stats.dev}:${stats.ino}`;

  visited.add(identity(await stat(root)));
  const pending = [root];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      errors.push({ path: dir, message: describeFileError(error, 'folder', dir) });
      continue;
    }
    for (const entry of entries) {
      if (entry.isFile() && isWriteDebrisName(entry.name)) debris.push(join(dir, entry.name));
      if (isSkippedName(entry.name)) continue;
      const path = join(dir, entry.name);
      const looksLikePhoto = isPhotoFileName(entry.name);
      if (!entry.isDirectory() && !entry.isSymbolicLink() && !(entry.isFile() && looksLikePhoto)) continue;
      let stats: Stats;
      try {
        stats = await stat(path);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (entry.isSymbolicLink() && code === 'ENOENT') {
          // A dangling link to something that is not a photo is none of our business.
          if (looksLikePhoto) errors.push({ path, message: 'This link points to a file that no longer exists.' });
        } else if (looksLikePhoto || code === 'ELOOP') {
          errors.push({ path, message: describeFileError(error, looksLikePhoto ? 'file' : 'folder', path) });
        }
        continue;
      }
      if (!(stats.isDirectory() || (stats.isFile() && looksLikePhoto))) continue;
      const key = identity(stats);
      if (visited.has(key)) continue;
      visited.add(key);
      if (stats.isDirectory()) pending.push(path);
      else files.push(path);
    }
  }
  files.sort();
  return { files, errors, debris };
}

/**
 * The same rules for one path below `root`, for a file watcher that asks path by path: hidden and
 * system entries anywhere below the root, and files that are not photos (or are temporary copies
 * of one). Directories and links are let through on their name alone, as the walker follows
 * them; `stats` (when the caller has them) tells a file from a directory. The root and anything
 * outside it are never skipped: a library folder may itself live under a hidden folder.
 */
export function isSkippedPath(root: string, path: string, stats?: Stats): boolean {
  const below = relative(root, path);
  if (below === '' || below === '..' || below.startsWith('..' + sep) || isAbsolute(below)) return false;
  if (below.split(sep).some(isSkippedName)) return true;
  return stats !== undefined && stats.isFile() && !isPhotoFileName(basename(path));
}
