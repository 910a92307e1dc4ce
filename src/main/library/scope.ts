import { realpathSync, statSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { UserError } from '../errors';

/**
 * What a path the user named covers, as the library stores paths (absolute, links resolved): a
 * file itself, or a folder as the prefix of everything below it (ending in the separator).
 */
export function scopeFor(path: string): string {
  const absolute = resolve(path);
  let real: string;
  try {
    real = realpathSync(absolute);
  } catch {
    throw new UserError(`Not found: ${absolute}`);
  }
  return statSync(real).isDirectory() ? (real.endsWith(sep) ? real : real + sep) : real;
}
