import type { CaptionStatus, Orientation, SearchCriteria, SearchSort } from '../../../shared/domain';

/** The filter panel's fields as typed: strings, with '' meaning "any". */
export interface FilterForm {
  from: string;
  to: string;
  camera: string;
  lens: string;
  hasCaption: '' | 'yes' | 'no';
  captionStatus: '' | CaptionStatus;
  provider: string;
  keyword: string;
  orientation: '' | Orientation;
  fileType: string;
  missing: 'exclude' | 'include' | 'only';
}

export const emptyFilters: FilterForm = {
  from: '',
  to: '',
  camera: '',
  lens: '',
  hasCaption: '',
  captionStatus: '',
  provider: '',
  keyword: '',
  orientation: '',
  fileType: '',
  missing: 'exclude',
};

/** Where in the library the search looks: everywhere, a library folder, or a folder inside one. */
export type SearchScope = { kind: 'all' } | { kind: 'folder'; folderId: number } | { kind: 'path'; path: string };

export interface SearchState {
  text: string;
  filters: FilterForm;
  sort: SearchSort;
  scope: SearchScope;
}

/** What the search box says while empty (the first screen painted before the app shows it too). */
export const searchPlaceholder = 'Search captions, keywords, titles, file and folder names';

export const initialSearch: SearchState = { text: '', filters: emptyFilters, sort: 'relevance', scope: { kind: 'all' } };

const periodPattern = /^\d{4}(-\d{2}(-\d{2})?)?$/;

/** A day, month or year as the search accepts it (2024-06-01, 2024-06, 2024), or why not. */
export function periodError(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  if (!periodPattern.test(trimmed)) return 'Use a date such as 2024-06-01, 2024-06 or 2024.';
  const [year, month = 1, day = 1] = trimmed.split('-').map(Number) as [number, number?, number?];
  const date = new Date(Date.UTC(year, month - 1, day));
  const real = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return real ? null : 'There is no such date.';
}

export type FilterErrors = Partial<Record<'from' | 'to', string>>;

export function filterErrors(filters: FilterForm): FilterErrors {
  const errors: FilterErrors = {};
  const from = periodError(filters.from);
  const to = periodError(filters.to);
  if (from) errors.from = from;
  if (to) errors.to = to;
  return errors;
}

/**
 * The criteria the core searches with. A field left empty, or a date not yet valid (still being
 * typed), does not filter; `filterErrors` says which ones are invalid.
 */
export function criteriaFrom({ text, filters, sort, scope }: SearchState): SearchCriteria {
  const criteria: SearchCriteria = { text, sort };
  if (scope.kind === 'folder') criteria.folderId = scope.folderId;
  if (scope.kind === 'path') criteria.folder = scope.path;
  Object.assign(criteria, filterCriteria(filters));
  return criteria;
}

/** The filter part alone (no text, sort or scope), e.g. for counts per folder. */
export function filterCriteria(filters: FilterForm): SearchCriteria {
  const criteria: SearchCriteria = {};
  const errors = filterErrors(filters);
  if (filters.from.trim() && !errors.from) criteria.from = filters.from.trim();
  if (filters.to.trim() && !errors.to) criteria.to = filters.to.trim();
  for (const key of ['camera', 'lens', 'provider', 'keyword', 'fileType'] as const) {
    const value = filters[key].trim();
    if (value) criteria[key] = value;
  }
  if (filters.hasCaption) criteria.hasCaption = filters.hasCaption === 'yes';
  if (filters.captionStatus) criteria.captionStatus = filters.captionStatus;
  if (filters.orientation) criteria.orientation = filters.orientation;
  if (filters.missing === 'include') criteria.includeMissing = true;
  if (filters.missing === 'only') criteria.onlyMissing = true;
  return criteria;
}

/** How many filters narrow the search, for the Filters button's badge. */
export function activeFilterCount(filters: FilterForm): number {
  return Object.keys(filterCriteria(filters)).length;
}

/** The search a saved smart album holds, back as the panel's fields. */
export function searchStateFrom(criteria: SearchCriteria): SearchState {
  const text = (value: string | undefined) => value ?? '';
  const filters: FilterForm = {
    from: text(criteria.from),
    to: text(criteria.to),
    camera: text(criteria.camera),
    lens: text(criteria.lens),
    hasCaption: criteria.hasCaption === undefined ? '' : criteria.hasCaption ? 'yes' : 'no',
    captionStatus: criteria.captionStatus ?? '',
    provider: text(criteria.provider),
    keyword: text(criteria.keyword),
    orientation: criteria.orientation ?? '',
    fileType: text(criteria.fileType),
    missing: criteria.onlyMissing ? 'only' : criteria.includeMissing ? 'include' : 'exclude',
  };
  const scope: SearchScope =
    criteria.folder !== undefined
      ? { kind: 'path', path: criteria.folder }
      : criteria.folderId !== undefined
        ? { kind: 'folder', folderId: criteria.folderId }
        : { kind: 'all' };
  return { text: text(criteria.text), filters, sort: criteria.sort ?? 'relevance', scope };
}

export function isFiltered(state: SearchState): boolean {
  return state.text.trim() !== '' || activeFilterCount(state.filters) > 0;
}

/** The count the status region announces: "1,234 photos", "10,000+ photos", "No photos match …". */
export function countText(count: number, exact: boolean, state: Pick<SearchState, 'text' | 'filters'>): string {
  if (count === 0) {
    const text = state.text.trim();
    if (text) return `No photos match “${text}”${activeFilterCount(state.filters) > 0 ? ' with these filters' : ''}.`;
    if (activeFilterCount(state.filters) > 0) return 'No photos match these filters.';
    return 'No photos here yet.';
  }
  const number = count.toLocaleString('en-US');
  if (!exact) return `${number}+ photos`;
  return `${number} ${count === 1 ? 'photo' : 'photos'}`;
}
