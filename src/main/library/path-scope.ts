import { realpathSync, statSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { UserError } from '../errors';

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
