import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { WebSocket } from 'ws';
import { EventHub } from '../../src/main/server/event-hub';
import type { CoreEvent } from '../../src/main/server/event-hub';
import { maxBodyBytes, startServer } from '../../src/main/server/server';
import type { ServerOptions } from '../../src/main/server/server';
import { rawRequest } from '../helpers/browser';
import {
  closeCodeOf,
  endOfHead,
  frame,
  opcodes,
  rawConnection,
  rawEventSocket,
  statusOf,
  upgradeRequest,
} from '../helpers/raw-http';
import { testCore } from '../helpers/core';
import { tempDir, writeJpeg } from '../helpers/files';

const uiDir = resolve(import.meta.dirname, '../../out/renderer');
const token = 'a'.repeat(43);
const bearer = { Authorization: `Bearer ${token}` };

/** A server over a real core whose library holds one indexed photo; `served` lists the calls the server made of the core. */
async function servedLibrary(override: Partial<ServerOptions> = {}) {
  const events = new EventHub();
  const core = testCore({ emit: events.emit });
  const library = tempDir();
  await writeJpeg(join(library, 'harbour.jpg'));
  await core.invoke('library:addFolder', { path: library });
  await core.invoke('library:index', { paths: [library] });
  const [photo] = (await core.invoke('photos:search', {})).results;
  const served: string[] = [];
  const recorded: ServerOptions['core'] = { invoke: (name, input) => (served.push(name), core.invoke(name, input)) };
  const server = await startServer({ core: recorded, events, uiDir, dataDir: core.dataDir, token, ...override });
  onTestFinished(() => server.close());
  const call = (name: string, body: string, headers: Record<string, string> = {}) =>
    rawRequest(server.port, `/api/call/${name}`, {
      method: 'POST',
      headers: { Host: `127.0.0.1:${server.port}`, 'Content-Type': 'application/json', ...bearer, ...headers },
      body,
    });
  return { core, events, library, server, fingerprint: photo!.fingerprint, call, served };
}

/** Opens the event socket; resolves with the socket once open, or the HTTP status that refused it. */
function openEvents(port: number, query: string, headers: Record<string, string> = {}): Promise<WebSocket | number> {
  return new Promise((resolvePromise, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/api/events${query}`, { headers });
    socket.once('open', () => resolvePromise(socket));
    socket.once('unexpected-response', (_request, response) => resolvePromise(response.statusCode ?? 0));
    socket.once('error', reject);
  });
}

describe('captionist serve, over HTTP', () => {
  it('refuses the API, media and event socket without the right token', async () => {
    const { server, fingerprint, call } = await servedLibrary();
    const host = { Host: `127.0.0.1:${server.port}` };

    expect((await call('library:status', '{}', { Authorization: '' })).status).toBe(401);
    expect((await call('library:status', '{}', { Authorization: `Bearer ${'b'.repeat(43)}` })).status).toBe(401);
    expect((await call('library:status', '{}', { Authorization: `Bearer ${token}x` })).status).toBe(401);
    expect((await rawRequest(server.port, `/media/thumb/${fingerprint}`, { headers: host })).status).toBe(401);
    expect((await rawRequest(server.port, `/media/thumb/${fingerprint}?token=wrong`, { headers: host })).status).toBe(401);
    expect(await openEvents(server.port, '')).toBe(401);
    expect(await openEvents(server.port, '?token=wrong')).toBe(401);

    // The page itself needs no token: it only reads the one in its address.
    expect((await rawRequest(server.port, '/', { headers: host })).status).toBe(200);
  });

  it('refuses other host names (DNS rebinding) and other origins', async () => {
    const { server, fingerprint, call } = await servedLibrary();
    const rebound = { Host: `attacker.example:${server.port}` };
    expect((await rawRequest(server.port, '/', { headers: rebound })).status).toBe(421);
    expect((await call('library:status', '{}', rebound)).status).toBe(421);
    expect((await rawRequest(server.port, `/media/thumb/${fingerprint}?token=${token}`, { headers: rebound })).status).toBe(421);
    expect(await openEvents(server.port, `?token=${token}`, rebound)).toBe(421);
    // The same port under another loopback name is still another origin.
    expect((await rawRequest(server.port, '/', { headers: { Host: `127.0.0.2:${server.port}` } })).status).toBe(421);

    const foreign = { Origin: 'https://attacker.example' };
    expect((await call('library:status', '{}', foreign)).status).toBe(403);
    expect(await openEvents(server.port, `?token=${token}`, foreign)).toBe(403);
    expect((await call('library:status', '{}', { Origin: `http://localhost:${server.port}`, Host: `localhost:${server.port}` })).status).toBe(200);
  });

  it('serves only the built UI: no way out of its folder', async () => {
    const { server } = await servedLibrary();
    const get = (path: string) => rawRequest(server.port, path, { headers: { Host: `127.0.0.1:${server.port}` } });

    const index = await get('/');
    expect(index.status).toBe(200);
    expect(index.body).toContain('<div id="root">');
    for (const path of [
      '/../../package.json',
      '/..%2f..%2fpackage.json',
      '/%2e%2e/%2e%2e/package.json',
      '/assets/..%2f..%2f..%2fpackage.json',
      '/%2fetc%2fpasswd',
      '//etc/passwd',
      '/..%5c..%5cpackage.json',
      '/index.html%00.js',
      '/%E0%A4%A',
    ]) {
      const response = await get(path);
      expect(response.status, path).toBe(404);
      expect(response.body, path).not.toMatch(/"name": "captionist"|root:/);
    }
    expect((await rawRequest(server.port, '/', { method: 'DELETE', headers: { Host: `127.0.0.1:${server.port}` } })).status).toBe(405);
  });

  it('answers calls through the contract, with the server\'s message on errors', async () => {
    const { server, call } = await servedLibrary();

    const status = await call('library:status', '{}');
    expect(status.status).toBe(200);
    expect(JSON.parse(status.body)).toMatchObject({ folders: 1, photos: 1 });
    const found = await call('photos:search', JSON.stringify({ text: 'harbour' }));
    expect(JSON.parse(found.body)).toMatchObject({ total: 1, results: [{ fileName: 'harbour.jpg' }] });

    expect(await call('photos:search', JSON.stringify({ folderId: 'first' }))).toMatchObject({
      status: 400,
      body: expect.stringContaining('Invalid folderId'),
    });
    expect(await call('library:addFolder', JSON.stringify({ path: '/no/such/folder' }))).toMatchObject({
      status: 400,
      body: expect.stringContaining('/no/such/folder'),
    });
    expect((await call('library%3Astatus', '{}')).status).toBe(200);
    expect((await call('library:explode', '{}')).status).toBe(404);
    expect((await call('%E0%A4%A', '{}')).status).toBe(404);
    expect((await call('photos:search', '{"text": ')).status).toBe(400);
    const huge = JSON.stringify({ text: 'x'.repeat(maxBodyBytes) });
    expect(await call('photos:search', huge)).toMatchObject({ status: 413, body: expect.stringContaining('at most') });
    expect((await rawRequest(server.port, '/api/call/library:status', { headers: { Host: `127.0.0.1:${server.port}`, ...bearer } })).status).toBe(405);

    // Every answer carries the strict policy and no CORS permission.
    expect(status.headers).toMatchObject({
      'content-security-policy': expect.stringMatching(/script-src 'self';.*connect-src 'self' ws:\/\/127\.0\.0\.1:\d+;.*frame-ancestors 'none'/),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
    expect(status.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('says how to build the UI when it is missing', async () => {
    const core = testCore();
    await expect(startServer({ core, events: new EventHub(), uiDir: tempDir(), dataDir: core.dataDir })).rejects.toThrow(/npm run build:web/);
  });

  it('reports an unexpected error by its message only, never its stack', async () => {
    const events = new EventHub();
    const reported: unknown[] = [];
    // A core whose database went away under it: the one failure a healthy core cannot produce on demand.
    const failing = { invoke: () => Promise.reject(new Error('The database file is locked')) };
    const server = await startServer({ core: failing, events, uiDir, dataDir: tempDir(), token, onError: (error) => reported.push(error) });
    onTestFinished(() => server.close());
    const response = await rawRequest(server.port, '/api/call/library:status', {
      method: 'POST',
      headers: { Host: `127.0.0.1:${server.port}`, ...bearer },
      body: '{}',
    });
    expect(response).toMatchObject({ status: 500, body: '{"error":"The database file is locked"}' });
    expect(reported).toHaveLength(1);
  });

  it('serves thumbnails for good and previews on demand, and nothing else under /media', async () => {
    const { server, fingerprint } = await servedLibrary();
    const get = (path: string) => rawRequest(server.port, path, { headers: { Host: `127.0.0.1:${server.port}`, ...bearer } });

    const thumb = await get(`/media/thumb/${fingerprint}`);
    expect(thumb.status).toBe(200);
    expect(thumb.headers).toMatchObject({ 'content-type': 'image/jpeg', 'cache-control': expect.stringContaining('immutable') });
    const preview = await get(`/media/preview/${fingerprint}?token=${token}`);
    expect(preview).toMatchObject({ status: 200, headers: { 'content-type': 'image/jpeg' } });

    for (const path of [
      `/media/thumb/${'0'.repeat(32)}`,
      `/media/thumb/..%2f..%2flibrary.db`,
      `/media/thumb/..`,
      `/media/thumb/${fingerprint.toUpperCase()}`,
      `/media/thumb/${fingerprint}.jpg`,
      `/media/thumb/${fingerprint}%00`,
      `/media/original/${fingerprint}`,
      `/media/thumb/${fingerprint}/extra`,
    ]) {
      expect((await get(path)).status, path).toBe(404);
    }
  });

  it('reads a thumbnail from the cache without a call to the core; a preview still asks the core', async () => {
    const { server, fingerprint, served, core } = await servedLibrary();
    const get = (path: string) => rawRequest(server.port, path, { headers: { Host: `127.0.0.1:${server.port}`, ...bearer } });
    const thumbnail = await get(`/media/thumb/${fingerprint}`);
    expect(thumbnail.status).toBe(200);
    const cached = await core.invoke('media:file', { kind: 'thumb', fingerprint });
    expect(thumbnail.headers).toMatchObject({ 'content-type': 'image/jpeg', 'content-length': String((await stat(cached!)).size) });
    const head = await rawRequest(server.port, `/media/thumb/${fingerprint}`, { method: 'HEAD', headers: { Host: `127.0.0.1:${server.port}`, ...bearer } });
    expect(head).toMatchObject({ status: 200, body: '', headers: { 'content-length': thumbnail.headers['content-length'] } });
    expect(served).toEqual([]);
    expect((await get(`/media/preview/${fingerprint}`)).status).toBe(200);
    expect(served).toEqual(['media:file']);
  });

  it('pushes every core event to every connected page', async () => {
    const { server, library, call } = await servedLibrary();
    const sockets = await Promise.all([1, 2].map(() => openEvents(server.port, `?token=${token}`)));
    const received = sockets.map((socket) => {
      if (typeof socket === 'number') throw new Error(`The event socket was refused with ${socket}`);
      onTestFinished(() => socket.close());
      const events: CoreEvent[] = [];
      socket.on('message', (data) => events.push(JSON.parse(String(data)) as CoreEvent));
      return events;
    });

    await writeJpeg(join(library, 'lighthouse.jpg'), { seed: 3 });
    expect((await call('library:index', JSON.stringify({ paths: [library] }))).status).toBe(200);

    for (const events of received) {
      await expect.poll(() => events.map((event) => event.name)).toContain('library:changed');
      expect(events).toContainEqual({ name: 'index:progress', payload: expect.objectContaining({ phase: 'done' }) });
    }
  });
});

/** Records exceptions nothing caught while the current test runs (each would end `captionist serve`). */
function uncaughtExceptions(): unknown[] {
  const caught: unknown[] = [];
  const record = (error: unknown) => caught.push(error);
  process.on('uncaughtException', record);
  onTestFinished(() => void process.off('uncaughtException', record));
  return caught;
}

describe('captionist serve never dies of a request', () => {
  it('answers a URL the parser rejects with 400, as a request and as an upgrade', async () => {
    const { server, call } = await servedLibrary();
    const uncaught = uncaughtExceptions();

    for (const request of [
      upgradeRequest(server.port, '//['),
      upgradeRequest(server.port, '//[', { Authorization: `Bearer ${token}` }),
      `GET //[ HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`,
    ]) {
      const connection = await rawConnection(server.port);
      connection.socket.write(request);
      await connection.until(endOfHead);
      expect(statusOf(connection.received()), request).toBe(400);
      connection.socket.destroy();
    }
    expect((await call('library:status', '{}')).status).toBe(200);
    expect(uncaught).toEqual([]);
  });

  it('answers garbage with 400, and a head too large with 431', async () => {
    const { server, call } = await servedLibrary();
    const uncaught = uncaughtExceptions();

    const garbage = await rawConnection(server.port);
    garbage.socket.write(Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0x00, 0x0d, 0x0a, 0x0d, 0x0a]));
    await garbage.closed;
    expect(statusOf(garbage.received())).toBe(400);

    const huge = await rawConnection(server.port);
    huge.socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nX-Padding: ${'x'.repeat(20_000)}\r\n\r\n`);
    await huge.closed;
    expect(statusOf(huge.received())).toBe(431);

    // A client that resets the connection in the middle of an upgrade.
    const reset = await rawConnection(server.port);
    reset.socket.write(upgradeRequest(server.port, '/api/events?token=wrong').slice(0, 40));
    reset.socket.resetAndDestroy();

    expect((await call('library:status', '{}')).status).toBe(200);
    expect(uncaught).toEqual([]);
  });

  it('closes only the socket that sends a malformed frame; the other pages keep their events', async () => {
    const { server, library, call } = await servedLibrary();
    const uncaught = uncaughtExceptions();
    const observer = await openEvents(server.port, `?token=${token}`);
    if (typeof observer === 'number') throw new Error(`The event socket was refused with ${observer}`);
    onTestFinished(() => observer.close());
    const observed: string[] = [];
    observer.on('message', (data) => observed.push((JSON.parse(String(data)) as CoreEvent).name));

    const malformed: [string, Buffer, number][] = [
      ['an opcode that does not exist', frame({ opcode: 0x3, payload: Buffer.from('hi') }), 1002],
      ['a reserved control opcode', frame({ opcode: 0xb }), 1002],
      ['a message over the size limit', frame({ opcode: opcodes.text, payload: Buffer.alloc(4096, 0x61) }), 1009],
      ['a length past 2^53', frame({ opcode: opcodes.binary, declaredLength: 2n ** 63n }), 1009],
      ['an unmasked frame', frame({ opcode: opcodes.text, payload: Buffer.from('hello'), masked: false }), 1002],
      ['text that is not UTF-8', frame({ opcode: opcodes.text, payload: Buffer.from([0xc3, 0x28, 0xff]) }), 1007],
      ['reserved bits with no extension', frame({ opcode: opcodes.text, rsv: 4, payload: Buffer.from('x') }), 1002],
      ['a fragmented ping', frame({ opcode: opcodes.ping, fin: false }), 1002],
      ['a continuation with nothing to continue', frame({ opcode: opcodes.continuation, payload: Buffer.from('x') }), 1002],
      ['a close code that does not exist', frame({ opcode: opcodes.close, payload: Buffer.from([0x03, 0xe7]) }), 1002],
    ];
    for (const [what, bytes, expectedCode] of malformed) {
      const connection = await rawEventSocket(server.port, token);
      connection.socket.write(bytes);
      await connection.until((received) => closeCodeOf(received) !== undefined);
      expect(closeCodeOf(connection.received()), what).toBe(expectedCode);
      connection.socket.destroy();
    }

    expect(observer.readyState).toBe(observer.OPEN);
    await writeJpeg(join(library, 'lighthouse.jpg'), { seed: 3 });
    expect((await call('library:index', JSON.stringify({ paths: [library] }))).status).toBe(200);
    await expect.poll(() => observed).toContain('library:changed');
    expect(uncaught).toEqual([]);
  });

  it('takes the token only in the header for calls, and also from the URL for media and events', async () => {
    const { server, fingerprint, call } = await servedLibrary();
    const host = { Host: `127.0.0.1:${server.port}` };

    const inQuery = await rawRequest(server.port, `/api/call/library:status?token=${token}`, { method: 'POST', headers: host, body: '{}' });
    expect(inQuery.status).toBe(401);
    expect((await call('library:status', '{}')).status).toBe(200);
    expect((await rawRequest(server.port, `/media/thumb/${fingerprint}?token=${token}`, { headers: host })).status).toBe(200);
    const events = await openEvents(server.port, `?token=${token}`);
    expect(events).not.toBeTypeOf('number');
    if (typeof events !== 'number') events.close();
  });

  it('lets go of clients that trickle their request or send nothing (slowloris)', async () => {
    const limits = { headersMs: 1000, requestMs: 2000, checkEveryMs: 200 };
    const { server, call } = await servedLibrary({ limits });
    // Timers on a busy shared machine fire late: room for that, far below Node's own 60 s and 300 s.
    const slack = 3000;
    const started = Date.now();

    const silent = await rawConnection(server.port);
    const trickling = await rawConnection(server.port);
    trickling.socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nX-Slow: `);
    const drip = setInterval(() => trickling.socket.write('a'), 100);
    onTestFinished(() => clearInterval(drip));
    const slowBody = await rawConnection(server.port);
    slowBody.socket.write(
      `POST /api/call/library:status HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nAuthorization: Bearer ${token}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
    );
    const dripBody = setInterval(() => slowBody.socket.write(' '), 100);
    onTestFinished(() => clearInterval(dripBody));

    // Meanwhile the server answers everyone else.
    expect((await call('library:status', '{}')).status).toBe(200);
    await Promise.all([silent.closed, trickling.closed]);
    expect(Date.now() - started).toBeLessThan(limits.headersMs + 2 * limits.checkEveryMs + slack);
    await slowBody.closed;
    expect(Date.now() - started).toBeLessThan(limits.requestMs + 2 * limits.checkEveryMs + slack);
    expect(statusOf(trickling.received())).toBe(408);
  });
});
