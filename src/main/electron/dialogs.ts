import { dialog } from 'electron';
import type { BaseWindow, OpenDialogOptions } from 'electron';

/** The native folder picker; resolves to the chosen folder, or null when cancelled. */
export async function pickFolder(parent?: BaseWindow | null): Promise<string | null> {
  const options: OpenDialogOptions = { title: 'Add Folder', properties: ['openDirectory'] };
  const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
  return result.canceled ? null : (result.filePaths[0] ?? null);
}
