import type { CaptionistApi } from '../../../shared/contract';
import type { RankedResults } from '../../../shared/embeddings';
import type { ResultsQuery } from './results-query';

export const resultPageSize = 200;

type PageRequest = ResultsQuery & { limit: number; offset: number };

/** What one page of a search asks the core for; the same object whoever asks. */
export function pageRequest(criteria: ResultsQuery, page: number): PageRequest {
  return { ...criteria, limit: resultPageSize, offset: page * resultPageSize };
}

let early: { key: string; answer: Promise<RankedResults> } | null = null;

/**
 * Asks for the opening search's first page as soon as the script runs, before React's first
 * render and before the secondary panels' calls, so the grid's photos are the first answer.
 */
export function requestEarly(api: Pick<CaptionistApi, 'invoke'>, request: PageRequest): Promise<RankedResults> {
  const answer = api.invoke('photos:search', request);
  // Its taker hears of a failure; a page nobody takes (another search came first) is dropped.
  answer.catch(() => undefined);
  early = { key: JSON.stringify(request), answer };
  return answer;
}

/** One page of results: the early answer when it is for this very request, else a new call. */
export function searchPage(api: Pick<CaptionistApi, 'invoke'>, request: PageRequest): Promise<RankedResults> {
  const taken = early;
  early = null;
  if (taken && taken.key === JSON.stringify(request)) return taken.answer;
  return api.invoke('photos:search', request);
}
