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
