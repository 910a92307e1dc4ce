import { realpathSync, statSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { UserError } from '../errors';
import type { PhotoSelection } from '../db/photo-selection';

/**
 * A path the user named, as the library's queries scope by it: a file as itself, a folder as the
 * prefix of everything below it; link-resolved as the library stores paths.
 */
export function pathScope(path: string): string {
  const absolute = resolve(path);
  let real: string;
  try {
    real = realpathSync(absolute);
  } catch {
    throw new UserError(`Not found: ${absolute}`);
  }
  return statSync(real).isDirectory() ? (real.endsWith(sep) ? real : real + sep) : real;
}

/**
 * The photos a request names: its ids (photos the library has, present or not), else its paths
 * (each checked to exist, so a typo is an error), else the whole library.
 */
export function photoSelection(request: { paths: readonly string[]; photoIds?: readonly number[] | undefined }): PhotoSelection {
  return request.photoIds ? { scopes: [], photoIds: request.photoIds } : { scopes: request.paths.map(pathScope) };
}
