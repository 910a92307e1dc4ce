import type { SearchCriteria } from '../../../shared/domain';
import type { SearchMode } from '../../../shared/embeddings';

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
