import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import type { Socket } from 'node:net';

/**
 * Bytes on a bare TCP connection to a local server, for what no HTTP or WebSocket client would
 * send: garbage, cut-off requests, malformed frames.
 */
export interface RawConnection {
  socket: Socket;
  /** Everything the server sent so far. */
  received(): Buffer;
  /** Resolves when the server has closed (or reset) the connection. */
  closed: Promise<void>;
  /**
   * Resolves once `predicate` holds for what was received, or the connection closed first; fails
   * when neither happens within `timeoutMs`.
   */
  until(predicate: (received: Buffer) => boolean, timeoutMs?: number): Promise<void>;
}

export function rawConnection(port: number): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const waiters = new Set<() => void>();
    const wake = () => {
      for (const waiter of waiters) waiter();
    };
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      wake();
    });
    // Resets are what some of these tests expect; the test reads them from `closed`.
    socket.on('error', () => {});
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    void closed.then(wake);
    const received = () => Buffer.concat(chunks);
    const until = (predicate: (received: Buffer) => boolean, timeoutMs = 10_000) =>
      new Promise<void>((done, fail) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          fail(new Error(`No answer within ${timeoutMs} ms; received: ${JSON.stringify(received().toString('latin1'))}`));
        }, timeoutMs);
        const check = () => {
          if (!predicate(received()) && !socket.destroyed) return;
          clearTimeout(timer);
          waiters.delete(check);
          done();
        };
        waiters.add(check);
        check();
      });
    socket.once('connect', () => resolve({ socket, received, closed, until }));
    socket.once('error', reject);
  });
}

/** The HTTP status a raw connection got, or 0 when none came. */
export function statusOf(received: Buffer): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(received.toString('latin1'))?.[1] ?? 0);
}

export const endOfHead = (received: Buffer) => received.includes('\r\n\r\n');

/** An upgrade request for the event socket, as a browser sends it. */
export function upgradeRequest(port: number, path: string, headers: Record<string, string> = {}): string {
  const all = {
    Host: `127.0.0.1:${port}`,
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
    'Sec-WebSocket-Version': '13',
    ...headers,
  };
  const lines = Object.entries(all).map(([name, value]) => `${name}: ${value}\r\n`);
  return `GET ${path} HTTP/1.1\r\n${lines.join('')}\r\n`;
}

/** An event socket opened by hand (a 101 answer), ready for frames no WebSocket client would send. */
export async function rawEventSocket(port: number, token: string): Promise<RawConnection> {
  const connection = await rawConnection(port);
  connection.socket.write(upgradeRequest(port, `/api/events?token=${token}`));
  await connection.until(endOfHead);
  if (statusOf(connection.received()) !== 101) {
    throw new Error(`The event socket was refused: ${connection.received().toString('latin1').split('\r\n')[0]}`);
  }
  return connection;
}

export interface FrameOptions {
  opcode: number;
  payload?: Buffer;
  fin?: boolean;
  /** The three reserved bits, as the frame's second to fourth bits (no extension is agreed). */
  rsv?: number;
  /** Clients must mask every frame; false sends it bare. */
  masked?: boolean;
  /** A length to declare instead of the payload's own (a huge one, say). */
  declaredLength?: bigint;
}

/** One WebSocket frame (RFC 6455, section 5.2), well-formed or not, as the options say. */
export function frame({ opcode, payload = Buffer.alloc(0), fin = true, rsv = 0, masked = true, declaredLength }: FrameOptions): Buffer {
  const length = declaredLength ?? BigInt(payload.length);
  const first = (fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0x0f);
  const maskBit = masked ? 0x80 : 0;
  let head: Buffer;
  if (length < 126n) head = Buffer.from([first, maskBit | Number(length)]);
  else if (length < 65_536n) {
    head = Buffer.from([first, maskBit | 126, 0, 0]);
    head.writeUInt16BE(Number(length), 2);
  } else {
    head = Buffer.alloc(10);
    head[0] = first;
    head[1] = maskBit | 127;
    head.writeBigUInt64BE(length, 2);
  }
  if (!masked) return Buffer.concat([head, payload]);
  const mask = randomBytes(4);
  const body = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]!));
  return Buffer.concat([head, mask, body]);
}

export const opcodes = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

/** The close code of a close frame the server sent (unmasked, as servers send them), if any. */
export function closeCodeOf(received: Buffer): number | undefined {
  const start = received.indexOf('\r\n\r\n') + 4;
  for (let at = start; at + 2 <= received.length; ) {
    const opcode = received[at]! & 0x0f;
    const length = received[at + 1]! & 0x7f;
    if (length > 125) return undefined;
    if (opcode === opcodes.close && length >= 2) return received.readUInt16BE(at + 2);
    at += 2 + length;
  }
  return undefined;
}
