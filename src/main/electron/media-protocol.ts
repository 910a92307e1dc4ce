import { pathToFileURL } from 'node:url';
import { net, protocol } from 'electron';
import { Derivatives } from '../images/derivatives';

/** Serves cached derivatives to the renderer, which may not read file:// URLs itself. */
export const mediaScheme = 'captionist-media';

/** Must run before the app is ready. */
export function registerMediaScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: mediaScheme, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/**
 * `captionist-media://thumb/<fingerprint>` maps to one file in the thumbnail cache. The
 * fingerprint must be 32 hex digits, so no URL can name any other file.
 */
export function handleMediaProtocol(derivatives: Derivatives): void {
  protocol.handle(mediaScheme, async (request) => {
    const url = new URL(request.url);
    // No decoding: a fingerprint has nothing to decode, and an encoded path is simply not one.
    const fingerprint = url.pathname.slice(1);
    if (request.method !== 'GET' || url.hostname !== 'thumb' || !Derivatives.isFingerprint(fingerprint)) {
      return notFound();
    }
    const file = pathToFileURL(derivatives.thumbnailPath(fingerprint)).toString();
    // A thumbnail not made yet (or pruned) is a plain 404, not an error page.
    const response = await net.fetch(file).catch(() => undefined);
    return response?.ok ? response : notFound();
  });
}

function notFound(): Response {
  return new Response('Not found', { status: 404 });
}
