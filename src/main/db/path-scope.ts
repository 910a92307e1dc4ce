import { lstatSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { UserError } from '../base/errors';
import type { PhotoSelection } from './photo-selection';

/**
 * A path the user named, as the library's queries scope by it: a file as itself, a folder as the
 * prefix of everything below it; link-resolved as the library stores paths (a link to a file is
 * a photo of its own there, known by the link's name).
 */
export function pathScope(path: string): string {
  const absolute = resolve(path);
  let real: string;
  try {
    real = realpathSync(absolute);
  } catch {
    throw new UserError(`Not found: ${absolute}`);
  }
  if (statSync(real).isDirectory()) return real.endsWith(sep) ? real : real + sep;
  return lstatSync(absolute).isSymbolicLink() ? join(realpathSync(dirname(absolute)), basename(absolute)) : real;
}

/**
 * The photos a request names: its ids (photos the library has, present or not), else its paths
 * (each checked to exist, so a typo is an error), else the whole library.
 */
export function photoSelection(request: { paths: readonly string[]; photoIds?: readonly number[] | undefined }): PhotoSelection {
  return request.photoIds ? { scopes: [], photoIds: request.photoIds } : { scopes: request.paths.map(pathScope) };
}

/** Whether `path` is `folder` or lies below it (both absolute and link-resolved). */
export function isInside(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}
