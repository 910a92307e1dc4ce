/** A photo and how alike its vector is to the one asked about (cosine, -1 to 1). */
export interface Neighbour {
  photoId: number;
  score: number;
}

/**
 * Every photo's unit-length vector in one contiguous array, compared by dot product (the cosine
 * of unit vectors) in one pass.
 */
export class VectorIndex {
  private constructor(
    private readonly photoIds: Int32Array,
    private readonly vectors: Float32Array,
    private readonly dimensions: number,
  ) {}

  static from(rows: readonly { photoId: number; vector: Float32Array }[]): VectorIndex {
    const dimensions = rows[0]?.vector.length ?? 0;
    const photoIds = new Int32Array(rows.length);
    const vectors = new Float32Array(rows.length * dimensions);
    rows.forEach((row, index) => {
      photoIds[index] = row.photoId;
      vectors.set(row.vector, index * dimensions);
    });
    return new VectorIndex(photoIds, vectors, dimensions);
  }

  get size(): number {
    return this.photoIds.length;
  }

  /**
   * Up to `limit` photos at least `minScore` alike, most alike first, among those `allowed`
   * accepts (all when it is null).
   */
  nearest(query: Float32Array, limit: number, minScore: number, allowed: ((photoId: number) => boolean) | null): Neighbour[] {
    if (query.length !== this.dimensions || limit < 1) return [];
    // The best so far, best first; once full, a photo must beat the last to get in.
    const best: Neighbour[] = [];
    let floor = minScore;
    // Locals, not fields, in the hot loop: V8 keeps them in registers.
    const { dimensions: dims, vectors, photoIds } = this;
    for (let row = 0; row < photoIds.length; row++) {
      let dot = 0;
      const base = row * dims;
      for (let i = 0; i < dims; i++) dot += query[i]! * vectors[base + i]!;
      if (dot < floor) continue;
      const photoId = photoIds[row]!;
      if (allowed && !allowed(photoId)) continue;
      let at = best.length;
      while (at > 0 && best[at - 1]!.score < dot) at--;
      best.splice(at, 0, { photoId, score: dot });
      if (best.length > limit) {
        best.pop();
        floor = best.at(-1)!.score;
      }
    }
    return best;
  }
}
