import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { pageCallNames } from '../../shared/contract';
import type { CallInput, CallName, MediaKind } from '../../shared/contract';
import { UserError } from '../base/errors';
import type { Core } from '../core';
import { cacheDirOf, thumbnailFileIn } from '../images/derivatives';
import { AccessCheck, newAccessToken } from './access';
import type { EventHub } from './event-hub';
import { fileUnder, sendFile, sendSmallFile } from './static-files';

export interface ServerOptions {
  /** The core: in `captionist serve`, the core host's worker. */
  core: Pick<Core, 'invoke'>;
  /** Where the core's events come from (the core host, or a hub the core emits into); each goes to every connected page. */
  events: Pick<EventHub, 'subscribe'>;
  /** The built UI (out/renderer). */
  uiDir: string;
  /** The core's data folder: thumbnails are served straight from its cache, without a call to the core. */
  dataDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Given by tests; a fresh random one otherwise. */
  token?: string;
  /** Where unexpected errors are reported (their messages only go to the page). */
  onError?: (error: unknown) => void;
  /** How long a client may take to send a request (tests shorten them). */
  limits?: Partial<RequestLimits>;
}

export interface RequestLimits {
  /** The whole request head must arrive within this, however slowly it trickles (slowloris). */
  headersMs: number;
  /** The whole request, body included (at most maxBodyBytes). */
  requestMs: number;
  /** How often those two are checked. */
  checkEveryMs: number;
}

/** Generous for a browser on the same machine, short enough that a stalled client lets go soon. */
export const defaultRequestLimits: RequestLimits = { headersMs: 10_000, requestMs: 30_000, checkEveryMs: 2_000 };

export interface RunningServer {
  port: number;
  token: string;
  /** The address to open: the token rides in the fragment, which browsers never send anywhere. */
  url: string;
  close(): Promise<void>;
}

/** API bodies are small JSON inputs; anything larger is a mistake or an attack. */
export const maxBodyBytes = 1024 * 1024;

/** A client that falls this far behind (a frozen tab) is dropped; it reconnects when it wakes. */
const maxBufferedEventBytes = 8 * 1024 * 1024;

const mediaPath = /^\/media\/(thumb|preview)\/([^/]+)$/;

/** Starts the loopback HTTP and WebSocket bridge between a browser page and the core. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  if (!existsSync(join(options.uiDir, 'index.html'))) {
    throw new UserError(`The web UI is not built (no ${join(options.uiDir, 'index.html')}). Run "npm run build:web" first.`);
  }
  const token = options.token ?? newAccessToken();
  const cacheDir = cacheDirOf(options.dataDir);
  const report = options.onError ?? (() => {});
  const limits = { ...defaultRequestLimits, ...options.limits };
  const http = createServer({
    headersTimeout: limits.headersMs,
    requestTimeout: limits.requestMs,
    connectionsCheckingInterval: limits.checkEveryMs,
  });
  // Pages never send anything on the event socket; a frame larger than this is not one of ours.
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  await new Promise<void>((resolve, reject) => {
    http.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new UserError(`Port ${options.port} is in use; choose another with --port, or leave it out to take a free one.`) : error),
    );
    http.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  // From here on an error of the listening socket (EMFILE on accept, say) is reported, never fatal.
  http.removeAllListeners('error');
  http.on('error', report);
  // Garbage, a truncated head, a timeout: answer if the connection can still take it, then drop it.
  http.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => refuseConnection(socket, clientErrorStatus(error)));
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  // Requests are handled only from here on, once the port (part of every allowed Host) is known.
  const access = new AccessCheck(token, port);

  http.on('request', (request, response) => {
    // A client gone mid-answer is no error of ours.
    response.on('error', () => response.destroy());
    handleRequest(request, response).catch((error: unknown) => {
      report(error);
      if (!response.headersSent) sendJson(response, 500, { error: 'Internal error' });
      else response.destroy();
    });
  });

  const handleRequest = async (request: IncomingMessage, response: ServerResponse) => {
    const hostAllowed = access.hostAllowed(request);
    setSecurityHeaders(response, hostAllowed ? request.headers.host! : null);
    if (!hostAllowed) return sendJson(response, 421, { error: 'Unknown host; open the address captionist serve printed.' });
    const url = parsedUrl(request.url);
    if (!url) return sendJson(response, 400, { error: 'That is not a valid address.' });

    if (url.pathname.startsWith('/api/')) {
      if (!access.headerTokenValid(request)) return sendJson(response, 401, { error: 'Missing or wrong access token.' });
      const name = decodedSegment(url.pathname.match(/^\/api\/call\/([^/]+)$/)?.[1]);
      if (name === undefined || !pageCallNames.includes(name as CallName)) return sendJson(response, 404, { error: 'No such call.' });
      if (request.method !== 'POST') return sendJson(response, 405, { error: 'Calls are POSTed.' }, { Allow: 'POST' });
      if (!access.originAllowed(request)) return sendJson(response, 403, { error: 'Cross-origin calls are refused.' });
      return answerCall(request, response, name as CallName);
    }

    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return sendJson(response, 405, { error: 'Method not allowed.' }, { Allow: 'GET, HEAD' });
    }
    if (url.pathname.startsWith('/media/')) {
      const media = url.pathname.match(mediaPath);
      if (!access.headerOrQueryTokenValid(request, url)) return sendJson(response, 401, { error: 'Missing or wrong access token.' });
      if (!media) return sendJson(response, 404, { error: 'Not found.' });
      const kind = media[1] as MediaKind;
      const fingerprint = media[2]!;
      const head = request.method === 'HEAD';
      if (kind === 'thumb') {
        // Known from its name alone (no decoding: a fingerprint is 32 hex digits, anything else
        // names no file), without asking the core: the first screen asks for dozens at once. A
        // fingerprint names the file's content, so its thumbnail never changes.
        const thumbnail = thumbnailFileIn(cacheDir, fingerprint);
        if (!thumbnail) return sendJson(response, 404, { error: 'Not found.' });
        return sendSmallFile(response, thumbnail, head, 'private, max-age=31536000, immutable');
      }
      // A preview may have to be made first, which is the core's work; previews are remade when
      // their size settings change, so they are checked again after an hour.
      const preview = await options.core.invoke('media:file', { kind, fingerprint });
      if (!preview) return sendJson(response, 404, { error: 'Not found.' });
      return sendFile(response, preview, head, 'private, max-age=3600');
    }

    const file = fileUnder(options.uiDir, url.pathname);
    if (!file) return sendJson(response, 404, { error: 'Not found.' });
    // Vite names assets by content hash; index.html must be checked each time to find new ones.
    const cacheControl = url.pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
    return sendFile(response, file, request.method === 'HEAD', cacheControl);
  };

  const answerCall = async (request: IncomingMessage, response: ServerResponse, name: CallName) => {
    const body = await readBody(request);
    if (body === 'too large') return sendJson(response, 413, { error: `A call's input may be at most ${maxBodyBytes} bytes.` });
    let input: unknown;
    try {
      input = body.length ? JSON.parse(body.toString('utf8')) : {};
    } catch {
      return sendJson(response, 400, { error: 'The input is not valid JSON.' });
    }
    try {
      sendJson(response, 200, (await options.core.invoke(name, input as CallInput<typeof name>)) ?? null);
    } catch (error) {
      if (error instanceof UserError) return sendJson(response, 400, { error: error.message });
      report(error);
      // The message helps the photographer; the stack stays in this process.
      sendJson(response, 500, { error: error instanceof Error ? error.message : String(error) });
    }
  };

  /** The event socket: checked like a call, then handed to ws. */
  const answerUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = parsedUrl(request.url);
    const refusal = !url
      ? '400 Bad Request'
      : url.pathname !== '/api/events'
        ? '404 Not Found'
        : !access.hostAllowed(request)
          ? '421 Misdirected Request'
          : !access.headerOrQueryTokenValid(request, url)
            ? '401 Unauthorized'
            : !access.originAllowed(request)
              ? '403 Forbidden'
              : null;
    if (refusal) return refuseConnection(socket, refusal);
    sockets.handleUpgrade(request, socket, head, (client) => {
      // A malformed frame (bad opcode, masking or UTF-8, too large) closes this socket alone.
      client.on('error', () => client.terminate());
      sockets.emit('connection', client);
    });
  };

  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node hands the socket over without its error listener: a reset here must not end the process.
    socket.on('error', () => socket.destroy());
    try {
      answerUpgrade(request, socket, head);
    } catch (error) {
      report(error);
      refuseConnection(socket, '500 Internal Server Error');
    }
  });

  const unsubscribe = options.events.subscribe((event) => {
    const message = JSON.stringify(event);
    for (const client of sockets.clients) send(client, message);
  });


  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/#token=${token}`,
    async close() {
      unsubscribe();
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
    },
  };
}

/** The request's URL, or null when it is not one (`//[` throws in the URL parser). */
function parsedUrl(raw: string | undefined): URL | null {
  try {
    return new URL(raw ?? '/', 'http://localhost');
  } catch {
    return null;
  }
}

/** The status Node's own handler would give a request it could not parse. */
function clientErrorStatus(error: NodeJS.ErrnoException): string {
  if (error.code === 'HPE_HEADER_OVERFLOW') return '431 Request Header Fields Too Large';
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return '408 Request Timeout';
  return '400 Bad Request';
}

/** Answers with a bare status and closes, when the connection can still take it; drops it otherwise. */
function refuseConnection(socket: Duplex, status: string): void {
  // Half an answer already sent (a keep-alive connection's earlier one) cannot take a status line.
  const started = 'bytesWritten' in socket && Number(socket.bytesWritten) > 0;
  if (!socket.writable || started) return void socket.destroy();
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  // Whatever the client does next (or does not), the connection is gone within a second.
  setTimeout(() => socket.destroy(), 1000).unref();
}

/** A path segment decoded (fetch may send `library%3Astatus`), or undefined when it cannot be. */
function decodedSegment(segment: string | undefined): string | undefined {
  try {
    return segment === undefined ? undefined : decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function send(client: WebSocket, message: string): void {
  if (client.readyState !== client.OPEN) return;
  if (client.bufferedAmount > maxBufferedEventBytes) client.terminate();
  else client.send(message);
}

/** The body, or 'too large' as soon as it passes the limit (the rest is not read into memory). */
async function readBody(request: IncomingMessage): Promise<Buffer | 'too large'> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > maxBodyBytes) {
    // Discarded unread, so the client sees the 413 rather than a reset connection.
    request.resume();
    return 'too large';
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyBytes) {
      request.resume();
      return 'too large';
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: OutgoingHttpHeaders = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    // A refused oversized body is not read: close instead of draining it.
    ...(status === 413 ? { Connection: 'close' } : {}),
    ...headers,
  });
  response.end(text);
}

/**
 * The desktop app's policy (src/main/electron/security.ts) for a page served over HTTP: its own
 * origin for everything, plus the event socket on the same host and port. No CORS headers: no
 * other origin may read anything here.
 */
function setSecurityHeaders(response: ServerResponse, host: string | null): void {
  const policy = [
    `default-src 'self'`,
    `img-src 'self' data:`,
    `style-src 'self' 'unsafe-inline'`,
    `script-src 'self'`,
    `connect-src 'self'${host ? ` ws://${host}` : ''}`,
    `object-src 'none'`,
    `base-uri 'none'`,
    `form-action 'none'`,
    `frame-ancestors 'none'`,
  ].join('; ');
  response.setHeader('Content-Security-Policy', policy);
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('X-Frame-Options', 'DENY');
  response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  response.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}
