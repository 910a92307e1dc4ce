import { longCodeBits, signCode } from '../base/sign-code';

/** How vectors and their sign codes are stored: little-endian float32 and uint32 BLOBs. */
export function toBlob(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

export function fromBlob(blob: Buffer): Float32Array {
  // A copy: better-sqlite3's buffer need not be aligned for floats.
  const copy = new Float32Array(blob.byteLength / 4);
  new Uint8Array(copy.buffer).set(blob);
  return copy;
}

/** A vector's long sign code, as stored (its first 32 bytes are the short code). */
export function codeBlob(vector: Float32Array, bits = longCodeBits): Buffer {
  return Buffer.from(signCode(vector, bits).buffer);
}
