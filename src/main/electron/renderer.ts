import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { app } from 'electron';
import type { BrowserWindow } from 'electron';

/**
 * The electron-vite dev server, when `npm run dev` runs us. Ignored once packaged, so an
 * environment variable can never point the installed app at foreign code.
 */
export const devServerUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;

const indexUrl = pathToFileURL(join(import.meta.dirname, '../renderer/index.html'));

export function loadRenderer(window: BrowserWindow): Promise<void> {
  // loadURL rather than loadFile: the frame then carries exactly the URL isOwnRendererUrl expects.
  return window.loadURL(devServerUrl ?? indexUrl.href);
}

/** True only for our own UI: the bundled index.html, or in dev the dev server's origin. */
export function isOwnRendererUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (devServerUrl) return parsed.origin === new URL(devServerUrl).origin;
  return parsed.protocol === 'file:' && parsed.pathname === indexUrl.pathname;
}
