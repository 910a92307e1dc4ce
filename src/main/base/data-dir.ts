import { chmodSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const appName = 'Captionist';

export interface DataDirContext {
  /** `--home DIR` from the command line, when given. */
  flag?: string;
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  homeDir: string;
}

/**
 * Where the library database and derivative cache live: `--home`, else `CAPTIONIST_HOME`, else
 * the OS's per-user app-data folder, the same one Electron's `userData` names for the desktop app.
 */
export function resolveDataDir(context: DataDirContext): string {
  if (context.flag) return context.flag;
  if (context.env.CAPTIONIST_HOME) return context.env.CAPTIONIST_HOME;
  switch (context.platform) {
    case 'win32':
      return join(context.env.APPDATA ?? join(context.homeDir, 'AppData', 'Roaming'), appName);
    case 'darwin':
      return join(context.homeDir, 'Library', 'Application Support', appName);
    default:
      return join(context.env.XDG_CONFIG_HOME ?? join(context.homeDir, '.config'), appName);
  }
}

/** The folder beside the library database that holds its backups. */
export const backupsFolderName = 'backups';

/** How many backups the backups folder keeps; older ones are deleted as new ones are taken. */
export const backupsKept = 5;

/** The library database in a data folder. */
export function libraryFile(dataDir: string): string {
  return join(dataDir, 'library.db');
}

/** What the data folder holds that is nobody else's business: captions, the log, stored keys. */
const privateFiles = ['library.db', 'library.db-wal', 'library.db-shm', 'captionist.log', 'secrets.json'];

/**
 * Creates the data folder readable by its owner only (0700), and takes away what an older
 * Captionist let others read (0755 folders, 0644 files) from the folder, the files above and the
 * backups. On Windows a folder under the user's profile is private already.
 */
export function preparePrivateDataDir(dataDir: string, platform: NodeJS.Platform = process.platform): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (platform === 'win32') return;
  keepPrivate(dataDir, 0o700);
  for (const name of privateFiles) keepPrivate(join(dataDir, name), 0o600);
  const backups = join(dataDir, backupsFolderName);
  keepPrivate(backups, 0o700);
  for (const name of filesIn(backups)) keepPrivate(join(backups, name), 0o600);
}

/** Clears the permission bits `mode` does not grant; a missing file, or one that is not ours, is left as it is. */
function keepPrivate(path: string, mode: number): void {
  try {
    const current = statSync(path).mode & 0o777;
    if (current & ~mode) chmodSync(path, current & mode);
  } catch {
    // Missing, or owned by someone else (chmod is refused): nothing to tighten here.
  }
}

/** The names in a folder; none when it is missing or cannot be read. */
export function filesIn(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
