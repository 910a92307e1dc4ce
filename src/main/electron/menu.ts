import { Menu } from 'electron';
import type { BaseWindow, MenuItemConstructorOptions } from 'electron';
import type { AppCommand } from '../../shared/contract';

export interface MenuActions {
  /** Hands a command to the UI of the window the menu was used in. */
  command(window: BaseWindow | undefined, command: AppCommand): void;
  reindexLibrary(): void;
}

/**
 * The UI binds the same shortcuts itself (src/renderer/src/lib/shortcuts.ts; it also runs in a
 * browser), so these items only show them: registering them here too would swallow the keys
 * before the page sees them, single letters included while the user types a caption.
 */
function commandItem(
  actions: MenuActions,
  label: string,
  command: AppCommand,
  accelerator: string,
): MenuItemConstructorOptions {
  return { label, accelerator, registerAccelerator: false, click: (_item, window) => actions.command(window, command) };
}

export function buildAppMenu(actions: MenuActions, options: { isMac: boolean; isPackaged: boolean }): Menu {
  const { isMac, isPackaged } = options;
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' } as const] : []),
    {
      label: 'File',
      submenu: [
        commandItem(actions, 'Add Folder…', 'addFolder', 'CmdOrCtrl+O'),
        // CmdOrCtrl+R stays free for the conventional reload.
        { label: 'Re-index Library', accelerator: 'CmdOrCtrl+Shift+R', click: () => actions.reindexLibrary() },
        { type: 'separator' },
        commandItem(actions, isMac ? 'Settings…' : 'Preferences…', 'openSettings', 'CmdOrCtrl+,'),
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'Photos',
      submenu: [
        commandItem(actions, 'Find', 'focusSearch', 'CmdOrCtrl+F'),
        { type: 'separator' },
        commandItem(actions, 'Caption Selection…', 'captionSelection', 'C'),
        commandItem(actions, 'Approve Selection', 'approveSelection', 'A'),
        commandItem(actions, 'Write Metadata of Selection', 'writeSelection', 'W'),
        { type: 'separator' },
        commandItem(actions, 'Show Queue', 'showQueue', 'Q'),
      ],
    },
    {
      label: 'View',
      submenu: [
        ...(isPackaged ? [] : [{ role: 'reload' } as const, { role: 'toggleDevTools' } as const, { type: 'separator' } as const]),
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    ...(isMac ? [{ role: 'windowMenu' } as const] : []),
  ];
  return Menu.buildFromTemplate(template);
}
