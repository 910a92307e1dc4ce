import { createReadStream, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, isAbsolute, relative, resolve } from 'node:path';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/**
 * The file under `root` that a URL path names, or null for anything outside it: `..` segments
 * (encoded or not), absolute paths, backslashes and NUL bytes all come out as null.
 */
export function fileUnder(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const relativePath = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  if (isAbsolute(relativePath)) return null;
  const file = resolve(root, relativePath);
  const inside = relative(root, file);
  if (!inside || inside.startsWith('..') || isAbsolute(inside)) return null;
  return file;
}

/** Streams a file, or answers 404 when it is not a regular file. Hashed assets are cached for good. */
export async function sendFile(response: ServerResponse, file: string, head: boolean, cacheControl?: string): Promise<void> {
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) return notFound(response);
  writeFileHead(response, file, info.size, cacheControl);
  if (head) {
    response.end();
    return;
  }
  createReadStream(file)
    .on('error', () => response.destroy())
    .pipe(response);
}

/**
 * Sends a small file (a thumbnail, tens of kilobytes) read whole in one call on this thread, as a
 * bare static server does: the first screen asks for dozens at once, and for each a stat, an open
 * and a stream through libuv's thread pool cost more than the read itself.
 */
export function sendSmallFile(response: ServerResponse, file: string, head: boolean, cacheControl: string): void {
  let body: Buffer;
  try {
    body = readFileSync(file);
  } catch {
    // Missing, a folder, unreadable: as sendFile, nothing but a 404.
    return notFound(response);
  }
  writeFileHead(response, file, body.length, cacheControl);
  response.end(head ? undefined : body);
}

function writeFileHead(response: ServerResponse, file: string, size: number, cacheControl = 'no-cache'): void {
  response.writeHead(200, {
    'Content-Type': contentTypes[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': size,
    'Cache-Control': cacheControl,
  });
}

function notFound(response: ServerResponse): void {
  response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found');
}
