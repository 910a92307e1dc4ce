import type { Stats } from 'node:fs';
import { chmod, chown, link, open, rename, rm, stat, unlink } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { ExifToolAdapter } from './exiftool.adapter';
import { readBackMismatches } from './field-mapping';
import type { TagValues, TagWrites } from '../../shared/metadata';

/** A per-file problem with a message for the photographer; the run goes on. */
export class WriteFailure extends Error {}

/**
 * Writes `tags` into `target` through a temporary copy beside it: ExifTool writes the copy (never
 * the target), the copy is read back and must hold exactly the tags, and only then does it replace
 * the target in one rename. A crash at any moment leaves the old file or the new one, never part
 * of either, and nothing of Captionist's touches the target once this process is gone (an
 * ExifTool outliving it can only write the copy). `before` is the target as it was read (null:
 * it does not exist yet, a new sidecar); `beforeSwap` hears of the checked copy last. Resolves
 * with ExifTool's warnings and what was read back.
 */
export async function writeThroughCopy(
  metadata: ExifToolAdapter,
  target: string,
  temporary: string,
  tags: TagWrites,
  before: Stats | null,
  beforeSwap: (copy: string) => Promise<void>,
): Promise<{ warnings: string[]; readBack: TagValues }> {
  try {
    const warnings = await metadata.writeTagsInto(temporary, tags, before ? target : null);
    // What was just written sits where ExifTool puts new metadata, before the image data.
    const readBack = await metadata.readTags(temporary, Object.keys(tags), { standardLocationsOnly: true });
    const mismatches = readBackMismatches(tags, readBack);
    if (mismatches.length) {
      throw new WriteFailure(
        `ExifTool's copy of ${basename(target)} did not hold what was written in ${mismatches.join(', ')}, so it was not put in place; the file is unchanged.`,
      );
    }
    await beforeSwap(temporary);
    await swapIn(temporary, target, before);
    return { warnings, readBack };
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Puts a complete copy in place of `target`. The copy takes the target's permissions and, where the
 * system allows, its owner and group (as ExifTool does when it rewrites a file), and reaches the
 * disk before the rename, the folder after it. A target that changed since `before` (another
 * program saved it meanwhile) is left alone; a new file never replaces one that appeared meanwhile.
 */
async function swapIn(temporary: string, target: string, before: Stats | null): Promise<void> {
  if (before) {
    await chmod(temporary, before.mode & 0o7777);
    // Only the superuser gives a file away; anyone else keeps the owner it already has.
    await chown(temporary, before.uid, before.gid).catch(() => undefined);
  }
  await flush(temporary, 'r+');
  if (before) {
    const now = await stat(target);
    if (now.ino !== before.ino || now.size !== before.size || now.mtimeMs !== before.mtimeMs) {
      throw new WriteFailure(`${basename(target)} was changed by another program while Captionist wrote it, so it was left as that program saved it.`);
    }
    await rename(temporary, target);
  } else {
    await placeNew(temporary, target);
  }
  // A folder cannot be opened to flush on every system (Windows); the rename is done either way.
  await flush(dirname(target), 'r').catch(() => undefined);
}

/** Links the new file under its name, which fails if the name is taken; renames where links are not supported (FAT, some network drives). */
async function placeNew(temporary: string, target: string): Promise<void> {
  try {
    await link(temporary, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      throw new WriteFailure(`${basename(target)} appeared while Captionist wrote it, so it was left as it is.`);
    }
    if (await stat(target).then(() => true, () => false)) throw error;
    await rename(temporary, target);
    return;
  }
  await unlink(temporary);
}

async function flush(path: string, flags: 'r' | 'r+'): Promise<void> {
  const handle = await open(path, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
