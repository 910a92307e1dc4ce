/**
 * The cosine a caption must reach to count as meaning what was asked. Models differ in what chance
 * looks like (unrelated texts score about 0.1 with OpenAI's models, 0.4 to 0.5 with nomic-embed-text,
 * and a one-word query sits higher than a long caption), so the floor is measured per query: its
 * cosines to photos sampled across the library are mostly chance, and a match must stand clear of
 * them. Median and median absolute deviation, not mean and spread, so the few photos that do match
 * (in a small library, a large share) do not raise the bar against themselves.
 */
const spreadsAboveChance = 2;
/** A MAD is this share of a normal distribution's standard deviation. */
const madToSpread = 1.4826;
/** Nor less than this above chance: a sample whose cosines all agree has no spread to measure. */
const minMargin = 0.05;

/** Fewer photos than this cannot show chance (the one photo there may be the match). */
const minSample = 5;
/** Their floor meanwhile: where unrelated texts end with OpenAI's models. */
const uncalibratedFloor = 0.25;

/** The floor for `query`, from its cosines to `sample` (unit vectors of photos across the library). */
export function meaningFloor(query: Float32Array, sample: readonly Float32Array[]): number {
  const cosines = sample.filter((vector) => vector.length === query.length).map((vector) => dot(query, vector));
  if (cosines.length < minSample) return uncalibratedFloor;
  const chance = median(cosines);
  const spread = madToSpread * median(cosines.map((cosine) => Math.abs(cosine - chance)));
  return chance + Math.max(minMargin, spreadsAboveChance * spread);
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
