import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

const sampleBytes = 64 * 1024;

/**
 * A content fingerprint that follows a photo through renames and moves without reading all of
 * it: the size plus the first and last 64 KiB (the same idea as digiKam's unique hash). The head
 * holds the capture metadata and the tail the end of the image data, so two different photos
 * practically never share one, while a renamed file always keeps its own.
 */
export async function fingerprintFile(path: string): Promise<string> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const hash = createHash('sha256');
    hash.update(`${size}:`);
    const head = Buffer.alloc(Math.min(sampleBytes, size));
    await file.read(head, 0, head.length, 0);
    hash.update(head);
    if (size > sampleBytes) {
      const tail = Buffer.alloc(Math.min(sampleBytes, size - sampleBytes));
      await file.read(tail, 0, tail.length, size - tail.length);
      hash.update(tail);
    }
    return hash.digest('hex').slice(0, 32);
  } finally {
    await file.close();
  }
}
