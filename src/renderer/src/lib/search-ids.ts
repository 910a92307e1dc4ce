/** Every photo id a search matches, in its order (as `photos:ids` answers). */
export interface SearchIdList {
  ids: readonly number[];
  /** More photos matched than the list holds. */
  truncated: boolean;
}

/**
 * The id list of the current search, fetched once and shared by select-all and every Shift range
 * until the search (or the library) changes. A failed fetch is forgotten so the next use asks again.
 */
export class SearchIdCache {
  private key: string | null = null;
  private pending: Promise<SearchIdList> | null = null;

  get(key: string, fetch: () => Promise<SearchIdList>): Promise<SearchIdList> {
    if (this.key === key && this.pending) return this.pending;
    this.key = key;
    const pending = fetch();
    this.pending = pending;
    pending.catch(() => {
      if (this.pending === pending) this.pending = null;
    });
    return pending;
  }
}
