import { contextBridge, ipcRenderer } from 'electron';
import { pageCallNames, shellCallNames } from '../shared/contract';
import type { CaptionistApi, EventName } from '../shared/contract';
import { eventChannel, eventListeners } from '../shared/event-listeners';

/**
 * A generic bridge over the contract: the page gets these four functions, never ipcRenderer,
 * and can reach only the calls and events the contract lists. Channel names match
 * src/main/electron/ipc.ts and the main process's event broadcast.
 */
const listeners = eventListeners();

ipcRenderer.on(eventChannel, (_event, name: EventName, payload: unknown) => listeners.deliver(name, payload));

const api: CaptionistApi = {
  invoke(name, input) {
    if (!pageCallNames.includes(name)) return Promise.reject(new Error(`Unknown call: ${String(name)}`));
    return ipcRenderer.invoke(`captionist:call:${name}`, input);
  },
  shell(name) {
    if (!shellCallNames.includes(name)) return Promise.reject(new Error(`Unknown shell call: ${String(name)}`));
    return ipcRenderer.invoke(`captionist:shell:${name}`);
  },
  on: (name, listener) => listeners.on(name, listener),
  thumbnailUrl(fingerprint) {
    return `captionist-media://thumb/${encodeURIComponent(fingerprint)}`;
  },
  previewUrl(fingerprint) {
    return `captionist-media://preview/${encodeURIComponent(fingerprint)}`;
  },
  hasNativeDialogs: true,
};

contextBridge.exposeInMainWorld('api', api);
