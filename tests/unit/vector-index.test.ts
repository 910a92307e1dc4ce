import { describe, expect, it } from 'vitest';
import { random } from '../../bench/search-library';
import { unitLength } from '../../src/main/providers/embeddings';
import { VectorIndex } from '../../src/main/search/vector-index';

describe('VectorIndex', () => {
  it('finds the same nearest photos as sorting every cosine, within the floor and the filter', () => {
    const next = random(7);
    const vector = () => unitLength(Array.from({ length: 16 }, () => next() - 0.5));
    const rows = Array.from({ length: 500 }, (_, index) => ({ photoId: index + 1, vector: vector() }));
    const index = VectorIndex.from(rows);
    for (let round = 0; round < 20; round++) {
      const query = vector();
      const even = (id: number) => id % 2 === 0;
      const expected = rows
        .map(({ photoId, vector: v }) => ({ photoId, score: v.reduce((sum, value, i) => sum + value * query[i]!, 0) }))
        .filter((item) => item.score >= 0.3 && even(item.photoId))
        .sort((a, b) => b.score - a.score)
        .slice(0, 7);
      const found = index.nearest(query, 7, 0.3, even);
      expect(found.map((item) => item.photoId)).toEqual(expected.map((item) => item.photoId));
      found.forEach((item, at) => expect(item.score).toBeCloseTo(expected[at]!.score, 5));
    }
    expect(index.nearest(unitLength([1, 0]), 5, -1, null)).toEqual([]);
  });
});
