import { pathToFileURL } from 'node:url';
import { net, protocol } from 'electron';
import type { MediaKind } from '../../shared/contract';
import type { CoreClient } from '../host/core-calls';

/** Serves cached derivatives to the renderer, which may not read file:// URLs itself. */
export const mediaScheme = 'captionist-media';

/** Must run before the app is ready. */
export function registerMediaScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: mediaScheme, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

const mediaKinds: readonly string[] = ['thumb', 'preview'] satisfies MediaKind[];

/**
 * `captionist-media://thumb/<fingerprint>` and `captionist-media://preview/<fingerprint>` map to
 * one file in the derivative cache. The core accepts only 32 hex digits as a fingerprint, so no
 * URL can name any other file.
 */
export function handleMediaProtocol(core: CoreClient): void {
  protocol.handle(mediaScheme, async (request) => {
    const url = new URL(request.url);
    if (request.method !== 'GET' || !mediaKinds.includes(url.hostname)) return notFound();
    // No decoding: a fingerprint has nothing to decode, and an encoded path is simply not one.
    const path = await core.invoke('media:file', { kind: url.hostname as MediaKind, fingerprint: url.pathname.slice(1) });
    if (!path) return notFound();
    const file = pathToFileURL(path).toString();
    // A thumbnail not made yet (or pruned) is a plain 404, not an error page.
    const response = await net.fetch(file).catch(() => undefined);
    return response?.ok ? response : notFound();
  });
}

function notFound(): Response {
  return new Response('Not found', { status: 404 });
}
