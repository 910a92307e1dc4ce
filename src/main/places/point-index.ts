/** The mean Earth radius (IUGG). */
const earthRadiusKm = 6371.0088;

/**
 * A position as a point on the unit sphere: straight-line (chord) distance between two such
 * points grows with the great-circle distance, and there is no seam at the antimeridian or the poles.
 */
export function unitVector(latitude: number, longitude: number): [number, number, number] {
  const lat = (latitude * Math.PI) / 180;
  const lon = (longitude * Math.PI) / 180;
  return [Math.cos(lat) * Math.cos(lon), Math.cos(lat) * Math.sin(lon), Math.sin(lat)];
}

export function chordForKm(km: number): number {
  return 2 * Math.sin(km / (2 * earthRadiusKm));
}

export function kmForChord(chord: number): number {
  return 2 * earthRadiusKm * Math.asin(Math.min(1, chord / 2));
}

/**
 * A k-d tree over unit vectors, stored implicitly: each range's middle element splits it on the
 * axis of its depth (x, y, z in turn). Building is O(n log n), a nearest lookup visits a few dozen
 * of 170,000 points.
 */
export class PointIndex {
  /** The caller's index of the point at each tree position. */
  readonly order: Int32Array;
  private readonly points: Float64Array;

  /** `vectors` holds x, y, z of each point in turn. */
  constructor(vectors: Float64Array) {
    const count = vectors.length / 3;
    this.order = Int32Array.from({ length: count }, (_, i) => i);
    this.build(vectors, 0, count, 0);
    this.points = new Float64Array(vectors.length);
    this.order.forEach((original, position) => this.points.set(vectors.subarray(original * 3, original * 3 + 3), position * 3));
  }

  get size(): number {
    return this.order.length;
  }

  /** The closest point within `maxChord` (its tree position and chord distance), or null. */
  nearest(target: readonly number[], maxChord: number): { position: number; chord: number } | null {
    const best = { position: -1, squared: maxChord * maxChord };
    this.search(target, 0, this.size, 0, best);
    return best.position < 0 ? null : { position: best.position, chord: Math.sqrt(best.squared) };
  }

  /** The point at a tree position, for checks against a plain scan. */
  point(position: number): [number, number, number] {
    return [this.points[position * 3]!, this.points[position * 3 + 1]!, this.points[position * 3 + 2]!];
  }

  private search(target: readonly number[], low: number, high: number, depth: number, best: { position: number; squared: number }): void {
    if (low >= high) return;
    const middle = (low + high) >>> 1;
    const at = middle * 3;
    const dx = target[0]! - this.points[at]!;
    const dy = target[1]! - this.points[at + 1]!;
    const dz = target[2]! - this.points[at + 2]!;
    const squared = dx * dx + dy * dy + dz * dz;
    if (squared < best.squared) {
      best.squared = squared;
      best.position = middle;
    }
    const axis = depth % 3;
    const side = axis === 0 ? dx : axis === 1 ? dy : dz;
    // The target's side first; the other only if the splitting plane is closer than the best so far.
    if (side < 0) {
      this.search(target, low, middle, depth + 1, best);
      if (side * side < best.squared) this.search(target, middle + 1, high, depth + 1, best);
    } else {
      this.search(target, middle + 1, high, depth + 1, best);
      if (side * side < best.squared) this.search(target, low, middle, depth + 1, best);
    }
  }

  private build(vectors: Float64Array, low: number, high: number, depth: number): void {
    if (high - low <= 1) return;
    const middle = (low + high) >>> 1;
    this.select(vectors, low, high - 1, middle, depth % 3);
    this.build(vectors, low, middle, depth + 1);
    this.build(vectors, middle + 1, high, depth + 1);
  }

  /** Quickselect (Hoare): afterwards order[k] holds the point whose `axis` value ranks k within [left, right]. */
  private select(vectors: Float64Array, left: number, right: number, k: number, axis: number): void {
    const order = this.order;
    const value = (i: number) => vectors[order[i]! * 3 + axis]!;
    const swap = (i: number, j: number) => {
      const kept = order[i]!;
      order[i] = order[j]!;
      order[j] = kept;
    };
    while (right > left) {
      const pivot = value((left + right) >>> 1);
      let i = left;
      let j = right;
      while (i <= j) {
        while (value(i) < pivot) i++;
        while (value(j) > pivot) j--;
        if (i <= j) swap(i++, j--);
      }
      if (k <= j) right = j;
      else if (k >= i) left = i;
      else return;
    }
  }
}
