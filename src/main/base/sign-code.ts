/**
 * Binary codes of vectors: the signs of a fixed random rotation's coordinates. Two codes differ in
 * a share of bits close to the angle between their vectors divided by pi, so the Hamming distance
 * ranks photos about as the cosine does. A short code (256 bits, 32 bytes a photo) picks candidates
 * from every photo; a long code (1,024 bits, 128 bytes) ranks those candidates closer to the cosine.
 * A long code begins with the short one: the same rotation, more of its coordinates.
 */
export const codeBits = 256;
export const codeWords = codeBits / 32;
export const longCodeBits = 1024;
export const longCodeWords = longCodeBits / 32;

/** Random sign flips each followed by a Hadamard transform: close to a random rotation, in d log d steps. */
const rounds = 3;
const signsBySize = new Map<string, Float32Array[]>();

/**
 * The first `bits` signs (a multiple of 32) of the vector's rotation (see `rotation`), bit `i` of
 * the code set where coordinate `i` is positive.
 */
export function signCode(vector: ArrayLike<number>, bits = codeBits): Uint32Array {
  return signsOf(rotation(vector, bits));
}

export function signsOf(rotated: Float32Array): Uint32Array {
  const code = new Uint32Array(rotated.length / 32);
  for (let bit = 0; bit < rotated.length; bit++) if (rotated[bit]! > 0) code[bit >>> 5]! |= 1 << (bit & 31);
  return code;
}

/**
 * The first `bits` coordinates of the vector turned by a fixed random rotation (unnormalised): of
 * one rotation while it has that many coordinates, then of further rotations with flips of their
 * own (a short vector has fewer coordinates than bits).
 */
export function rotation(vector: ArrayLike<number>, bits: number): Float32Array {
  let size = codeBits;
  while (size < vector.length) size *= 2;
  const rotated = new Float32Array(bits);
  const work = new Float32Array(size);
  for (let block = 0; block * size < bits; block++) {
    work.fill(0);
    work.set(vector);
    for (const signs of signsFor(size, block)) {
      for (let i = 0; i < size; i++) work[i]! *= signs[i]!;
      hadamard(work);
    }
    rotated.set(work.subarray(0, Math.min(size, bits - block * size)), block * size);
  }
  return rotated;
}

/** The same flips for every vector of a size, ever: stored codes stay comparable across versions and processes. */
function signsFor(size: number, block: number): Float32Array[] {
  const key = `${size}:${block}`;
  let signs = signsBySize.get(key);
  if (!signs) {
    // Block 0's seed is the short codes' since they were first stored.
    let state = (0x5eed + size + block * 0x9e3779b9) >>> 0;
    // Mulberry32: a fixed seeded sequence, the same on every machine.
    const next = () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = Math.imul(state ^ (state >>> 15), state | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return (t ^ (t >>> 14)) >>> 0;
    };
    signs = Array.from({ length: rounds }, () => Float32Array.from({ length: size }, () => (next() & 1 ? 1 : -1)));
    signsBySize.set(key, signs);
  }
  return signs;
}

/** In place, unnormalised (the signs are all that is kept). */
function hadamard(values: Float32Array): void {
  for (let half = 1; half < values.length; half *= 2) {
    for (let start = 0; start < values.length; start += half * 2) {
      for (let i = start; i < start + half; i++) {
        const a = values[i]!;
        const b = values[i + half]!;
        values[i] = a + b;
        values[i + half] = a - b;
      }
    }
  }
}
