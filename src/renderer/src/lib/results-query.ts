import type { CaptionistApi } from '../../../shared/contract';
import type { SearchCriteria } from '../../../shared/domain';
import type { SearchMode } from '../../../shared/embeddings';
import { maxPhotoIds } from '../../../shared/limits';
import type { SearchIdList } from './search-ids';

/**
 * How long typing must pause before the search asks for meaning, which costs the provider a query
 * embedding; word matches need no provider and show after the shorter search delay.
 */
export const meaningPauseMs = 300;

/** The photo whose look-alikes the grid shows instead of the search ("Find similar"). */
export interface SimilarTo {
  photoId: number;
  fileName: string;
}

/** What the grid asks `photos:search` for. */
export type ResultsQuery = SearchCriteria & { mode?: SearchMode; similarTo?: number };

/**
 * The grid's query for the settled search: the photos like `similar` when one is chosen (the
 * search's filters and scope still apply, its words do not), else the search by words only while
 * typing has not paused for `meaningPauseMs`, and by words and meaning (the core's default) once
 * it has.
 */
export function resultsQuery(settled: SearchCriteria, typingPaused: boolean, similar: SimilarTo | null): ResultsQuery {
  if (similar) return { ...settled, text: '', similarTo: similar.photoId };
  if (!typingPaused && (settled.text ?? '').trim() !== '') return { ...settled, mode: 'text' };
  return settled;
}

/** `photos:search`'s largest page. */
const rankedPageSize = 1000;

/**
 * Every photo id the grid's query shows, in its order, for select-all and Shift ranges. A search
 * by words lists them through `photos:ids`; one ranked by meaning (or photos like one) has its own
 * order and ends within the core's fusion depth, so its pages are read whole, unless the core
 * answered by words after all (meaning not set up, the provider offline).
 */
export async function resultsIds(api: Pick<CaptionistApi, 'invoke'>, query: ResultsQuery): Promise<SearchIdList> {
  const { mode: _mode, similarTo, ...criteria } = query;
  const wordsOnly = () => api.invoke('photos:ids', criteria);
  if (similarTo === undefined && (query.mode === 'text' || !(query.text ?? '').trim())) return wordsOnly();
  const ids: number[] = [];
  for (;;) {
    const answer = await api.invoke('photos:search', { ...query, limit: rankedPageSize, offset: ids.length });
    if (similarTo === undefined && answer.mode === 'text') return wordsOnly();
    ids.push(...answer.results.map((hit) => hit.id));
    if (answer.results.length < rankedPageSize || ids.length >= maxPhotoIds) return { ids, truncated: ids.length < answer.total };
  }
}
