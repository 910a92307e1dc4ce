import { BrowserWindow, ipcMain } from 'electron';
import type { IpcMainInvokeEvent } from 'electron';
import { pageCallNames, shellCallNames } from '../../shared/contract';
import type { CallInput, ShellCallName, ShellCallOutput } from '../../shared/contract';
import type { CoreClient } from '../host/core-calls';
import { pickFolder } from './dialogs';
import { isOwnRendererUrl } from './renderer';

// Channel names the preload (src/preload/index.ts) uses too.
const callChannel = 'captionist:call:';
const shellChannel = 'captionist:shell:';

type ShellHandlers = {
  [K in ShellCallName]: (window: BrowserWindow | null) => Promise<ShellCallOutput<K>>;
};

const shellHandlers: ShellHandlers = {
  'dialog:pickFolder': pickFolder,
};

/** One handler per call a page may make, forwarded to the core host; the core validates every input against the contract itself. */
export function registerIpc(core: CoreClient): void {
  for (const name of pageCallNames) {
    ipcMain.handle(callChannel + name, (event, input: unknown) => {
      assertOwnRenderer(event);
      // The core validates every input against the contract itself.
      return core.invoke(name, input as CallInput<typeof name>);
    });
  }
  for (const name of shellCallNames) {
    ipcMain.handle(shellChannel + name, (event) => {
      assertOwnRenderer(event);
      return shellHandlers[name](BrowserWindow.fromWebContents(event.sender));
    });
  }
}

/** Only our own UI's top frame may call in, never an iframe or a page navigated elsewhere. */
function assertOwnRenderer(event: IpcMainInvokeEvent): void {
  const frame = event.senderFrame;
  if (!frame || frame.parent || !isOwnRendererUrl(frame.url)) {
    throw new Error('Captionist refused a call from an unknown page.');
  }
}
