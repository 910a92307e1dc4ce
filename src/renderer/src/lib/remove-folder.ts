import { plural } from './format';

/**
 * Why a folder was not removed: its photos hold write-backs that could still be reverted, and
 * removing it would forget what the files held before.
 */
export function removeAnywayText(folderName: string, revertableWrites: number): string {
  return (
    `Captionist wrote metadata into ${plural(revertableWrites, 'photo')} in ${folderName}. ` +
    'Removing the folder forgets what those files held before, so those writes could no longer be reverted. ' +
    'Revert them first, or remove the folder anyway.'
  );
}
