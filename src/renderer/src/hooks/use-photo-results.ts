import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { RankedHit } from '../../../shared/embeddings';
import { errorText } from '../errors';
import { pageRequest, resultPageSize, searchPage } from '../lib/early-results';
import { ResultPages } from '../lib/result-pages';
import type { ResultsQuery } from '../lib/results-query';

export interface PhotoResults {
  pages: ResultPages<RankedHit>;
  /** Makes sure the items from `first` to `last` are (being) fetched. */
  ensure(first: number, last: number): void;
  /** Tells `listener` whenever pages arrive or the search starts over. */
  subscribe(listener: () => void): () => void;
  /** Changes whenever `subscribe`'s listeners are told. */
  revision(): number;
  error: string | undefined;
  /** Why the search ran otherwise than asked (the provider offline: words only), from its first page. */
  note: string | undefined;
}

/**
 * The results of a search, fetched a page at a time as the grid asks for them. A new `criteria`
 * starts over; a new `reloadToken` (the library changed) refetches what is in view and keeps the
 * rest on screen meanwhile. A page arriving renders only the views that subscribe to it (the
 * grid), not every component of the app.
 */
export function usePhotoResults(criteria: ResultsQuery, reloadToken: number): PhotoResults {
  const pagesRef = useRef<ResultPages<RankedHit> | null>(null);
  pagesRef.current ??= new ResultPages<RankedHit>(resultPageSize);
  const pages = pagesRef.current;
  const [error, setError] = useState<string | undefined>();
  const [note, setNote] = useState<string | undefined>();
  const criteriaRef = useRef(criteria);
  const rangeRef = useRef({ first: 0, last: resultPageSize - 1 });
  const { subscribe, revision, notify } = useChangeSignal();

  const ensure = useCallback(
    (first: number, last: number) => {
      rangeRef.current = { first, last };
      for (const page of pages.pagesToFetch(first, last)) {
        const generation = pages.generation;
        pages.markRequested(page);
        searchPage(window.api, pageRequest(criteriaRef.current, page)).then(
          (answer) => {
            if (!pages.accept(generation, page, answer)) return;
            setError(undefined);
            if (page === 0) setNote(answer.note);
            notify();
          },
          (reason: unknown) => {
            pages.forgetRequest(page, generation);
            if (generation === pages.generation) setError(errorText(reason));
          },
        );
      }
    },
    [pages, notify],
  );

  const criteriaKey = JSON.stringify(criteria);
  useEffect(() => {
    criteriaRef.current = JSON.parse(criteriaKey) as ResultsQuery;
    pages.reset();
    notify();
    ensure(0, resultPageSize - 1);
  }, [criteriaKey, pages, ensure, notify]);

  const firstReload = useRef(true);
  useEffect(() => {
    if (firstReload.current) {
      firstReload.current = false;
      return;
    }
    pages.invalidate();
    ensure(rangeRef.current.first, rangeRef.current.last);
  }, [reloadToken, pages, ensure]);

  return { pages, ensure, subscribe, revision, error, note };
}

/** Renders the calling component again whenever the results change. */
export function useResultsRevision(results: PhotoResults): number {
  return useSyncExternalStore(results.subscribe, results.revision);
}

/**
 * Renders the calling component again only when what a summary of the results shows changes:
 * whether the search answered, and its count.
 */
export function useResultsSummary(results: PhotoResults): void {
  const { pages } = results;
  useSyncExternalStore(results.subscribe, () => `${pages.answered}:${pages.count}:${pages.countIsExact}`);
}

function useChangeSignal() {
  const listeners = useRef(new Set<() => void>());
  const counter = useRef(0);
  const subscribe = useCallback((listener: () => void) => {
    listeners.current.add(listener);
    return () => void listeners.current.delete(listener);
  }, []);
  const revision = useCallback(() => counter.current, []);
  const notify = useCallback(() => {
    counter.current++;
    for (const listener of listeners.current) listener();
  }, []);
  return { subscribe, revision, notify };
}
