import { homedir } from 'node:os';
import { join } from 'node:path';
import { app, BrowserWindow, dialog, Menu, nativeTheme } from 'electron';
import type { BaseWindow } from 'electron';
import { eventChannel } from '../../shared/event-listeners';
import { startCoreHost } from '../host/core-host';
import type { CoreHost, HostEvent } from '../host/core-host';
import { safeStorageKeychain } from './secret-store';
import { resolveDataDir } from '../base/data-dir';
import { fileLogger } from '../base/logger';
import type { Logger } from '../base/logger';
import { pickFolder } from './dialogs';
import { registerIpc } from './ipc';
import { handleMediaProtocol, registerMediaScheme } from './media-protocol';
import { buildAppMenu } from './menu';
import { loadRenderer } from './renderer';
import { applySecurityPolicy } from './security';
import { loadWindowState, minWindowSize, saveWindowStateOnClose } from './window-state';

const isMac = process.platform === 'darwin';

// One process owns the library database; a second launch only brings the first one forward.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  registerMediaScheme();
  app.on('window-all-closed', () => {
    if (!isMac) app.quit();
  });
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      dialog.showErrorBox('Captionist could not start', errorMessage(error));
      app.exit(1);
    });
}

async function start(): Promise<void> {
  // The CLI's default too, and the same folder as Electron's userData for productName Captionist.
  const dataDir = resolveDataDir({ env: process.env, platform: process.platform, homeDir: homedir() });
  const logger = fileLogger(join(dataDir, 'captionist.log'));
  // The core runs in a worker thread (src/main/host): SQL, sharp and ExifTool never hold up windows and menus.
  const core: CoreHost = await startCoreHost({
    core: { dataDir, nativeBinding: nativeBindingPath() },
    logger,
    keychain: safeStorageKeychain(dataDir),
    builtWorkerDir: import.meta.dirname,
    onStopped: ({ reason, restarting }) => {
      logger.error(`core stopped: ${reason}`);
      const message = `Captionist's core stopped: ${reason}; ${restarting ? 'restarting it.' : 'quit Captionist and open it again.'}`;
      void dialog.showMessageBox({ type: 'error', title: 'Captionist', message });
      // The new core starts idle: the queue and watching start again in it.
      if (restarting) startBackgroundWork(core);
    },
  });
  core.on(broadcast);
  closeCoreBeforeQuit(core, logger);

  applySecurityPolicy();
  handleMediaProtocol(core);
  registerIpc(core);
  startBackgroundWork(core);
  Menu.setApplicationMenu(
    buildAppMenu(
      {
        command: (window, command) => {
          const contents = window instanceof BrowserWindow ? window.webContents : BrowserWindow.getFocusedWindow()?.webContents;
          // With no window open (macOS), adding a folder still works without the UI.
          if (!contents || contents.isDestroyed()) {
            if (command === 'addFolder') void addFolder(core, undefined).catch(reportError('Could not add the folder'));
            return;
          }
          contents.send(eventChannel, 'app:command', { command });
        },
        reindexLibrary: () => void core.invoke('library:index', {}).catch(reportError('Could not re-index the library')),
      },
      { isMac, isPackaged: app.isPackaged },
    ),
  );

  const showMainWindow = () => {
    const [window] = BrowserWindow.getAllWindows();
    if (!window) return void createMainWindow(dataDir, logger);
    if (window.isMinimized()) window.restore();
    window.focus();
  };
  app.on('second-instance', showMainWindow);
  app.on('activate', showMainWindow);
  showMainWindow();
}

/**
 * node_modules/better-sqlite3 is built for Node (the CLI and the tests use it); Electron loads
 * its own ABI build, made by scripts/prepare-electron.js and shipped as an extra resource.
 */
function nativeBindingPath(): string {
  return app.isPackaged
    ? join(process.resourcesPath, 'native', 'better_sqlite3.node')
    : join(app.getAppPath(), 'build', 'native', 'better_sqlite3.node');
}

function startBackgroundWork(core: CoreHost): void {
  core.invoke('app:startBackgroundWork', {}).catch(reportError('Could not watch the library folders'));
}

function broadcast({ name, payload }: HostEvent): void {
  for (const window of BrowserWindow.getAllWindows()) {
    if (!window.webContents.isDestroyed()) window.webContents.send(eventChannel, name, payload);
  }
}

function createMainWindow(dataDir: string, logger: Logger): BrowserWindow {
  const stateFile = join(dataDir, 'window-state.json');
  const state = loadWindowState(stateFile);
  const window = new BrowserWindow({
    ...state.bounds,
    minWidth: minWindowSize.width,
    minHeight: minWindowSize.height,
    show: false,
    title: 'Captionist',
    // Matches the UI's own background, so no white flash before the first paint in dark mode.
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#1b1b1d' : '#f6f6f7',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  saveWindowStateOnClose(window, stateFile);
  window.once('ready-to-show', () => {
    // maximize() also shows the window, so it waits for the first paint like show() does.
    if (state.maximized) window.maximize();
    window.show();
  });
  loadRenderer(window).catch((error: unknown) => {
    logger.error(`renderer: ${errorMessage(error)}`);
    dialog.showErrorBox('Captionist could not load its window', errorMessage(error));
  });
  return window;
}

async function addFolder(core: CoreHost, window: BaseWindow | undefined): Promise<void> {
  const path = await pickFolder(window);
  if (!path) return;
  await core.invoke('library:addFolder', { path });
  await core.invoke('library:index', { paths: [path] });
}

/**
 * ExifTool's child processes and the database must be closed, and the core's thread ended, before
 * the process ends. Quitting waits for that once; app.exit() then ends the process without
 * emitting will-quit again.
 */
function closeCoreBeforeQuit(core: CoreHost, logger: Logger): void {
  let closing = false;
  app.on('will-quit', (event) => {
    event.preventDefault();
    if (closing) return;
    closing = true;
    core
      .close()
      .catch((error: unknown) => logger.error(`close: ${errorMessage(error)}`))
      .finally(() => app.exit(0));
  });
}

function reportError(title: string): (error: unknown) => void {
  return (error) => dialog.showErrorBox(title, errorMessage(error));
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
