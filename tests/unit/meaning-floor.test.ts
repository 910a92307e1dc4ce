import { describe, expect, it } from 'vitest';
import { random } from '../../bench/search-library';
import { unitLength } from '../../src/main/providers/embeddings';
import { meaningFloor } from '../../src/main/search/meaning-floor';

/**
 * Vectors as a model makes them: a direction every text shares (weight `common`: 0 for OpenAI-like
 * models, where unrelated texts score about 0.1, more for nomic-embed-text-like ones, about 0.45),
 * one of 50 topics, and noise.
 */
function model(common: number) {
  const next = random(3);
  const gaussian = () => Math.sqrt(-2 * Math.log(next() || 1e-12)) * Math.cos(2 * Math.PI * next());
  const shared = Array.from({ length: 256 }, gaussian);
  const topics = Array.from({ length: 50 }, () => Array.from({ length: 256 }, gaussian));
  const text = (topic: number) => unitLength(shared.map((value, i) => common * value + topics[topic]![i]! + 0.6 * gaussian()));
  const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, i) => sum + value * b[i]!, 0);
  return { text, cosine, library: Array.from({ length: 400 }, (_, index) => text(index % 50)) };
}

describe('meaningFloor', () => {
  it.each([
    ['OpenAI-like, unrelated texts near 0.1', 0.3],
    ['nomic-like, unrelated texts near 0.45', 1],
  ])('lets a caption of the same topic through and keeps unrelated ones out: %s', (_name, common) => {
    const { text, cosine, library } = model(common);
    const query = text(7);
    const floor = meaningFloor(query, library.filter((_, index) => index % 5 === 0));
    const related = library.filter((_, index) => index % 50 === 7);
    const unrelated = library.filter((_, index) => index % 50 !== 7);
    expect(related.every((vector) => cosine(query, vector) >= floor)).toBe(true);
    // Two spreads above chance: about 2% of unrelated captions of a normal spread get through.
    expect(unrelated.filter((vector) => cosine(query, vector) >= floor).length).toBeLessThan(unrelated.length * 0.03);
    const unrelatedMean = unrelated.reduce((sum, vector) => sum + cosine(query, vector), 0) / unrelated.length;
    // The shift is real: a fixed floor tuned for one model cannot serve both.
    expect(unrelatedMean).toBeGreaterThan(common === 1 ? 0.35 : 0);
    expect(unrelatedMean).toBeLessThan(common === 1 ? 0.6 : 0.2);
  });

  it('falls back to 0.25 where too few photos show what chance looks like', () => {
    const { text } = model(0);
    expect(meaningFloor(text(1), [text(1), text(2)])).toBe(0.25);
  });
});
