import { codeBits, codeWords, signCode } from '../base/sign-code';

// Module constants, not the imports, in loops over a million photos: a transpiled import is a getter.
const bits = codeBits;
const words = codeWords;

/** A photo and how alike its vector is to the one asked about (cosine, -1 to 1). */
export interface Neighbour {
  photoId: number;
  score: number;
}

/**
 * The current vectors, as stored (little-endian float32 bytes), of those photos of `photoIds` that
 * still have one, in any order. Bytes, not arrays: a rerank of thousands allocates nothing more.
 */
export type VectorSource = (photoIds: readonly number[]) => readonly (readonly [photoId: number, vector: Uint8Array])[];

/**
 * Nearest neighbours at a million photos in two steps: a pass over every photo's 256-bit sign code
 * (32 bytes a photo in memory) keeps the photos whose codes are closest to the query's, then their
 * float vectors, read from the database, rank them by exact cosine. Approximate: bench/embeddings.ts
 * measures how many of the exact nearest 10 it finds (recall@10).
 */
export class VectorIndex {
  private codes = new Uint32Array(0);
  private photoIds: Int32Array<ArrayBuffer> = new Int32Array(0);
  /** By photo id, its slot in `codes` plus one (0: not indexed). */
  private slots: Int32Array<ArrayBuffer> = new Int32Array(0);
  private count = 0;
  private distances = new Uint16Array(0);

  /** `candidatesFor(limit)`: how many photos the code pass hands to the exact rerank. */
  constructor(
    private readonly vectorsOf: VectorSource,
    private readonly candidatesFor: (limit: number) => number = defaultCandidates,
  ) {}

  get size(): number {
    return this.count;
  }

  /** Adds a photo's code (the words at `offset` in `code`), or replaces it when its caption was embedded again. */
  put(photoId: number, code: Uint32Array, offset = 0): void {
    if (photoId >= this.slots.length) this.slots = grown(this.slots, Math.max(photoId + 1, this.slots.length * 2));
    let slot = this.slots[photoId]! - 1;
    if (slot < 0) {
      if (this.count === this.photoIds.length) this.grow();
      slot = this.count++;
      this.slots[photoId] = slot + 1;
      this.photoIds[slot] = photoId;
    }
    const base = slot * words;
    for (let word = 0; word < words; word++) this.codes[base + word] = code[offset + word]!;
  }

  /** Up to `count` photos spread evenly over the index (in the order their vectors came). */
  spreadSample(count: number): number[] {
    const step = Math.max(1, this.count / count);
    const photoIds: number[] = [];
    for (let at = 0; at < this.count; at += step) photoIds.push(this.photoIds[Math.floor(at)]!);
    return photoIds;
  }

  /**
   * Up to `limit` photos at least `minScore` alike, most alike first, among those `allowed`
   * accepts (all when it is null). A photo whose vector is gone or stale is left out by `vectorsOf`.
   */
  nearest(query: Float32Array, limit: number, minScore: number, allowed: ((photoId: number) => boolean) | null): Neighbour[] {
    if (limit < 1 || !this.count) return [];
    const candidates = this.closestCodes(signCode(query), this.candidatesFor(limit), allowed);
    const found: Neighbour[] = [];
    // One aligned array each stored vector is copied into before its dot product.
    const vector = new Float32Array(query.length);
    const bytes = new Uint8Array(vector.buffer);
    for (const [photoId, stored] of this.vectorsOf(candidates)) {
      if (stored.byteLength !== bytes.byteLength) continue;
      bytes.set(stored);
      let score = 0;
      for (let i = 0; i < vector.length; i++) score += query[i]! * vector[i]!;
      if (score >= minScore) found.push({ photoId, score });
    }
    return found.sort((a, b) => b.score - a.score || a.photoId - b.photoId).slice(0, limit);
  }

  /** The `wanted` allowed photos whose codes differ from `query` in the fewest bits. */
  private closestCodes(query: Uint32Array, wanted: number, allowed: ((photoId: number) => boolean) | null): number[] {
    // Locals, not fields, in the hot loop: V8 keeps them in registers.
    const { codes, count, distances } = this;
    const histogram = new Int32Array(bits + 1);
    for (let slot = 0, base = 0; slot < count; slot++, base += words) {
      let distance = 0;
      for (let word = 0; word < words; word++) {
        // Popcount of the differing bits, in parallel within the word.
        let x = query[word]! ^ codes[base + word]!;
        x -= (x >>> 1) & 0x55555555;
        x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
        distance += Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
      }
      distances[slot] = distance;
      histogram[distance]!++;
    }
    // Widen the distance taken until enough photos pass the filter, guessing each step's width
    // from the share the filter let through so far, so a narrow filter does not take 256 passes.
    const picked: { photoId: number; distance: number }[] = [];
    let examined = 0;
    let taken = -1;
    while (picked.length < wanted && taken < bits) {
      const passing = examined ? Math.max(picked.length / examined, 1 / count) : 1;
      const target = (wanted - picked.length) / passing;
      let threshold = taken;
      for (let within = 0; threshold < bits && within < target; ) within += histogram[++threshold]!;
      for (let slot = 0; slot < count; slot++) {
        const distance = distances[slot]!;
        if (distance <= taken || distance > threshold) continue;
        examined++;
        const photoId = this.photoIds[slot]!;
        if (!allowed || allowed(photoId)) picked.push({ photoId, distance });
      }
      taken = threshold;
    }
    if (picked.length > wanted) picked.sort((a, b) => a.distance - b.distance).length = wanted;
    return picked.map((item) => item.photoId);
  }

  private grow(): void {
    const capacity = Math.max(1024, this.photoIds.length * 2);
    this.photoIds = grown(this.photoIds, capacity);
    const codes = new Uint32Array(capacity * words);
    codes.set(this.codes);
    this.codes = codes;
    this.distances = new Uint16Array(capacity);
  }
}

/** Three times the photos asked for, and never fewer than 1,000: at 2,000 for 1,000 the bench's recall@10 was 0.94. */
function defaultCandidates(limit: number): number {
  return Math.max(1000, limit * 3);
}

function grown(array: Int32Array, length: number): Int32Array<ArrayBuffer> {
  const copy = new Int32Array(length);
  copy.set(array);
  return copy;
}
