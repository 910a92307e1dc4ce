import { describe, expect, it } from 'vitest';
import { random } from '../../bench/search-library';
import { longCodeBits, signCode } from '../../src/main/base/sign-code';
import { unitLength } from '../../src/main/providers/embeddings';
import { VectorIndex } from '../../src/main/search/vector-index';
import type { IndexTuning } from '../../src/main/search/vector-index';

/** Photos in shoots: each vector a shoot's centre plus noise, as captions of one shoot read alike. */
function clusteredVectors(seed: number, photos: number, dimensions: number) {
  const next = random(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(next() || 1e-12)) * Math.cos(2 * Math.PI * next());
  const centres = Array.from({ length: 40 }, () => Float32Array.from({ length: dimensions }, gaussian));
  const near = () => unitLength(centres[Math.floor(next() * centres.length)]!.map((value) => value + 1.2 * gaussian()));
  return { near, vectors: new Map(Array.from({ length: photos }, (_, index) => [index + 1, near()])) };
}

/** The database's part, over `vectors`: a photo deleted from it has no vector; `reads` counts the vectors read. */
function storeOf(vectors: Map<number, Float32Array>) {
  const store = {
    reads: 0,
    vectors: (ids: readonly number[]) => {
      const found = ids.flatMap((photoId) => (vectors.has(photoId) ? [[photoId, new Uint8Array(vectors.get(photoId)!.buffer)] as const] : []));
      store.reads += found.length;
      return found;
    },
  };
  return store;
}

function indexOf(vectors: Map<number, Float32Array>, tuning?: IndexTuning) {
  const store = storeOf(vectors);
  const index = new VectorIndex(store, tuning);
  for (const [photoId, vector] of vectors) index.put(photoId, signCode(vector, longCodeBits));
  return { index, store };
}

function exactNearest(vectors: Map<number, Float32Array>, query: Float32Array, limit: number, allowed: (id: number) => boolean) {
  return [...vectors]
    .filter(([photoId]) => allowed(photoId))
    .map(([photoId, vector]) => ({ photoId, score: vector.reduce((sum, value, i) => sum + value * query[i]!, 0) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, limit);
}

const ids = (items: readonly { photoId: number }[]) => items.map((item) => item.photoId);

describe('VectorIndex', () => {
  it('finds nearly all of the exact nearest 10 among 4,000 clustered photos, reading only the few it ranks exactly', () => {
    const { near, vectors } = clusteredVectors(7, 4000, 128);
    const { index } = indexOf(vectors);
    // 400 candidates from the short codes (10% of the photos), 40 of them read (1%): the codes alone must rank well.
    const narrow = indexOf(vectors, { candidates: () => 400, exact: () => 40 });
    let recalled = 0;
    for (let round = 0; round < 20; round++) {
      const query = near();
      const exact = exactNearest(vectors, query, 10, () => true);
      const readsBefore = narrow.store.reads;
      const nearest = narrow.index.nearest(query, 10, -1, null);
      expect(narrow.store.reads - readsBefore).toBe(40);
      recalled += nearest.filter((item) => exact.some((other) => other.photoId === item.photoId)).length;
      const exactScores = new Map(exact.map((item) => [item.photoId, item.score]));
      nearest.forEach((item) => exactScores.has(item.photoId) && expect(item.score).toBeCloseTo(exactScores.get(item.photoId)!, 5));
      expect(ids(index.nearest(query, 10, -1, null))).toEqual(ids(exact));
    }
    expect(recalled / 200).toBeGreaterThanOrEqual(0.95);
  });

  it('ranks beyond the exact few by the long codes: close to the exact order, scores estimated and never above an exact one', () => {
    const { near, vectors } = clusteredVectors(17, 3000, 128);
    const { index, store } = indexOf(vectors, { candidates: () => 1000, exact: () => 20 });
    const query = near();
    const readsBefore = store.reads;
    const found = index.nearest(query, 200, -1, null);
    expect(store.reads - readsBefore).toBe(20);
    expect(found).toHaveLength(200);
    const exact = exactNearest(vectors, query, 200, () => true);
    expect(found.filter((item) => ids(exact).includes(item.photoId)).length).toBeGreaterThanOrEqual(170);
    const lastExact = found[19]!.score;
    expect(found.slice(20).every((item) => item.score <= lastExact)).toBe(true);
    const exactScore = new Map(exact.map((item) => [item.photoId, item.score]));
    const errors = found.slice(20).flatMap((item) => (exactScore.has(item.photoId) ? [Math.abs(item.score - exactScore.get(item.photoId)!)] : []));
    expect(errors.reduce((sum, error) => sum + error, 0) / errors.length).toBeLessThan(0.03);
  });

  it('keeps only photos the filter allows and at least the floor alike', () => {
    const { near, vectors } = clusteredVectors(11, 3000, 64);
    const { index } = indexOf(vectors);
    const every7th = (id: number) => id % 7 === 0;
    for (let round = 0; round < 10; round++) {
      const query = near();
      const found = index.nearest(query, 20, 0.3, every7th);
      expect(ids(found)).toEqual(ids(exactNearest(vectors, query, 20, (id) => every7th(id)).filter((item) => item.score >= 0.3)));
      expect(found.every((item) => every7th(item.photoId) && item.score >= 0.3)).toBe(true);
    }
  });

  it('answers alike whether room for its codes was made at once or as they came, and grows past what was reserved', () => {
    const { near, vectors } = clusteredVectors(12, 3000, 64);
    const { index: grown } = indexOf(vectors);
    const reserved = new VectorIndex(storeOf(vectors));
    // Room for 2,000 codes and ids to 2,500: the rest grows as before.
    reserved.reserve(2000, 2500);
    for (const [photoId, vector] of vectors) reserved.put(photoId, signCode(vector, longCodeBits));
    expect(reserved.size).toBe(3000);
    for (let round = 0; round < 5; round++) {
      const query = near();
      expect(reserved.nearest(query, 50, -1, null)).toEqual(grown.nearest(query, 50, -1, null));
    }
  });

  it('follows a photo whose caption was embedded again, leaves out of the exact few one whose vector is gone, and drops a removed code', () => {
    const { near, vectors } = clusteredVectors(13, 2000, 64);
    const { index } = indexOf(vectors, { candidates: () => 600, exact: () => 5 });
    const query = near();
    const before = index.nearest(query, 100, -1, null);
    const [first, estimated] = [before[0]!.photoId, before[50]!.photoId];
    // The vector gone but its code not yet removed: the exact step reads no vector for it.
    vectors.delete(first);
    expect(ids(index.nearest(query, 100, -1, null))).not.toContain(first);
    // Removed codes are dropped among the estimated too, and their slots taken by others' codes.
    vectors.delete(estimated);
    index.remove(first);
    index.remove(estimated);
    index.remove(estimated);
    expect(index.size).toBe(1998);
    const after = index.nearest(query, 100, -1, null);
    expect(ids(after)).not.toContain(first);
    expect(ids(after)).not.toContain(estimated);
    // The codes moved into the freed slots (the last two put) still find their own photos.
    for (const moved of [1999, 2000]) expect(ids(index.nearest(vectors.get(moved)!, 1, -1, null))).toEqual([moved]);
    vectors.set(5, query);
    index.put(5, signCode(query, longCodeBits));
    expect(index.nearest(query, 1, -1, null)).toEqual([{ photoId: 5, score: expect.closeTo(1, 5) as number }]);
    expect(index.size).toBe(1998);
  });

  it('ranks a photo that has only a short code (stored before long codes) from its floats, until its long code comes', () => {
    const { near, vectors } = clusteredVectors(19, 2000, 64);
    const store = storeOf(vectors);
    const index = new VectorIndex(store, { candidates: () => 300, exact: () => 20 });
    for (const [photoId, vector] of vectors) index.put(photoId, signCode(vector, photoId % 2 ? 256 : longCodeBits));
    expect(index.shortOnly).toBe(1000);
    const query = near();
    const exact = exactNearest(vectors, query, 10, () => true);
    expect(ids(index.nearest(query, 10, -1, null))).toEqual(ids(exact));
    for (const [photoId, vector] of vectors) index.put(photoId, signCode(vector, longCodeBits));
    expect(index.shortOnly).toBe(0);
    const readsBefore = store.reads;
    index.nearest(query, 10, -1, null);
    expect(store.reads - readsBefore).toBe(20);
  });
});
