import { resolve, sep } from 'node:path';
import type { z } from 'zod';
import type { FolderCount, SearchCriteriaSchema, SearchQuerySchema, SearchResults } from '../../shared/domain';
import type { FolderSnapshot, PhotoCriteria, RowFilters, SearchRepository } from '../db/search.repo';
import {
  captionedFacet,
  captionStatusFacet,
  dateRangeFacet,
  dayOf,
  dirsFacet,
  libraryFolderFacet,
  missingFacet,
  providerFacet,
} from '../db/facets';
import { textColumns } from '../db/relevance-lists';
import { parseQuery, toFtsExpression } from './fts-query';

type Criteria = z.output<typeof SearchCriteriaSchema>;
type Query = z.output<typeof SearchQuerySchema>;

/** A half-typed word this long or longer is completed from the library's vocabulary (shorter ones have prefix indexes). */
const minCompletedPrefix = 4;
/** Whole words a half-typed word may stand for, at most. */
const maxCompletions = 32;
/** A folder with more subfolders than this is filtered photo by photo, not inside the index. */
const maxFolderFacets = 200;
/** Capture dates outside these years are not searched for (nothing was photographed earlier). */
const earliestYear = 1800;
const latestYear = 2199;

const empty: SearchResults = { total: 0, totalIsExact: true, results: [] };

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/** The folders a sidebar shows, sorted by path, and where each folder of photos counts. */
interface FolderTree {
  snapshot: FolderSnapshot;
  folders: { folderId: number; path: string }[];
  places: Map<number, { folder: number; folderAndParents: number[] }>;
}

export class SearchService {
  private tree: FolderTree | undefined;

  constructor(private readonly repo: SearchRepository) {}

  search(query: Query): SearchResults {
    const criteria = this.criteria(query);
    if (!criteria) return empty;
    return this.repo.search({ ...criteria, sort: query.sort, limit: query.limit, offset: query.offset });
  }

  /**
   * The ids of the first `limit` photos the search matches, in the order its pages show them,
   * without reading the photos: "select all" over a big library.
   */
  ids(criteria: Criteria, limit: number): { ids: number[]; truncated: boolean } {
    const photoCriteria = this.criteria(criteria);
    if (!photoCriteria) return { ids: [], truncated: false };
    const ids = this.repo.matchingIds({ ...photoCriteria, sort: criteria.sort, limit: limit + 1, offset: 0 });
    return ids.length > limit ? { ids: ids.slice(0, limit), truncated: true } : { ids, truncated: false };
  }

  /**
   * Every photo the criteria's filters keep, their text aside, in no order: what a search by
   * meaning may return. Not capped: a filter that keeps most of a million photos keeps them all.
   */
  filteredIds(criteria: Criteria): number[] {
    const photoCriteria = this.criteria({ ...criteria, text: '' }, true);
    return photoCriteria ? this.repo.unorderedIds(photoCriteria) : [];
  }

  /**
   * Matching photos per folder: every folder with matches, and every folder between it and its
   * library folder, with the photos directly in it and the total with its subfolders.
   */
  folderCounts(criteria: Criteria): FolderCount[] {
    const unfiltered = isUnfiltered(criteria);
    const photoCriteria = unfiltered ? null : this.criteria(criteria);
    if (!unfiltered && !photoCriteria) return [];
    const snapshot = this.repo.folders();
    const tree = this.folderTree(snapshot);
    const perDir = photoCriteria ? this.repo.countsByDir(photoCriteria) : new Map(snapshot.dirs.map((dir) => [dir.id, dir.present]));
    const photos = new Float64Array(tree.folders.length);
    const totals = new Float64Array(tree.folders.length);
    for (const [dirId, count] of perDir) {
      const place = tree.places.get(dirId);
      if (!place) continue;
      photos[place.folder] = photos[place.folder]! + count;
      for (const folder of place.folderAndParents) totals[folder] = totals[folder]! + count;
    }
    const counts: FolderCount[] = [];
    tree.folders.forEach(({ folderId, path }, index) => {
      if (totals[index]! > 0) counts.push({ folderId, path, photos: photos[index]!, total: totals[index]! });
    });
    return counts;
  }

  /**
   * Every folder that holds photos and every folder between it and its library folder, sorted by
   * path, and for each folder of `photo_dirs` where it and its parents are in that list: built
   * once for each state of the library, so counting a search only adds numbers.
   */
  private folderTree(snapshot: FolderSnapshot): FolderTree {
    if (this.tree?.snapshot === snapshot) return this.tree;
    const roots = new Map(snapshot.libraryFolders.map((folder) => [folder.id, folder.path]));
    const indexOf = new Map<string, number>();
    const folders: { folderId: number; path: string }[] = [];
    const folderAt = (path: string, folderId: number) => {
      let index = indexOf.get(path);
      if (index === undefined) {
        index = folders.push({ folderId, path }) - 1;
        indexOf.set(path, index);
      }
      return index;
    };
    const unsorted = new Map<number, { folder: number; folderAndParents: number[] }>();
    for (const { id, dir, folderId } of snapshot.dirs) {
      const root = roots.get(folderId);
      if (root === undefined) continue;
      const separator = dir.at(-1)!;
      const rootDir = root.endsWith(separator) ? root : root + separator;
      const folderAndParents: number[] = [];
      // Walk up from the folder to its library folder.
      for (let path = dir; path.length >= rootDir.length; path = path.slice(0, path.lastIndexOf(separator, path.length - 2) + 1)) {
        folderAndParents.push(folderAt(withoutSeparator(path), folderId));
        if (path.length === rootDir.length) break;
      }
      if (folderAndParents.length) unsorted.set(id, { folder: folderAndParents[0]!, folderAndParents });
    }
    const order = folders.map((_, index) => index).sort((a, b) => compareText(folders[a]!.path, folders[b]!.path));
    const position = new Array<number>(folders.length);
    order.forEach((folder, sorted) => (position[folder] = sorted));
    const places = new Map(
      [...unsorted].map(([id, place]) => [id, { folder: position[place.folder]!, folderAndParents: place.folderAndParents.map((folder) => position[folder]!) }]),
    );
    this.tree = { snapshot, folders: order.map((folder) => folders[folder]!), places };
    return this.tree;
  }

  /**
   * Turns criteria into what the repository runs, or null when nothing can match (only
   * punctuation typed, a folder outside the library, a date range that ends before it starts).
   * `facetsAlone`: filters with a facet are looked up in the index even without words (a set of
   * photos in no order is wanted, not the newest first).
   */
  private criteria(criteria: Criteria, facetsAlone = false): PhotoCriteria | null {
    const tree = parseQuery(criteria.text);
    if (!tree && criteria.text.trim() !== '') return null;
    const expression = tree
      ? toFtsExpression(tree, (prefix) => (prefix.length < minCompletedPrefix ? null : this.repo.wordsStartingWith(prefix, maxCompletions)))
      : { match: null, exclude: null, phrases: null };
    const text = expression.match === null ? null : `${textColumns} : (${expression.match})`;
    const exclude = expression.exclude === null ? null : `${textColumns} : (${expression.exclude})`;

    const keywordWords = criteria.keyword?.match(/[\p{L}\p{N}\p{M}]+/gu);
    const keyword = keywordWords ? `keywords : ("${keywordWords.slice(0, 64).join(' ')}")` : null;

    const filters: RowFilters = {
      camera: criteria.camera,
      lens: criteria.lens,
      hasCaption: criteria.hasCaption,
      captionStatus: criteria.captionStatus,
      provider: criteria.provider,
      keyword: criteria.keyword,
      orientation: criteria.orientation,
      fileType: criteria.fileType,
      missing: criteria.onlyMissing ? 'only' : criteria.includeMissing ? 'include' : 'exclude',
    };
    const from = criteria.from === undefined ? undefined : clampDay(dayOf(criteria.from, false));
    const to = criteria.to === undefined ? undefined : clampDay(dayOf(criteria.to, true));
    if (from && to && compareDays(from, to) > 0) return null;
    const pathPrefix = criteria.folder === undefined ? undefined : folderPrefix(criteria.folder);

    const positive = [text, keyword].filter((part): part is string => part !== null);
    // No words to look up: the photo table's own indexes serve the filters best, newest first.
    const byRows = (): PhotoCriteria => ({
      match: null,
      text: null,
      phrases: null,
      rankWithMatch: false,
      exclude,
      filters: {
        ...filters,
        folderId: criteria.folderId,
        pathPrefix,
        capturedFrom: from && isoDay(from),
        capturedBefore: to && isoDay(nextDay(to)),
      },
    });
    if (!positive.length && !facetsAlone) return byRows();

    // Words to look up: filters with a facet become part of the index lookup.
    if (criteria.folderId !== undefined) positive.push(libraryFolderFacet(criteria.folderId));
    const libraryFolder = pathPrefix === undefined ? undefined : this.repo.folders().libraryFolders.find((folder) => folderPrefix(folder.path) === pathPrefix);
    if (libraryFolder) positive.push(libraryFolderFacet(libraryFolder.id));
    else if (pathPrefix !== undefined) {
      const dirs = this.repo.dirsUnder(pathPrefix, maxFolderFacets + 1);
      if (!dirs.length) return null;
      if (dirs.length <= maxFolderFacets) positive.push(dirsFacet(dirs));
      else filters.pathPrefix = pathPrefix;
    }
    if (from || to) {
      // Within the years the library holds: an open end costs no token per year up to 2199.
      const years = this.repo.capturedYears() ?? { first: earliestYear, last: latestYear };
      const first = { year: years.first, month: 1, day: 1 };
      const last = { year: years.last, month: 12, day: 31 };
      const range = dateRangeFacet(
        from && compareDays(from, first) > 0 ? from : first,
        to && compareDays(to, last) < 0 ? to : last,
      );
      if (range === null) return null;
      positive.push(range);
    }
    if (filters.captionStatus !== undefined) positive.push(captionStatusFacet(filters.captionStatus));
    if (filters.provider !== undefined) positive.push(providerFacet(filters.provider));
    if (filters.hasCaption === true) positive.push(captionedFacet);
    if (filters.missing === 'only') positive.push(missingFacet);
    // FTS5 cannot match "everything but": without a term that keeps photos, the rows decide.
    if (!positive.length) return byRows();
    const excluded = [
      ...(filters.hasCaption === false ? [captionedFacet] : []),
      ...(filters.missing === 'exclude' ? [missingFacet] : []),
    ];
    let match = positive.length === 1 ? positive[0]! : `(${positive.join(') AND (')})`;
    if (excluded.length) match = `(${match}) NOT (${excluded.join(' OR ')})`;
    return {
      match,
      text,
      textAlone:
        !!expression.phrases?.length &&
        (expression.phrases.length > 1 || expression.match === expression.phrases[0]) &&
        positive.length === 1 &&
        excluded.length === 1 &&
        excluded[0] === missingFacet,
      phrases: text === null ? null : expression.phrases,
      rankWithMatch: text !== null && [filters.captionStatus, filters.provider, filters.hasCaption, keyword].every((filter) => filter === undefined || filter === null),
      exclude,
      filters: { ...filters, captionStatus: undefined, provider: undefined, hasCaption: undefined, missing: 'include' },
    };
  }
}

function isUnfiltered(criteria: Criteria): boolean {
  const { text, sort, includeMissing, onlyMissing, ...filters } = criteria;
  return text.trim() === '' && !includeMissing && !onlyMissing && Object.values(filters).every((value) => value === undefined);
}

/** A folder path as the photos below it begin: absolute, with one separator at the end. */
function folderPrefix(folder: string): string {
  const absolute = resolve(folder);
  return absolute.endsWith(sep) ? absolute : absolute + sep;
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function withoutSeparator(dir: string): string {
  return dir.length > 1 ? dir.slice(0, -1) : dir;
}

type Day = ReturnType<typeof dayOf>;

function compareDays(a: Day, b: Day): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

function clampDay(day: Day): Day {
  if (day.year < earliestYear) return { year: earliestYear, month: 1, day: 1 };
  if (day.year > latestYear) return { year: latestYear, month: 12, day: 31 };
  return day;
}

function nextDay(day: Day): Day {
  const next = new Date(Date.UTC(day.year, day.month - 1, day.day + 1));
  return { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() };
}

function isoDay(day: Day): string {
  return `${pad(day.year, 4)}-${pad(day.month, 2)}-${pad(day.day, 2)}`;
}
