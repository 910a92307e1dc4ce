import { describe, expect, it } from 'vitest';
import { random } from '../../bench/search-library';
import { ShortCodeTable } from '../../src/main/base/hamming';
import { codeWords } from '../../src/main/base/sign-code';

/** Bits set in a 32-bit word, one at a time: the plain reference the kernel must agree with. */
function bitsSet(word: number): number {
  let set = 0;
  for (let bit = 0; bit < 32; bit++) set += (word >>> bit) & 1;
  return set;
}

function randomCodes(seed: number, count: number): Uint32Array {
  const next = random(seed);
  return Uint32Array.from({ length: count * codeWords }, () => Math.floor(next() * 2 ** 32));
}

describe('ShortCodeTable (Hamming distances in WebAssembly)', () => {
  it('gives every code its exact distance to the query and counts them by distance', () => {
    const count = 3001;
    const codes = randomCodes(3, count);
    const table = new ShortCodeTable();
    table.reserve(count);
    table.codes.set(codes);
    // Identical, opposite and random queries: distances 0 and 256 must come out too.
    const queries = [codes.subarray(0, codeWords), codes.subarray(0, codeWords).map((word) => ~word >>> 0), randomCodes(4, 1)];
    for (const query of queries) {
      const { distances, histogram } = table.distances(query, count);
      const expected = Array.from({ length: count }, (_, slot) => {
        let distance = 0;
        for (let word = 0; word < codeWords; word++) distance += bitsSet((query[word]! ^ codes[slot * codeWords + word]!) >>> 0);
        return distance;
      });
      expect([...distances]).toEqual(expected);
      const counted = new Array(257).fill(0);
      for (const distance of expected) counted[distance]++;
      expect([...histogram]).toEqual(counted);
    }
    expect(table.distances(queries[0]!, count).distances[0]).toBe(0);
    expect(table.distances(queries[1]!, count).distances[0]).toBe(256);
  });

  it('collects the slots within a band of distances, in order, from distance 0 up', () => {
    const count = 2000;
    const table = new ShortCodeTable();
    table.reserve(count);
    table.codes.set(randomCodes(5, count));
    const { distances } = table.distances(table.codes.slice(codeWords * 7, codeWords * 8), count);
    const all = [...distances];
    const band = (above: number, upTo: number) => all.flatMap((distance, slot) => (distance > above && distance <= upTo ? [slot] : []));
    expect([...table.collect(count, -1, 0)]).toEqual([7]);
    expect([...table.collect(count, 120, 128)]).toEqual(band(120, 128));
    expect(band(120, 128).length).toBeGreaterThan(100);
    expect(table.collect(count, -1, 256).length).toBe(count);
  });

  it('keeps its codes when it grows', () => {
    const table = new ShortCodeTable();
    table.reserve(10);
    const first = randomCodes(6, 10);
    table.codes.set(first);
    table.reserve(200_000);
    expect([...table.codes.subarray(0, first.length)]).toEqual([...first]);
    expect(table.codes.length).toBe(200_000 * codeWords);
  });
});
