import { resolve } from 'node:path';
import type { z } from 'zod';
import type { SearchHit } from '../../shared/domain';
import type { MeaningSearchQuerySchema, RankedResults, SearchMode } from '../../shared/embeddings';
import { UserError } from '../base/errors';
import type { EmbeddingsRepository } from '../db/embeddings.repo';
import type { KeptUntilChange } from '../db/statements';
import { ProviderError } from '../providers/errors';
import type { EmbeddingsService } from './embeddings.service';
import type { SearchService } from './search.service';

type Query = z.output<typeof MeaningSearchQuerySchema>;
type Match = 'text' | 'meaning';

/** How many of each ranking's best are fused. */
const fusionDepth = 1000;
/** Reciprocal rank fusion's constant: a photo's share from one ranking is 1 / (k + rank). */
const rrfK = 60;

interface Ranked {
  photoId: number;
  score: number;
  matchedBy: Match[];
}

/**
 * `photos:search` in every mode: text (the text search as it ranks), meaning (the caption vectors
 * nearest the query's), hybrid (both, fused by reciprocal rank), and "more like this". Every filter
 * applies in every mode; when the provider cannot embed the query, the text results come with a note.
 */
export class MeaningSearch {
  /** The last filter's photos, kept until the library changes: as-you-type searches repeat a filter. */
  private readonly filtered: KeptUntilChange<Uint8Array>;

  constructor(
    private readonly text: SearchService,
    private readonly embeddings: EmbeddingsService,
    private readonly repo: EmbeddingsRepository,
  ) {
    this.filtered = repo.keptUntilChange<Uint8Array>();
  }

  async search(query: Query): Promise<RankedResults> {
    if (query.similarTo !== undefined) return this.similar(query.similarTo, query);
    if (query.mode === 'text' || !query.text.trim()) return this.textOnly(query);
    const ready = this.embeddings.ready();
    const mode: SearchMode = query.mode ?? (ready ? 'hybrid' : 'text');
    if (mode === 'text') return this.textOnly(query);
    if (!ready) {
      return this.textOnly(query, 'Search by meaning is not set up yet ("captionist embeddings use NAME", then "embeddings run"): showing word matches only.');
    }
    let vector: Float32Array;
    try {
      vector = await this.embeddings.queryVector(query.text);
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      return this.textOnly(query, `Searching by words only: ${error.message}`);
    }
    const meaning = this.nearest(vector, query, null);
    if (mode === 'meaning') return this.page(meaning, query, mode);
    const textIds = this.text.ids(query, fusionDepth).ids;
    return this.page(fuse(textIds, meaning), query, mode);
  }

  /** Photos whose captions mean what the photo's does, most alike first; the query's filters apply, its text does not. */
  private similar(photo: number | string, query: Query): RankedResults {
    const photoId = typeof photo === 'number' ? photo : this.repo.photoIdOf(resolve(photo));
    if (photoId === null) throw new UserError(`Not in the library: ${resolve(String(photo))}`);
    const vector = this.embeddings.vectorOf(photoId);
    if (!vector) {
      throw new UserError(`${typeof photo === 'string' ? resolve(photo) : `Photo ${photo}`} has no embedding of its caption yet: run "captionist embeddings run".`);
    }
    return this.page(this.nearest(vector, { ...query, text: '' }, photoId), query, 'meaning');
  }

  private nearest(vector: Float32Array, query: Query, excluded: number | null): Ranked[] {
    const allowed = this.allowedPhotos(query);
    return this.embeddings
      .vectorIndex()
      .nearest(vector, fusionDepth, this.embeddings.meaningFloor(vector), (id) => id !== excluded && allowed(id))
      .map(({ photoId, score }) => ({ photoId, score, matchedBy: ['meaning'] }));
  }

  /** The query's filters as a test of a photo id: the text search's filter-only answer, or only "not missing". */
  private allowedPhotos(query: Query): (photoId: number) => boolean {
    const { text: _text, sort: _sort, limit: _limit, offset: _offset, mode: _mode, similarTo: _similar, includeMissing, onlyMissing, ...filters } = query;
    if (!includeMissing && !onlyMissing && Object.values(filters).every((value) => value === undefined)) {
      const missing = this.repo.missingPhotoIds();
      return (id) => !missing.has(id);
    }
    const kept = this.filtered.get(() => membership(this.text.filteredIds(query)), JSON.stringify({ ...filters, includeMissing, onlyMissing }));
    return (id) => kept[id] === 1;
  }

  private textOnly(query: Query, note?: string): RankedResults {
    const results = this.text.search(query);
    return {
      ...results,
      results: results.results.map((hit, index) => ({ ...hit, score: 1 / (rrfK + query.offset + index + 1), matchedBy: ['text'] })),
      mode: 'text',
      ...(note && { note }),
    };
  }

  /** The matches in the order asked for: best first (relevance), or newest first by capture date. */
  private sorted(ranked: Ranked[], query: Query): Ranked[] {
    if (query.sort !== 'date') return ranked;
    const byId = new Map(ranked.map((item) => [item.photoId, item]));
    return this.repo.newestFirst([...byId.keys()]).map((id) => byId.get(id)!);
  }

  private page(ranked: Ranked[], query: Query, mode: SearchMode): RankedResults {
    const slice = this.sorted(ranked, query).slice(query.offset, query.offset + query.limit);
    const hits = new Map(this.repo.hits(slice.map((item) => item.photoId)).map((hit: SearchHit) => [hit.id, hit]));
    return {
      total: ranked.length,
      totalIsExact: true,
      results: slice.flatMap((item) => {
        const hit = hits.get(item.photoId);
        return hit ? [{ ...hit, score: item.score, matchedBy: item.matchedBy }] : [];
      }),
      mode,
    };
  }
}

/**
 * 1 at each of the photo ids: the index asks about tens of thousands of candidates within a
 * narrow filter, and an array answers each in a step where a Set of 100,000 ids hashes.
 */
function membership(photoIds: readonly number[]): Uint8Array {
  let largest = 0;
  for (const id of photoIds) if (id > largest) largest = id;
  const kept = new Uint8Array(largest + 1);
  for (const id of photoIds) kept[id] = 1;
  return kept;
}

/** Reciprocal rank fusion of the text ranking (ids, best first) and the meaning ranking. */
function fuse(textIds: readonly number[], meaning: readonly Ranked[]): Ranked[] {
  const fused = new Map<number, Ranked>();
  const add = (photoId: number, rank: number, match: Match) => {
    const entry = fused.get(photoId) ?? { photoId, score: 0, matchedBy: [] };
    entry.score += 1 / (rrfK + rank + 1);
    entry.matchedBy.push(match);
    fused.set(photoId, entry);
  };
  textIds.forEach((id, rank) => add(id, rank, 'text'));
  meaning.forEach((item, rank) => add(item.photoId, rank, 'meaning'));
  return [...fused.values()].sort((a, b) => b.score - a.score || a.photoId - b.photoId);
}
