import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { SavedSearch, SearchCriteria } from '../../../shared/domain';
import { textToSearchWhileTyping } from '../../../shared/search-typing';
import { firstScreenFallbackMs, markFirstScreenShown } from '../lib/first-screen';
import { meaningPauseMs, resultsQuery, type ResultsQuery, type SimilarTo } from '../lib/results-query';
import { countText, criteriaFrom, initialSearch, searchStateFrom, type SearchScope, type SearchState } from '../lib/search-criteria';
import { useDebouncedValue } from './use-debounced-value';
import { usePhotoResults, useResultsSummary, type PhotoResults } from './use-photo-results';

const searchDelayMs = 150;

export interface Search {
  /** What the toolbar and sidebar show, as typed. */
  search: SearchState;
  /** The criteria the results are for: `search` once typing has paused. */
  settled: SearchCriteria;
  /** `settled` as a string, a key that changes with every new search. */
  settledKey: string;
  /** What the grid shows: `settled`, by words alone while typing, or the photos like `similar`. */
  query: ResultsQuery;
  results: PhotoResults;
  /** "1,234 photos", kept until a new search answers so it does not flicker while typing. */
  countText: string;
  activeAlbumId: number | null;
  /** The photo whose look-alikes the grid shows instead of the search, if any. */
  similar: SimilarTo | null;
  findSimilar(photo: SimilarTo): void;
  /** Back to the search as it was before "Find similar". */
  leaveSimilar(): void;
  update(change: Partial<SearchState>): void;
  scopeTo(scope: SearchScope): void;
  openAlbum(album: SavedSearch): void;
  /** Marks the album just saved from this search as the one open. */
  setActiveAlbumId(id: number | null): void;
  clear(): void;
}

/** The search as typed and chosen in the toolbar, sidebar and filters, and its results. */
export function useSearch(libraryVersion: number, showError: (reason: unknown) => void): Search {
  const [search, setSearch] = useState<SearchState>(initialSearch);
  const [activeAlbumId, setActiveAlbumId] = useState<number | null>(null);
  const [similar, setSimilar] = useState<SimilarTo | null>(null);

  // Search as the user types, once typing pauses (from the second letter).
  const criteriaKey = JSON.stringify(criteriaFrom({ ...search, text: textToSearchWhileTyping(search.text) }));
  const settledKey = useDebouncedValue(criteriaKey, searchDelayMs);
  const settled = useMemo(() => JSON.parse(settledKey) as SearchCriteria, [settledKey]);
  const typingPaused = useDebouncedValue(criteriaKey, meaningPauseMs) === settledKey;
  const query = useMemo(() => resultsQuery(settled, typingPaused, similar), [settled, typingPaused, similar]);
  const results = usePhotoResults(query, libraryVersion);
  useResultsSummary(results);
  const { pages } = results;

  useEffect(() => {
    if (results.error) showError(results.error);
  }, [results.error, showError]);
  useEffect(() => {
    if (!pages.answered && !results.error) return;
    const timer = setTimeout(markFirstScreenShown, firstScreenFallbackMs);
    return () => clearTimeout(timer);
  }, [pages.answered, results.error]);

  const countRef = useRef('');
  if (pages.answered) {
    countRef.current = countText(pages.count, pages.countIsExact, { text: settled.text ?? '', filters: search.filters });
  }

  const update = useCallback((change: Partial<SearchState>) => {
    setSearch((old) => ({ ...old, ...change }));
    setActiveAlbumId(null);
    setSimilar(null);
  }, []);
  const scopeTo = useCallback((scope: SearchScope) => update({ scope }), [update]);
  const openAlbum = useCallback((album: SavedSearch) => {
    setSearch(searchStateFrom(album.criteria));
    setActiveAlbumId(album.id);
    setSimilar(null);
  }, []);
  const clear = useCallback(() => {
    setSearch(initialSearch);
    setActiveAlbumId(null);
    setSimilar(null);
  }, []);
  const leaveSimilar = useCallback(() => setSimilar(null), []);

  return {
    search,
    settled,
    settledKey,
    query,
    results,
    countText: countRef.current,
    activeAlbumId,
    similar,
    findSimilar: setSimilar,
    leaveSimilar,
    update,
    scopeTo,
    openAlbum,
    setActiveAlbumId,
    clear,
  };
}
