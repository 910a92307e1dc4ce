import type { ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';

/** How a broken or hostile server answers, whatever protocol it pretends to speak. */
export type HostileAnswer =
  /** 200 with a JSON content type and a body that goes on until the client hangs up (or 200 MB). */
  | 'endless'
  /** 500 with an error page that goes on until the client hangs up (or 200 MB). */
  | 'endless-error'
  /** 200 with 64 KB of gzip that unpacks to 64 MB. */
  | 'gzip-bomb'
  /** 200, then one byte a second until the client hangs up. */
  | 'trickle'
  /** 200 announcing 500 bytes, then the connection closes after a few. */
  | 'broken-off'
  /** 200 with nothing in it. */
  | 'empty'
  /** 200 with a JSON array nested 500,000 deep: 1 MB, within the size cap. */
  | 'deeply-nested'
  /** 200 with JSON of the wrong shape: a list of numbers. */
  | 'wrong-shape'
  /** 400 whose error message is an array nested 30,000 deep (60 KB): JSON.stringify overflows the stack on it. */
  | 'deeply-nested-error'
  /** A status outside HTTP's range. */
  | 'status-700'
  /** Bytes that are not HTTP at all, then the connection closes. */
  | 'not-http'
  /** 200 with 100 KB of headers, past what any client reads. */
  | 'huge-headers'
  /** 307 to another address, the way a key would be lured elsewhere. */
  | { redirectTo: string };

/** What a hostile answer wrote before the client hung up. */
export interface HostileTally {
  bytesSent: number;
}

const endlessLimit = 200 * 1024 * 1024;
const chunk = Buffer.alloc(64 * 1024, 'a');
let gzipBomb: Buffer | undefined;

export function newTally(): HostileTally {
  return { bytesSent: 0 };
}

export function sendHostile(response: ServerResponse, answer: HostileAnswer, tally: HostileTally = newTally()): void {
  const json = { 'content-type': 'application/json' };
  if (typeof answer === 'object') {
    response.writeHead(307, { location: answer.redirectTo, 'content-type': 'text/plain' });
    return void response.end(`Moved to ${answer.redirectTo}`);
  }
  switch (answer) {
    case 'endless':
      response.writeHead(200, json);
      return writeEndlessly(response, '{"id":"x","choices":[{"message":{"content":"', tally);
    case 'endless-error':
      response.writeHead(500, { 'content-type': 'text/html' });
      return writeEndlessly(response, '<html><body><h1>Internal error</h1><pre>', tally);
    case 'gzip-bomb':
      response.writeHead(200, { ...json, 'content-encoding': 'gzip' });
      return void response.end((gzipBomb ??= gzipSync(Buffer.alloc(64 * 1024 * 1024, ' '))));
    case 'trickle': {
      response.writeHead(200, json);
      response.write('{');
      const timer = setInterval(() => response.write(' '), 1000);
      return void response.on('close', () => clearInterval(timer));
    }
    case 'broken-off':
      response.writeHead(200, { ...json, 'content-length': '500' });
      return void response.write('{"id":"chatcmpl-1","status":', () => response.socket?.destroy());
    case 'empty':
      response.writeHead(200, { ...json, 'content-length': '0' });
      return void response.end();
    case 'deeply-nested':
      response.writeHead(200, json);
      return void response.end(`${'['.repeat(500_000)}${']'.repeat(500_000)}`);
    case 'wrong-shape':
      response.writeHead(200, json);
      return void response.end('[1,2,3]');
    case 'deeply-nested-error':
      response.writeHead(400, json);
      return void response.end(`{"error":{"message":${'['.repeat(30_000)}${']'.repeat(30_000)}}}`);
    case 'status-700':
      response.writeHead(700, json);
      return void response.end('{}');
    case 'not-http':
      return void response.socket?.end('SSH-2.0-OpenSSH_9.6\r\n\r\n');
    case 'huge-headers':
      response.writeHead(200, { ...json, 'x-padding': 'a'.repeat(100_000) });
      return void response.end('{}');
  }
}

/** Writes `start`, then filler as fast as the client takes it, until it hangs up or 200 MB went out. */
function writeEndlessly(response: ServerResponse, start: string, tally: HostileTally): void {
  let closed = false;
  response.on('close', () => (closed = true));
  response.write(start);
  const more = () => {
    while (!closed && tally.bytesSent < endlessLimit) {
      tally.bytesSent += chunk.length;
      if (!response.write(chunk)) return void response.once('drain', more);
    }
    if (!closed) response.end();
  };
  more();
}
