import { ShortCodeTable } from '../base/hamming';
import { codeBits, codeWords, longCodeBits, longCodeWords, rotation, signsOf } from '../base/sign-code';

// Module constants, not the imports, in loops over a million photos: a transpiled import is a getter.
const bits = codeBits;
const words = codeWords;
/** The words a long code has after its short code. */
const restWords = longCodeWords - codeWords;

/** A photo and how alike its vector is to the one asked about (cosine, -1 to 1). */
export interface Neighbour {
  photoId: number;
  score: number;
}

/** What the index reads from the database: only for the few photos it ranks exactly. */
export interface VectorStore {
  /**
   * The current vectors, as stored (little-endian float32 bytes), of those photos of `photoIds` that
   * still have one, in any order. Bytes, not arrays: a rerank of hundreds allocates nothing more.
   */
  vectors(photoIds: readonly number[]): readonly (readonly [photoId: number, vector: Uint8Array])[];
}

/** How many photos each step keeps, for `limit` asked for. */
export interface IndexTuning {
  /** The short codes' pass over every photo hands this many to the long codes. */
  candidates(limit: number): number;
  /** The long codes' best this many are ranked by exact cosine from their floats. */
  exact(limit: number): number;
}

/**
 * Six times the photos asked for and never fewer than 6,000 from the short codes, then 300 ranked
 * exactly: at a million photos the bench's recall@10 was 0.97 (0.945 from 3,000 candidates, 0.985
 * reading 500 but 10 ms slower); BENCHMARKS.md, "a rerank from memory".
 */
export const defaultTuning: IndexTuning = {
  candidates: (limit) => Math.max(6000, limit * 6),
  exact: () => 300,
};

/**
 * Nearest neighbours at a million photos in three steps, all but the last in memory: a pass over
 * every photo's 256-bit code (32 bytes a photo) keeps the photos whose codes are closest to the
 * query's; their 1,024-bit codes (96 bytes more), signing the query's own rotated coordinates,
 * order them closer to the cosine; the best few hundred are then ranked by exact cosine from their
 * floats in the database. Approximate:
 * bench/embeddings.ts measures how many of the exact nearest 10 it finds (recall@10). Beyond those
 * few hundred, the order and the cosine are estimates from the long codes (never above the last
 * exact cosine). A photo with only a short code (stored before long codes) is ranked exactly.
 * Kept current by its owner: `put` for each code stored, `remove` for each code removed.
 */
export class VectorIndex {
  private readonly shortCodes = new ShortCodeTable();
  /** Each slot's long code after its first `words` words. */
  private rests: Uint32Array<ArrayBuffer> = new Uint32Array(0);
  /** 1 where the slot's long code is known. */
  private hasRest = new Uint8Array(0);
  private photoIds: Int32Array<ArrayBuffer> = new Int32Array(0);
  /** By photo id, its slot in `codes` plus one (0: not indexed). */
  private slots: Int32Array<ArrayBuffer> = new Int32Array(0);
  private count = 0;

  constructor(
    private readonly store: VectorStore,
    private readonly tuning: IndexTuning = defaultTuning,
  ) {}

  get size(): number {
    return this.count;
  }

  /** How many photos have only a short code: ranked from their floats until their long code comes. */
  get shortOnly(): number {
    let short = 0;
    for (let slot = 0; slot < this.count; slot++) short += 1 - this.hasRest[slot]!;
    return short;
  }

  /**
   * Adds a photo's code, short or long (the `length` words at `offset` in `code`), or replaces it
   * when its caption was embedded again.
   */
  put(photoId: number, code: Uint32Array, offset = 0, length = code.length - offset): void {
    if (photoId >= this.slots.length) this.slots = grown(this.slots, Math.max(photoId + 1, this.slots.length * 2));
    let slot = this.slots[photoId]! - 1;
    if (slot < 0) {
      if (this.count === this.photoIds.length) this.grow();
      slot = this.count++;
      this.slots[photoId] = slot + 1;
      this.photoIds[slot] = photoId;
    }
    this.shortCodes.codes.set(code.subarray(offset, offset + words), slot * words);
    const long = length >= longCodeWords;
    if (long) this.rests.set(code.subarray(offset + words, offset + longCodeWords), slot * restWords);
    this.hasRest[slot] = long ? 1 : 0;
  }

  /** Drops a photo's code (its photo deleted, its caption changed): the last slot's code takes its slot. */
  remove(photoId: number): void {
    const slot = (this.slots[photoId] ?? 0) - 1;
    if (slot < 0) return;
    const last = --this.count;
    this.slots[photoId] = 0;
    if (slot === last) return;
    const moved = this.photoIds[last]!;
    const { codes } = this.shortCodes;
    codes.copyWithin(slot * words, last * words, (last + 1) * words);
    this.rests.copyWithin(slot * restWords, last * restWords, (last + 1) * restWords);
    this.hasRest[slot] = this.hasRest[last]!;
    this.photoIds[slot] = moved;
    this.slots[moved] = slot + 1;
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
   * accepts (all when it is null). A photo whose vector is gone or stale is left out of the exact
   * few; beyond them, the index answers from the codes it holds (`remove` drops those gone).
   */
  nearest(query: Float32Array, limit: number, minScore: number, allowed: ((photoId: number) => boolean) | null): Neighbour[] {
    if (limit < 1 || !this.count) return [];
    const rotated = rotation(query, longCodeBits);
    const { long, short } = this.byEstimate(rotated, this.closestCodes(signsOf(rotated), this.tuning.candidates(limit), allowed));
    const exactCount = this.tuning.exact(limit);
    const toRead = [...short, ...long.slice(0, exactCount).map((candidate) => candidate.photoId)];
    const exact = this.exactScores(query, toRead);
    const found = exact.filter((item) => item.score >= minScore);
    if (found.length >= limit || long.length <= exactCount) return found.slice(0, limit);
    // The rest by their estimates, made cosines by the scale that best fits the exact ones, and
    // capped so that the exact ones come first.
    const estimates = new Map(long.slice(0, exactCount).map((candidate) => [candidate.photoId, candidate.estimate]));
    const scale = fittedScale(exact.flatMap((item) => (estimates.has(item.photoId) ? [[estimates.get(item.photoId)!, item.score] as const] : [])));
    const cap = found.at(-1)?.score ?? 1;
    const estimated = long
      .slice(exactCount, exactCount + limit - found.length)
      .map(({ photoId, estimate }) => ({ photoId, score: Math.min(cap, scale * estimate) }))
      .filter((item) => item.score >= minScore);
    return [...found, ...estimated];
  }

  /** Exact cosines from the stored floats, best first. */
  private exactScores(query: Float32Array, photoIds: readonly number[]): Neighbour[] {
    const found: Neighbour[] = [];
    // One aligned array each stored vector is copied into before its dot product.
    const vector = new Float32Array(query.length);
    const bytes = new Uint8Array(vector.buffer);
    for (const [photoId, stored] of this.store.vectors(photoIds)) {
      if (stored.byteLength !== bytes.byteLength) continue;
      bytes.set(stored);
      let score = 0;
      for (let i = 0; i < vector.length; i++) score += query[i]! * vector[i]!;
      found.push({ photoId, score });
    }
    return found.sort((a, b) => b.score - a.score || a.photoId - b.photoId);
  }

  /**
   * The candidates that have a long code, best first by its estimate of the dot product with the
   * query: the query's rotated coordinates, each signed by the photo's bit (summed a byte of the
   * code at a time from a table of the query's), and those with only a short code (they need their floats).
   */
  private byEstimate(rotated: Float32Array, slots: readonly number[]): { long: { photoId: number; estimate: number }[]; short: number[] } {
    const sums = byteSums(rotated);
    let total = 0;
    for (const value of rotated) total += value;
    const { rests, hasRest, photoIds } = this;
    const { codes } = this.shortCodes;
    const long: { photoId: number; estimate: number }[] = [];
    const short: number[] = [];
    for (const slot of slots) {
      if (!hasRest[slot]) {
        short.push(photoIds[slot]!);
        continue;
      }
      let positive = 0;
      for (let word = 0, at = slot * words; word < words; word++) positive += wordSum(sums, word << 10, codes[at + word]!);
      for (let word = 0, at = slot * restWords; word < restWords; word++) positive += wordSum(sums, (words + word) << 10, rests[at + word]!);
      long.push({ photoId: photoIds[slot]!, estimate: 2 * positive - total });
    }
    return { long: long.sort((a, b) => b.estimate - a.estimate || a.photoId - b.photoId), short };
  }

  /** The slots of the `wanted` allowed photos whose short codes differ from `query`'s in the fewest bits. */
  private closestCodes(query: Uint32Array, wanted: number, allowed: ((photoId: number) => boolean) | null): number[] {
    const { count, photoIds } = this;
    const { distances, histogram } = this.shortCodes.distances(query, count);
    // Widen the distance taken until enough photos pass the filter, guessing each step's width
    // from the share the filter let through so far, so a narrow filter does not take 256 passes.
    const picked: number[] = [];
    let examined = 0;
    let taken = -1;
    while (picked.length < wanted && taken < bits) {
      const passing = examined ? Math.max(picked.length / examined, 1 / count) : 1;
      const target = (wanted - picked.length) / passing;
      let threshold = taken;
      for (let within = 0; threshold < bits && within < target; ) within += histogram[++threshold]!;
      const slots = this.shortCodes.collect(count, taken, threshold);
      examined += slots.length;
      for (const slot of slots) if (!allowed || allowed(photoIds[slot]!)) picked.push(slot);
      taken = threshold;
    }
    return picked.length > wanted ? closestOf(picked, distances, wanted) : picked;
  }

  /**
   * Room for `codes` codes and for photo ids up to `largestPhotoId`, made at once: growing as
   * codes come copies everything held each time (100 to 170 ms a step past half a million).
   */
  reserve(codes: number, largestPhotoId: number): void {
    if (largestPhotoId >= this.slots.length) this.slots = grown(this.slots, largestPhotoId + 1);
    if (codes > this.photoIds.length) this.resize(codes);
  }

  private grow(): void {
    this.resize(Math.max(1024, this.photoIds.length * 2));
  }

  private resize(capacity: number): void {
    this.photoIds = grown(this.photoIds, capacity);
    this.shortCodes.reserve(capacity);
    this.rests = grownCodes(this.rests, capacity * restWords);
    const hasRest = new Uint8Array(capacity);
    hasRest.set(this.hasRest);
    this.hasRest = hasRest;
  }
}

/**
 * The `wanted` of `slots` at the smallest distances; of those at the largest distance kept, the
 * first ones in `slots`.
 */
function closestOf(slots: readonly number[], distances: Uint16Array, wanted: number): number[] {
  const atDistance = new Int32Array(bits + 1);
  for (const slot of slots) atDistance[distances[slot]!]!++;
  let cutoff = 0;
  for (let kept = atDistance[0]!; kept < wanted; ) kept += atDistance[++cutoff]!;
  let fromCutoff = wanted;
  for (let distance = 0; distance < cutoff; distance++) fromCutoff -= atDistance[distance]!;
  return slots.filter((slot) => {
    const distance = distances[slot]!;
    return distance < cutoff || (distance === cutoff && fromCutoff-- > 0);
  });
}

/** For each byte of a code and each value it may hold, the sum of the coordinates whose bits it sets. */
function byteSums(rotated: Float32Array): Float32Array {
  const sums = new Float32Array(rotated.length * 32);
  for (let byte = 0; byte < rotated.length / 8; byte++) {
    const base = byte << 8;
    // Each value's sum is a smaller value's (its lowest bit cleared) plus that bit's coordinate.
    for (let value = 1; value < 256; value++) sums[base | value] = sums[base | (value & (value - 1))]! + rotated[byte * 8 + 31 - Math.clz32(value & -value)]!;
  }
  return sums;
}

/** The sum of the coordinates whose bits `word` sets, from `sums` of its four bytes starting at `base`. */
function wordSum(sums: Float32Array, base: number, word: number): number {
  return sums[base | (word & 255)]! + sums[base | 256 | ((word >>> 8) & 255)]! + sums[base | 512 | ((word >>> 16) & 255)]! + sums[base | 768 | (word >>> 24)]!;
}

/** The factor that best turns estimates into exact scores (least squares through zero). */
function fittedScale(pairs: readonly (readonly [estimate: number, score: number])[]): number {
  let product = 0;
  let square = 0;
  for (const [estimate, score] of pairs) {
    product += estimate * score;
    square += estimate * estimate;
  }
  return square ? product / square : 0;
}

function grown(array: Int32Array, length: number): Int32Array<ArrayBuffer> {
  const copy = new Int32Array(length);
  copy.set(array);
  return copy;
}

function grownCodes(array: Uint32Array, length: number): Uint32Array<ArrayBuffer> {
  const copy = new Uint32Array(length);
  copy.set(array);
  return copy;
}
