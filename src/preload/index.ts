import { contextBridge, ipcRenderer } from 'electron';
import { callNames, eventNames, shellCallNames } from '../shared/contract';
import type { CaptionistApi, EventName } from '../shared/contract';

/**
 * A generic bridge over the contract: the page gets these four functions, never ipcRenderer,
 * and can reach only the calls and events the contract lists. Channel names match
 * src/main/electron/ipc.ts and the main process's event broadcast.
 */
const listeners = new Map<EventName, Set<(payload: unknown) => void>>();

ipcRenderer.on('captionist:event', (_event, name: EventName, payload: unknown) => {
  for (const listener of listeners.get(name) ?? []) listener(payload);
});

const api: CaptionistApi = {
  invoke(name, input) {
    if (!callNames.includes(name)) return Promise.reject(new Error(`Unknown call: ${String(name)}`));
    return ipcRenderer.invoke(`captionist:call:${name}`, input);
  },
  shell(name) {
    if (!shellCallNames.includes(name)) return Promise.reject(new Error(`Unknown shell call: ${String(name)}`));
    return ipcRenderer.invoke(`captionist:shell:${name}`);
  },
  on(name, listener) {
    if (!eventNames.includes(name)) throw new Error(`Unknown event: ${String(name)}`);
    const forName = listeners.get(name) ?? new Set();
    listeners.set(name, forName);
    // A fresh function per subscription, so each unsubscribe removes exactly its own.
    const subscription = (payload: unknown) => (listener as (payload: unknown) => void)(payload);
    forName.add(subscription);
    return () => {
      forName.delete(subscription);
    };
  },
  thumbnailUrl(fingerprint) {
    return `captionist-media://thumb/${encodeURIComponent(fingerprint)}`;
  },
  previewUrl(fingerprint) {
    return `captionist-media://preview/${encodeURIComponent(fingerprint)}`;
  },
  hasNativeDialogs: true,
};

contextBridge.exposeInMainWorld('api', api);
