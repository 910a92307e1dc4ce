import { deflateSync, crc32 } from 'node:zlib';
import { writeFile } from 'node:fs/promises';

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/**
 * A few hundred bytes that claim to be a 100,000 x 100,000 PNG: decoding it in full would need
 * 30 GB. A decompression bomb, as far as a decoder that trusts the header is concerned.
 */
export async function writePngBomb(path: string): Promise<void> {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(100_000, 0);
  header.writeUInt32BE(100_000, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.alloc(100_000 * 3 + 1))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
  await writeFile(path, png);
}
