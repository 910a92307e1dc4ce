import { describe, expect, it } from 'vitest';
import { random } from '../../bench/search-library';
import { signCode } from '../../src/main/base/sign-code';
import { unitLength } from '../../src/main/providers/embeddings';
import { VectorIndex } from '../../src/main/search/vector-index';

/** Photos in shoots: each vector a shoot's centre plus noise, as captions of one shoot read alike. */
function clusteredVectors(seed: number, photos: number, dimensions: number) {
  const next = random(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(next() || 1e-12)) * Math.cos(2 * Math.PI * next());
  const centres = Array.from({ length: 40 }, () => Float32Array.from({ length: dimensions }, gaussian));
  const near = () => unitLength(centres[Math.floor(next() * centres.length)]!.map((value) => value + 1.2 * gaussian()));
  return { near, vectors: new Map(Array.from({ length: photos }, (_, index) => [index + 1, near()])) };
}

const bytesOf = (photoId: number, vector: Float32Array) => [photoId, new Uint8Array(vector.buffer)] as const;

function indexOf(vectors: Map<number, Float32Array>) {
  const index = new VectorIndex((ids) => ids.flatMap((photoId) => (vectors.has(photoId) ? [bytesOf(photoId, vectors.get(photoId)!)] : [])));
  for (const [photoId, vector] of vectors) index.put(photoId, signCode(vector));
  return index;
}

function exactNearest(vectors: Map<number, Float32Array>, query: Float32Array, limit: number, allowed: (id: number) => boolean) {
  return [...vectors]
    .filter(([photoId]) => allowed(photoId))
    .map(([photoId, vector]) => ({ photoId, score: vector.reduce((sum, value, i) => sum + value * query[i]!, 0) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, limit);
}

describe('VectorIndex', () => {
  it('finds nearly all of the exact nearest 10 among 4,000 clustered photos, with exact scores', () => {
    const { near, vectors } = clusteredVectors(7, 4000, 128);
    const index = indexOf(vectors);
    // Reranking only the 200 closest codes (5% of the photos): the codes alone must rank well.
    const narrow = new VectorIndex((ids) => ids.map((photoId) => bytesOf(photoId, vectors.get(photoId)!)), () => 200);
    for (const [photoId, vector] of vectors) narrow.put(photoId, signCode(vector));
    let recalled = 0;
    for (let round = 0; round < 20; round++) {
      const query = near();
      const exact = exactNearest(vectors, query, 10, () => true);
      const nearest = narrow.nearest(query, 10, -1, null);
      recalled += nearest.filter((item) => exact.some((other) => other.photoId === item.photoId)).length;
      const exactScores = new Map(exact.map((item) => [item.photoId, item.score]));
      nearest.forEach((item) => exactScores.has(item.photoId) && expect(item.score).toBeCloseTo(exactScores.get(item.photoId)!, 5));
      expect(index.nearest(query, 10, -1, null).map((item) => item.photoId)).toEqual(exact.map((item) => item.photoId));
    }
    expect(recalled / 200).toBeGreaterThanOrEqual(0.95);
  });

  it('keeps only photos the filter allows and at least the floor alike', () => {
    const { near, vectors } = clusteredVectors(11, 3000, 64);
    const index = indexOf(vectors);
    const every7th = (id: number) => id % 7 === 0;
    for (let round = 0; round < 10; round++) {
      const query = near();
      const found = index.nearest(query, 20, 0.3, every7th);
      expect(found.map((item) => item.photoId)).toEqual(exactNearest(vectors, query, 20, (id) => every7th(id)).filter((item) => item.score >= 0.3).map((item) => item.photoId));
      expect(found.every((item) => every7th(item.photoId) && item.score >= 0.3)).toBe(true);
    }
  });

  it('follows a photo whose caption was embedded again, and drops one whose vector is gone', () => {
    const { near, vectors } = clusteredVectors(13, 2000, 64);
    const index = indexOf(vectors);
    const query = near();
    const [first] = index.nearest(query, 1, -1, null);
    vectors.delete(first!.photoId);
    expect(index.nearest(query, 5, -1, null).map((item) => item.photoId)).not.toContain(first!.photoId);
    vectors.set(5, query);
    index.put(5, signCode(query));
    expect(index.nearest(query, 1, -1, null)).toEqual([{ photoId: 5, score: expect.closeTo(1, 5) as number }]);
    expect(index.size).toBe(2000);
  });
});
