import { app, session, shell } from 'electron';
import { mediaScheme } from './media-protocol';
import { devServerUrl } from './renderer';

/** The policy index.html also carries as a meta tag; keep the two in step. */
function contentSecurityPolicy(): string {
  const dev = devServerUrl ? new URL(devServerUrl) : undefined;
  // Dev only: the dev server's inline React Refresh preamble and its HMR web socket.
  const scriptSrc = dev ? `'self' 'unsafe-inline' ${dev.origin}` : `'self'`;
  const connectSrc = dev ? `'self' ${dev.origin} ws://${dev.host}` : `'self'`;
  return [
    `default-src 'self'`,
    `img-src 'self' ${mediaScheme}: data:`,
    `style-src 'self' 'unsafe-inline'`,
    `script-src ${scriptSrc}`,
    `connect-src ${connectSrc}`,
    `object-src 'none'`,
    `base-uri 'none'`,
    `frame-ancestors 'none'`,
  ].join('; ');
}

/** Locks the default session and every web contents down before any window opens. */
export function applySecurityPolicy(): void {
  const policy = contentSecurityPolicy();
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [policy] } });
  });
  // The UI needs no camera, notifications, geolocation, clipboard reads or the like: nothing is
  // granted when asked for, nothing is reported as granted when checked, and no device is opened.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.setDevicePermissionHandler(() => false);

  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (url !== contents.getURL()) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (isHttps(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}

function isHttps(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}
