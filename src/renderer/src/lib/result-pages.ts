import type { SearchResults } from '../../../shared/domain';

interface StoredPage<T> {
  generation: number;
  items: readonly T[];
}

/**
 * The results of one search, fetched a page at a time as the grid scrolls to them.
 *
 * Each request carries the generation it was made in; an answer from an older generation (a
 * search since replaced) is dropped. `invalidate()` starts a new generation but keeps the old
 * pages on screen until their fresh copies arrive, so a live reload loses neither scroll
 * position nor what is shown. `reset()` starts a new search: the old results stay on screen
 * until its first answer arrives and then all go, so typing does not make the grid flash empty.
 */
export class ResultPages<T> {
  private pages = new Map<number, StoredPage<T>>();
  private requested = new Map<number, number>();
  private currentGeneration = 0;
  private knownTotal = 0;
  private totalExact = true;
  private totalGeneration = -1;
  private dropOldPagesOnAnswer = false;

  constructor(readonly pageSize: number) {}

  get generation(): number {
    return this.currentGeneration;
  }

  /** Whether any answer for the current search has arrived. */
  get answered(): boolean {
    return this.totalGeneration >= 0;
  }

  /** How many items the grid should have room for. */
  get count(): number {
    return this.knownTotal;
  }

  /** False while more photos may match than counted so far: show "10,000+". */
  get countIsExact(): boolean {
    return this.totalExact;
  }

  reset(): void {
    this.requested.clear();
    this.currentGeneration++;
    this.totalGeneration = -1;
    this.dropOldPagesOnAnswer = true;
  }

  invalidate(): void {
    this.requested.clear();
    this.currentGeneration++;
  }

  at(index: number): T | undefined {
    return this.pages.get(Math.floor(index / this.pageSize))?.items[index % this.pageSize];
  }

  /** Items loaded between two indexes (inclusive), skipping those not loaded. */
  loadedBetween(first: number, last: number): T[] {
    const items: T[] = [];
    for (let index = Math.max(0, first); index <= last; index++) {
      const item = this.at(index);
      if (item !== undefined) items.push(item);
    }
    return items;
  }

  /** Every loaded item, in order. */
  loaded(): T[] {
    return [...this.pages.entries()].sort(([a], [b]) => a - b).flatMap(([, page]) => page.items);
  }

  /**
   * Pages to fetch so the items from `first` to `last` are current: those not yet fetched (or
   * fetched in an older generation) and not already on their way. While the count is not exact,
   * reaching the end asks for the page after it, which is how the grid grows.
   */
  pagesToFetch(first: number, last: number): number[] {
    let end = Math.min(last, this.knownTotal - 1);
    // A count from before a reload may be out of date (a library that was empty has photos
    // now): the first page in view is asked for again whatever it said.
    if (this.totalGeneration !== this.currentGeneration) end = Math.max(end, first);
    else if (!this.totalExact && last >= this.knownTotal - 1) end = this.knownTotal;
    const wanted: number[] = [];
    if (end < first) return wanted;
    for (let page = Math.floor(Math.max(0, first) / this.pageSize); page <= Math.floor(end / this.pageSize); page++) {
      if (this.pages.get(page)?.generation === this.currentGeneration) continue;
      if (this.requested.get(page) === this.currentGeneration) continue;
      wanted.push(page);
    }
    return wanted;
  }

  markRequested(page: number): void {
    this.requested.set(page, this.currentGeneration);
  }

  /** A request failed: let a later `pagesToFetch` ask again. */
  forgetRequest(page: number, generation: number): void {
    if (this.requested.get(page) === generation) this.requested.delete(page);
  }

  /** Stores an answer; returns false (and changes nothing) when it belongs to an older generation. */
  accept(generation: number, page: number, answer: Pick<SearchResults, 'total' | 'totalIsExact'> & { results: readonly T[] }): boolean {
    if (generation !== this.currentGeneration) return false;
    if (this.dropOldPagesOnAnswer) {
      this.pages.clear();
      this.dropOldPagesOnAnswer = false;
    }
    this.pages.set(page, { generation, items: answer.results });
    const offset = page * this.pageSize;
    const end = offset + answer.results.length;
    if (this.totalGeneration !== generation) {
      // The first answer of a generation replaces the old count: photos may have come or gone.
      this.knownTotal = answer.total;
      this.totalExact = answer.totalIsExact;
      this.totalGeneration = generation;
    }
    if (!this.totalExact) {
      if (answer.results.length < this.pageSize) {
        this.knownTotal = end;
        this.totalExact = true;
      } else {
        this.knownTotal = Math.max(this.knownTotal, end, answer.total);
      }
    }
    // Pages past a shrunken end would only show photos that no longer match.
    for (const stored of this.pages.keys()) {
      if (stored * this.pageSize >= this.knownTotal && stored !== page) this.pages.delete(stored);
    }
    return true;
  }
}
