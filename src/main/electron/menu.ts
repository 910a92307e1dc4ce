import { Menu } from 'electron';
import type { BaseWindow, MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  addFolder(window: BaseWindow | undefined): void;
  reindexLibrary(): void;
}

export function buildAppMenu(actions: MenuActions, options: { isMac: boolean; isPackaged: boolean }): Menu {
  const { isMac, isPackaged } = options;
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' } as const] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Add Folder…', accelerator: 'CmdOrCtrl+O', click: (_item, window) => actions.addFolder(window) },
        // CmdOrCtrl+R stays free for the conventional reload.
        { label: 'Re-index Library', accelerator: 'CmdOrCtrl+Shift+R', click: () => actions.reindexLibrary() },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
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
