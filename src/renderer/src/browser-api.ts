// Types only: the contract's schemas stay out of the first screen's script; the server checks
// every call's name and input itself.
import type { CaptionistApi, EventName } from '../../shared/contract';
import { eventListeners } from '../../shared/event-listeners';

const tokenKey = 'captionist:token';

/** Waits between reconnection attempts after the event socket drops: doubling, capped. */
const firstRetryMs = 500;
const maxRetryMs = 10_000;

/**
 * The token `captionist serve` put in the address's fragment: kept for this tab only (a reload
 * keeps working, a closed tab forgets it) and taken out of the address bar, so it is not
 * bookmarked, shared or left on screen.
 */
function takeAccessToken(): string | null {
  const fromAddress = new URLSearchParams(window.location.hash.slice(1)).get('token');
  if (fromAddress) {
    window.sessionStorage.setItem(tokenKey, fromAddress);
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
    return fromAddress;
  }
  return window.sessionStorage.getItem(tokenKey);
}

const noToken =
  'This page has no access token. Open the full address that "captionist serve" printed (it ends with #token=...).';
const staleToken =
  'This page\'s access token is no longer valid (it is from an earlier "captionist serve"): open the address captionist serve printed.';

/**
 * The window event a served page gets when it can no longer reach Captionist for good (its
 * `detail` is the message to show); the desktop app never sends it.
 */
export const connectionLostEvent = 'captionist:connection-lost';

/**
 * `window.api` for a page served by `captionist serve`: calls are POSTed to the loopback server,
 * events arrive over one WebSocket, and media come from its /media URLs.
 */
export function browserApi(): CaptionistApi {
  const token = takeAccessToken();
  const listeners = eventListeners();
  let connecting = false;
  let retryMs = firstRetryMs;
  let everConnected = false;

  const deliver = (name: EventName, payload: unknown) => listeners.deliver(name, payload);

  /** Whether the server turns the token away (a WebSocket refusal does not say why). */
  const tokenRefused = async () => {
    try {
      const response = await fetch('/api/call/settings:get', {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: '{}',
      });
      return response.status === 401;
    } catch {
      return false; // not reachable at all: the server is restarting, so keep trying
    }
  };

  const connect = () => {
    if (!token) return;
    const url = new URL('/api/events', window.location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('token', token);
    const socket = new WebSocket(url);
    let opened = false;
    socket.onopen = () => {
      opened = true;
      retryMs = firstRetryMs;
      // Events sent while the socket was down are lost: reload the library and the queue's state.
      if (everConnected) {
        deliver('library:changed', { folderIds: [] });
        void api.invoke('queue:status', {}).then((status) => deliver('queue:progress', status), () => undefined);
      }
      everConnected = true;
    };
    socket.onmessage = (message) => {
      const event = JSON.parse(String(message.data)) as { name: EventName; payload: unknown };
      deliver(event.name, event.payload);
    };
    // The server restarted or the machine slept: try again, more slowly each time; but a token
    // the server refuses (from an earlier serve) will never work, so stop and say so.
    socket.onclose = () => {
      void (async () => {
        if (!opened && (await tokenRefused())) {
          window.dispatchEvent(new CustomEvent(connectionLostEvent, { detail: staleToken }));
          return;
        }
        window.setTimeout(connect, retryMs);
        retryMs = Math.min(retryMs * 2, maxRetryMs);
      })();
    };
  };

  const mediaUrl = (kind: 'thumb' | 'preview', fingerprint: string) =>
    `/media/${kind}/${encodeURIComponent(fingerprint)}?token=${encodeURIComponent(token ?? '')}`;

  const api: CaptionistApi = {
    async invoke(name, input) {
      if (!token) throw new Error(noToken);
      const response = await fetch(`/api/call/${name}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(input ?? {}),
      });
      const body = (await response.json().catch(() => null)) as { error?: string } | null;
      if (response.status === 401) throw new Error(staleToken);
      if (!response.ok) throw new Error(body?.error ?? `Captionist answered ${response.status} ${response.statusText}`);
      return body as never;
    },
    shell() {
      return Promise.reject(new Error('Folder pickers exist only in the desktop app: type or paste the folder\'s path instead.'));
    },
    on(name, listener) {
      const unsubscribe = listeners.on(name, listener);
      // One socket for every subscription, opened with the first.
      if (!connecting) {
        connecting = true;
        connect();
      }
      return unsubscribe;
    },
    thumbnailUrl: (fingerprint) => mediaUrl('thumb', fingerprint),
    previewUrl: (fingerprint) => mediaUrl('preview', fingerprint),
    hasNativeDialogs: false,
  };
  return api;
}
