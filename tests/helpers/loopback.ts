import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export type Route = (request: RecordedRequest, response: ServerResponse) => void | Promise<void>;

export interface LoopbackServer {
  /** http://127.0.0.1:PORT, no trailing slash. */
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1 speaking whatever protocol `route` implements; it records every
 * request and closes when the test ends. `port` brings a server up where one was down.
 */
export async function loopbackServer(route: Route, port = 0): Promise<LoopbackServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const request: RecordedRequest = {
        method: incoming.method ?? 'GET',
        path: incoming.url ?? '/',
        headers: incoming.headers,
        body: Buffer.concat(chunks),
      };
      requests.push(request);
      Promise.resolve(route(request, response)).catch((error: unknown) => {
        if (!response.headersSent) response.writeHead(599);
        response.end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  onTestFinished(close);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, close };
}

/** Stands for bytes that are not UTF-8 in any text a test server sends: sendJson writes 0xFF 0xFE 0xC3 in its place. */
export const notUtf8 = '<not-utf8>';

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  const parts = JSON.stringify(body).split(notUtf8);
  const badBytes = Buffer.from([0xff, 0xfe, 0xc3]);
  response.end(Buffer.concat(parts.flatMap((part, index) => (index ? [badBytes, Buffer.from(part)] : [Buffer.from(part)]))));
}

export function jsonBody(request: RecordedRequest): Record<string, unknown> {
  return JSON.parse(request.body.toString('utf8')) as Record<string, unknown>;
}

/** A port nothing listens on: connections to it are refused at once. */
export async function closedPortUrl(): Promise<string> {
  const server = await loopbackServer(() => {});
  await server.close();
  return server.url;
}
