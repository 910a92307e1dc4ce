/**
 * Plain-language messages for the file-system errors a photographer's folders produce. `path`,
 * when given, is the one listed: a name that is not UTF-8 (from an old camera card, zip or
 * system) comes with U+FFFD in place of its bad bytes, and nothing can be opened by that name.
 */
export function describeFileError(error: unknown, what: 'file' | 'folder', path?: string): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      if (path?.includes('\uFFFD')) {
        return `This ${what}'s name is not valid UTF-8 (an old camera, zip file or system wrote it), so Captionist cannot open it; rename it, then index again.`;
      }
      return what === 'file'
        ? 'The file disappeared while it was being indexed.'
        : 'The folder does not exist (or was removed while it was being indexed).';
    case 'EACCES':
    case 'EPERM':
      return `Captionist has no permission to read this ${what}.`;
    case 'ELOOP':
      return 'This is a symbolic link that loops back on itself.';
    case 'ENAMETOOLONG':
      return 'The path is too long for this system to open.';
    case 'ENOTDIR':
      return 'A part of this path is not a folder.';
    case 'EIO':
      return `The disk reported a read error for this ${what}.`;
    case 'EMFILE':
    case 'ENFILE':
      return 'Too many files are open at once; try again.';
    default:
      return `Could not read this ${what}: ${error instanceof Error ? error.message : String(error)}`;
  }
}
