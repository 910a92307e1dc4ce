import { randomBytes } from 'node:crypto';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { random } from '../../bench/search-library';
import { createCore } from '../../src/main/core';
import { defaultRequestLimits } from '../../src/main/server/server';
import { rawRequest } from '../helpers/browser';
import { writeJpeg } from '../helpers/files';
import { frame, opcodes, rawConnection, rawEventSocket, statusOf, upgradeRequest } from '../helpers/raw-http';
import type { RawConnection } from '../helpers/raw-http';
import { spawnServe } from '../helpers/serve-process';
import type { ServeProcess } from '../helpers/serve-process';

/** Long enough for the slowloris client below to outlast the server's patience, bounded for a shared machine. */
const fuzzMs = 12_000;
const parallelClients = 6;
const seed = Number(process.env.CAPTIONIST_FUZZ_SEED ?? 20_261_204);

let serve: ServeProcess;
let home: string;
let library: string;

beforeAll(async () => {
  home = realpathSync(mkdtempSync(join(tmpdir(), 'captionist-home-')));
  library = realpathSync(mkdtempSync(join(tmpdir(), 'captionist-library-')));
  await writeJpeg(join(library, 'harbour.jpg'));
  const core = createCore({ dataDir: home, concurrency: 2 });
  await core.invoke('library:addFolder', { path: library });
  await core.invoke('library:index', { paths: [library] });
  await core.close();
  serve = await spawnServe(home);
});

afterAll(async () => {
  await serve?.stop();
  rmSync(home, { recursive: true, force: true });
  rmSync(library, { recursive: true, force: true });
});

type Random = () => number;
const below = (next: Random, n: number) => Math.floor(next() * n);
const pick = <T>(next: Random, list: readonly T[]): T => list[below(next, list.length)]!;
const bytes = (next: Random, n: number) => Buffer.from(Array.from({ length: n }, () => below(next, 256)));

/** Requests a browser or curl would send, to be cut short or mangled. */
function validRequests(port: number, token: string): string[] {
  const host = `Host: 127.0.0.1:${port}\r\n`;
  const body = '{"text":"harbour"}';
  return [
    `GET / HTTP/1.1\r\n${host}\r\n`,
    `POST /api/call/photos:search HTTP/1.1\r\n${host}Authorization: Bearer ${token}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${body.length}\r\n\r\n${body}`,
    `GET /media/thumb/${'0'.repeat(32)}?token=${token} HTTP/1.1\r\n${host}\r\n`,
    upgradeRequest(port, `/api/events?token=${token}`),
  ];
}

const badPaths = ['//[', '/api/events?token=%', '//[::1', '/%', '*', '/api/events/../..', '/api/events#', 'http://[', '\u00ff/'];

function badUpgrade(next: Random, port: number, token: string): string | Buffer {
  const path = next() < 0.6 ? pick(next, badPaths) : `/api/events?token=${token}${pick(next, ['', '%zz', '&token=x', '[]'])}`;
  const headers = pick(next, [
    {},
    { 'Sec-WebSocket-Key': '' },
    { 'Sec-WebSocket-Version': '8' },
    { Upgrade: 'h2c' },
    { Host: 'attacker.example' },
    { Origin: 'null' },
    { 'Sec-WebSocket-Extensions': 'permessage-deflate; server_max_window_bits=99' },
    { 'X-Filler': 'y'.repeat(20_000) },
  ] as Record<string, string>[]);
  const request = upgradeRequest(port, path, headers);
  return next() < 0.2 ? Buffer.concat([Buffer.from(request), bytes(next, 64)]) : request;
}

function badFrame(next: Random): Buffer {
  const payload = bytes(next, below(next, 300));
  return pick(next, [
    () => frame({ opcode: pick(next, [0x3, 0x4, 0x5, 0x6, 0x7, 0xb, 0xc, 0xd, 0xe, 0xf]), payload }),
    () => frame({ opcode: opcodes.text, payload: Buffer.alloc(1025 + below(next, 60_000), 0x61) }),
    () => frame({ opcode: opcodes.binary, declaredLength: BigInt(2 ** 53) + BigInt(below(next, 1000)) }),
    () => frame({ opcode: opcodes.text, payload: Buffer.from('hello'), masked: false }),
    () => frame({ opcode: opcodes.text, payload: Buffer.from([0xc3, 0x28, 0xed, 0xa0, 0x80, 0xff]) }),
    () => frame({ opcode: opcodes.text, payload, rsv: 1 + below(next, 7) }),
    () => frame({ opcode: opcodes.ping, payload: Buffer.alloc(126) }),
    () => frame({ opcode: opcodes.close, payload: Buffer.from([0x00]) }),
    () => frame({ opcode: opcodes.continuation, payload }),
    () => Buffer.concat([frame({ opcode: opcodes.text, payload: Buffer.from('part'), fin: false }), frame({ opcode: opcodes.binary, payload })]),
    () => frame({ opcode: opcodes.text, payload: Buffer.from('a well-formed message nobody asked for') }),
    () => payload,
  ])();
}

/** Writes `data` in a few pieces, as a slow or odd client would. */
async function writeInPieces(connection: RawConnection, data: string | Buffer, next: Random): Promise<void> {
  const buffer = Buffer.from(data);
  const pieces = 1 + below(next, 3);
  for (let i = 0; i < pieces && !connection.socket.destroyed; i++) {
    connection.socket.write(buffer.subarray(Math.floor((i * buffer.length) / pieces), Math.floor(((i + 1) * buffer.length) / pieces)));
    if (pieces > 1) await new Promise((done) => setTimeout(done, below(next, 20)));
  }
}

/** Leaves the connection the way a client might: waits for the server's answer, hangs up, or resets. */
async function leave(connection: RawConnection, next: Random): Promise<void> {
  const way = below(next, 3);
  if (way === 0) await connection.until(() => false, 300).catch(() => undefined);
  if (way === 1) connection.socket.end();
  connection.socket.resetAndDestroy();
}

describe('captionist serve under a fuzzer', () => {
  it('stays up through garbage, truncated requests, bad upgrades and bad frames, and lets go of stalled clients', async () => {
    const { port, token } = serve;
    const authorised = () =>
      rawRequest(port, '/api/call/library:status', {
        method: 'POST',
        headers: { Host: `127.0.0.1:${port}`, Authorization: `Bearer ${token}` },
        body: '{}',
      });
    const observer = new WebSocket(`ws://127.0.0.1:${port}/api/events?token=${token}`);
    await new Promise((done, fail) => observer.once('open', done).once('error', fail));
    const observed: string[] = [];
    observer.on('message', (data) => observed.push((JSON.parse(String(data)) as { name: string }).name));

    // Slowloris: a head trickled a byte at a time, and a connection that never says anything.
    const stalledSince = Date.now();
    const trickling = await rawConnection(port);
    trickling.socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Slow: `);
    const drip = setInterval(() => trickling.socket.write('a'), 500);
    const silent = await rawConnection(port);
    const stalledClosedAt = Promise.all([trickling.closed, silent.closed]).then(() => Date.now());

    const counts = { garbage: 0, truncated: 0, badUpgrade: 0, badFrame: 0 };
    const statuses = new Set<number>();
    const deadline = Date.now() + fuzzMs;
    const client = async (clientSeed: number) => {
      const next = random(clientSeed);
      while (Date.now() < deadline) {
        const kind = pick(next, Object.keys(counts) as (keyof typeof counts)[]);
        counts[kind]++;
        const connection = kind === 'badFrame' ? await rawEventSocket(port, token) : await rawConnection(port);
        if (kind === 'garbage') await writeInPieces(connection, bytes(next, 1 + below(next, 2048)), next);
        if (kind === 'truncated') {
          const request = pick(next, validRequests(port, token));
          await writeInPieces(connection, request.slice(0, 1 + below(next, request.length - 1)), next);
        }
        if (kind === 'badUpgrade') await writeInPieces(connection, badUpgrade(next, port, token), next);
        if (kind === 'badFrame') await writeInPieces(connection, badFrame(next), next);
        await leave(connection, next);
        statuses.add(statusOf(connection.received()));
      }
    };
    await Promise.all(Array.from({ length: parallelClients }, (_, i) => client(seed + i)));

    expect(serve.process.exitCode, serve.output()).toBeNull();
    expect(Object.values(counts).every((count) => count >= 20), JSON.stringify(counts)).toBe(true);
    // Every answer was a refusal or a switch to WebSocket, never an unexpected failure.
    expect([...statuses].filter((status) => status >= 500)).toEqual([]);
    expect((await authorised()).status).toBe(200);

    // The page that behaved still gets its events.
    expect(observer.readyState).toBe(WebSocket.OPEN);
    await writeJpeg(join(library, `lighthouse-${randomBytes(4).toString('hex')}.jpg`), { seed: 5 });
    const indexed = await rawRequest(port, '/api/call/library:index', {
      method: 'POST',
      headers: { Host: `127.0.0.1:${port}`, Authorization: `Bearer ${token}` },
      body: JSON.stringify({ paths: [library] }),
    });
    expect(indexed.status).toBe(200);
    await expect.poll(() => observed).toContain('library:changed');
    observer.close();

    const { headersMs, checkEveryMs } = defaultRequestLimits;
    expect((await stalledClosedAt) - stalledSince).toBeLessThan(headersMs + 2 * checkEveryMs + 3000);
    clearInterval(drip);
    expect(serve.process.exitCode, serve.output()).toBeNull();
  });
});
