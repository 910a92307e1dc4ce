import { useCallback, useEffect, useRef, useState } from 'react';
import type { SearchCriteria, SearchHit } from '../../../shared/domain';
import { errorText } from '../errors';
import { ResultPages } from '../lib/result-pages';

export const resultPageSize = 200;

export interface PhotoResults {
  pages: ResultPages<SearchHit>;
  /** Changes whenever a page arrives, so views holding `pages` render again. */
  revision: number;
  /** Makes sure the items from `first` to `last` are (being) fetched. */
  ensure(first: number, last: number): void;
  error: string | undefined;
}

/**
 * The results of a search, fetched a page at a time as the grid asks for them. A new `criteria`
 * starts over; a new `reloadToken` (the library changed) refetches what is in view and keeps the
 * rest on screen meanwhile.
 */
export function usePhotoResults(criteria: SearchCriteria, reloadToken: number): PhotoResults {
  const pagesRef = useRef<ResultPages<SearchHit> | null>(null);
  pagesRef.current ??= new ResultPages<SearchHit>(resultPageSize);
  const pages = pagesRef.current;
  const [revision, setRevision] = useState(0);
  const [error, setError] = useState<string | undefined>();
  const criteriaRef = useRef(criteria);
  const rangeRef = useRef({ first: 0, last: resultPageSize - 1 });

  const ensure = useCallback(
    (first: number, last: number) => {
      rangeRef.current = { first, last };
      for (const page of pages.pagesToFetch(first, last)) {
        const generation = pages.generation;
        pages.markRequested(page);
        window.api
          .invoke('photos:search', { ...criteriaRef.current, limit: resultPageSize, offset: page * resultPageSize })
          .then(
            (answer) => {
              if (!pages.accept(generation, page, answer)) return;
              setError(undefined);
              setRevision((value) => value + 1);
            },
            (reason: unknown) => {
              pages.forgetRequest(page, generation);
              if (generation === pages.generation) setError(errorText(reason));
            },
          );
      }
    },
    [pages],
  );

  const criteriaKey = JSON.stringify(criteria);
  useEffect(() => {
    criteriaRef.current = JSON.parse(criteriaKey) as SearchCriteria;
    pages.reset();
    setRevision((value) => value + 1);
    ensure(0, resultPageSize - 1);
  }, [criteriaKey, pages, ensure]);

  const firstReload = useRef(true);
  useEffect(() => {
    if (firstReload.current) {
      firstReload.current = false;
      return;
    }
    pages.invalidate();
    ensure(rangeRef.current.first, rangeRef.current.last);
  }, [reloadToken, pages, ensure]);

  return { pages, revision, ensure, error };
}
