import type { Database, Statement } from 'better-sqlite3';
import { currentCaption, summaryColumns, toSummary } from './photo-summary';
import type { SummaryRow } from './photo-summary';
import { MissingPhotos } from './missing-photos';
import { KeptUntilChange, statementCache } from './statements';
import { RelevanceLists, textColumns } from './relevance-lists';
import { stemsOf } from './stems';
import { monthFacet, yearFacet } from './facets';
import type {
  CaptionStatus,
  Orientation,
  SearchHit,
  SearchResults,
  SearchSort,
  Snippet,
} from '../../shared/domain';

/** Filters that need the photo's row (or its newest caption), checked photo by photo. */
export interface RowFilters {
  folderId?: number;
  /** A folder path ending in a separator: photos at or below it. */
  pathPrefix?: string;
  /** Capture date bounds as ISO text: on or after `capturedFrom`, before `capturedBefore`. */
  capturedFrom?: string;
  capturedBefore?: string;
  camera?: string;
  lens?: string;
  hasCaption?: boolean;
  captionStatus?: CaptionStatus;
  provider?: string;
  keyword?: string;
  orientation?: Orientation;
  fileType?: string;
  missing: 'exclude' | 'include' | 'only';
}

export interface PhotoSearch {
  /**
   * An FTS5 expression over photo_search that every result matches: the user's text and the
   * filters that have facets. Null when neither narrows the search.
   */
  match: string | null;
  /** The user's text alone, for relevance; null when the search has none. */
  text: string | null;
  /** The phrases bm25 scores the text with; null when a word being typed is among them (no lists are kept for it). */
  phrases: string[] | null;
  /**
   * bm25 of the match itself orders as bm25 of the text (filters are words of a column that
   * weighs nothing), in one pass, when the photos that hold each of its filter terms are few
   * enough to count (a folder, a year, missing files): bm25 first counts them. A caption status
   * holds a third of the library (a draft facet alone: 9 ms), and a keyword filter has weight.
   */
  rankWithMatch: boolean;
  /**
   * The match is the text and "not missing", nothing else, and a photo that a list holds matches
   * the text (a list of several phrases is the text's own, and photos from the phrases' own lists
   * are ranked against the text; a phrase's list serves alone when the text is that phrase): it
   * matches the search unless the photo is missing, known without a look in the index.
   */
  textAlone?: boolean;
  /** An FTS5 expression no result may match (text that only excludes). */
  exclude: string | null;
  /** Checked on each photo; keep to what the facets in `match` cannot say. */
  filters: RowFilters;
  sort: SearchSort;
  limit: number;
  offset: number;
}

/** A folder that holds photos, as `photo_dirs` keeps it. */
export interface DirRow {
  id: number;
  /** As stored in `photos.dir`: the folder's path with a separator at the end. */
  dir: string;
  folderId: number;
  present: number;
}

/** The folders that hold photos and the library folders, as read at one moment. */
export interface FolderSnapshot {
  dirs: DirRow[];
  libraryFolders: { id: number; path: string }[];
  /** Id ranges that folders fill whole (no other photo's id lies between), by first id. */
  ranges: { dirId: number; first: number; last: number }[];
}

export type PhotoCriteria = Omit<PhotoSearch, 'sort' | 'limit' | 'offset'>;

export interface SearchLimits {
  /**
   * A word being typed (a prefix) is ranked with bm25 over its newest `rankWindow` matches (by
   * when they were indexed); the other matches follow, newest first. Ranking costs about a
   * microsecond a photo, so a prefix in 100,000 captions would otherwise cost 100 ms a keystroke.
   */
  rankWindow: number;
  /** Photos kept in advance for each phrase searched, best first (see relevance-lists.ts). */
  listDepth: number;
  /** Up to this many matches (one phrase; the count limit for several), bm25 ranks them all. */
  exactBelow: number;
  /**
   * Totals are counted up to this, then reported as "at least": counting a phrase in 100,000
   * captions reads every position of both words (10 ms and more), for a number nobody reads.
   */
  countLimit: number;
  /**
   * Above this many matches, a search sorted by date goes month by month from the newest
   * instead of sorting every match.
   */
  monthWalkAbove: number;
  /**
   * Rowids a page's photos lie apart on average, beyond which their snippets are looked up one by
   * one when the match holds more than `countLimit` photos. At a million photos 50 lookups take 4
   * to 5 ms, and the pass between the page's lowest and highest rowid 6 ms over beach's 70,000
   * matches, 12 ms over wedding's 165,000, 1 ms over penguin's 4,700 (bench/search.ts).
   */
  snippetLookupSpread: number;
}

export const defaultSearchLimits: SearchLimits = {
  rankWindow: 2_000,
  listDepth: 2_000,
  exactBelow: 2_000,
  countLimit: 10_000,
  monthWalkAbove: 5_000,
  snippetLookupSpread: 2_000,
};

/** Photos looked up one by one in the index at most; more are checked in one pass over the match (at a million photos: 40 µs a lookup, 24 ms a pass over a common word's matches). */
const maxLookups = 300;

/** Text for LIKE … ESCAPE '\\' that matches itself only. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);

/** Marks around matches in snippets: control characters no caption contains, never HTML. */
const matchStart = '\u0002';
const matchEnd = '\u0003';
const markPattern = new RegExp(`([${matchStart}${matchEnd}])`, 'u');

function toSnippet(marked: string): Snippet {
  const parts: Snippet = [];
  let match = false;
  for (const piece of marked.split(markPattern)) {
    if (piece === matchStart) match = true;
    else if (piece === matchEnd) match = false;
    else if (piece) parts.push({ text: piece, match });
  }
  return parts;
}

/** The text columns of photo_search (by position), in the order a snippet is taken from them. */
const snippetColumns = [2 /* caption */, 0 /* title */, 3 /* alt_text */, 1 /* keywords */, 5 /* folder */, 4 /* file_name */];
/** Words a snippet shows, from a few before the first match on. */
const snippetWords = 16;
const wordsBeforeMatch = 4;

/** A highlighted column cut down to the words around its first match, with … where it was cut. */
function trimSnippet(parts: Snippet): Snippet {
  const pieces = parts.flatMap((part) =>
    part.text.split(/(\s+)/u).filter(Boolean).map((text) => ({ text, match: part.match && /\S/u.test(text) })),
  );
  const words = pieces.flatMap((piece, index) => (/\S/u.test(piece.text) ? [index] : []));
  const firstMatch = Math.max(0, words.findIndex((index) => pieces[index]!.match));
  const first = Math.max(0, firstMatch - wordsBeforeMatch);
  const last = Math.min(words.length - 1, first + snippetWords - 1);
  const kept = pieces.slice(words[first], words[last]! + 1);
  if (first > 0) kept.unshift({ text: '… ', match: false });
  if (last < words.length - 1) kept.push({ text: ' …', match: false });
  const merged: Snippet = [];
  for (const piece of kept) {
    const previous = merged.at(-1);
    if (previous && previous.match === piece.match) previous.text += piece.text;
    else merged.push({ ...piece });
  }
  return merged;
}

/** Photos of a page that one match finds, in page order. */
interface Run {
  match: string | null;
  ids: number[];
}

interface Where {
  sql: string;
  params: (string | number)[];
  needsCaption: boolean;
}

/** SQL conditions on `p` (and `c`, the newest caption) for the row filters. */
function rowConditions(filters: RowFilters, exclude: string | null): Where {
  const conditions: string[] = [];
  const params: (string | number)[] = [];
  let needsCaption = false;
  const add = (sql: string, ...values: (string | number)[]) => {
    conditions.push(sql);
    params.push(...values);
  };
  if (filters.missing === 'exclude') add(`p.status = 'present'`);
  if (filters.missing === 'only') add(`p.status = 'missing'`);
  if (filters.folderId !== undefined) add('p.folder_id = ?', filters.folderId);
  if (filters.pathPrefix !== undefined) {
    // Every path below the folder sorts between "dir/" and "dir0" ('0' follows '/'; likewise '\').
    const separator = filters.pathPrefix.at(-1)!;
    const upper = filters.pathPrefix.slice(0, -1) + String.fromCharCode(separator.charCodeAt(0) + 1);
    add('p.path >= ? AND p.path < ?', filters.pathPrefix, upper);
  }
  if (filters.capturedFrom !== undefined) add('p.captured_at >= ?', filters.capturedFrom);
  if (filters.capturedBefore !== undefined) add('p.captured_at < ?', filters.capturedBefore);
  if (filters.camera !== undefined) {
    add(`(coalesce(p.camera_make, '') || ' ' || coalesce(p.camera_model, '')) LIKE ? ESCAPE '\\'`, `%${escapeLike(filters.camera)}%`);
  }
  if (filters.lens !== undefined) add(`p.lens LIKE ? ESCAPE '\\'`, `%${escapeLike(filters.lens)}%`);
  if (filters.fileType !== undefined) {
    add(`(p.file_type = ? COLLATE NOCASE OR p.file_name LIKE ? ESCAPE '\\')`, filters.fileType, `%.${escapeLike(filters.fileType)}`);
  }
  if (filters.orientation !== undefined) {
    // EXIF orientations 5 to 8 turn the picture a quarter, swapping what is wide and what is tall.
    const wide = 'CASE WHEN p.orientation BETWEEN 5 AND 8 THEN p.height ELSE p.width END';
    const tall = 'CASE WHEN p.orientation BETWEEN 5 AND 8 THEN p.width ELSE p.height END';
    const compare = { landscape: '>', portrait: '<', square: '=' }[filters.orientation];
    add(`${wide} ${compare} ${tall}`);
  }
  if (filters.hasCaption !== undefined) add(`p.current_caption_id IS ${filters.hasCaption ? 'NOT ' : ''}NULL`);
  if (filters.captionStatus !== undefined) {
    needsCaption = true;
    add('c.status = ?', filters.captionStatus);
  }
  if (filters.provider !== undefined) {
    needsCaption = true;
    add('c.provider = ? COLLATE NOCASE', filters.provider);
  }
  if (filters.keyword !== undefined) {
    needsCaption = true;
    // A keyword path ("Animals|Birds|Puffin", as the vocabulary gives them) has its last level as its keyword.
    add(
      `(EXISTS (SELECT 1 FROM json_each(c.keywords) WHERE value = ? COLLATE NOCASE OR value LIKE ? ESCAPE '\\')
        OR EXISTS (SELECT 1 FROM json_each(p.embedded_keywords) WHERE value = ? COLLATE NOCASE))`,
      filters.keyword,
      `%|${filters.keyword.replace(/[\\%_]/g, '\\$&')}`,
      filters.keyword,
    );
  }
  if (exclude !== null) add('p.id NOT IN (SELECT rowid FROM photo_search WHERE photo_search MATCH ?)', exclude);
  return { sql: conditions.join(' AND '), params, needsCaption };
}

export class SearchRepository {
  private readonly sql: (sql: string) => Statement;
  private readonly relevance: RelevanceLists;
  private readonly snapshot: KeptUntilChange<FolderSnapshot>;
  private readonly missing: MissingPhotos;

  constructor(
    private readonly db: Database,
    private readonly limits: SearchLimits = defaultSearchLimits,
  ) {
    this.sql = statementCache(db);
    this.relevance = new RelevanceLists(db, this.sql, limits.listDepth);
    this.missing = new MissingPhotos(db, this.sql);
    this.snapshot = new KeptUntilChange(db, this.sql);
  }

  search(query: PhotoSearch): SearchResults {
    const where = rowConditions(query.filters, query.exclude);
    const { total, totalIsExact } = this.count(query, where);
    const page = total === 0 ? [] : this.page(query, where, totalIsExact ? total : Infinity);
    return { total, totalIsExact, results: this.hydrate(page, query.text !== null, !totalIsExact) };
  }

  /** The ids of a page of matches in the order `search` gives them, without reading the photos. */
  matchingIds(query: PhotoSearch): number[] {
    const where = rowConditions(query.filters, query.exclude);
    // Only ranking by relevance needs to know how many match.
    const ranked = query.match !== null && query.text !== null && query.sort !== 'date';
    const counted = ranked ? this.count(query, where) : { total: Infinity, totalIsExact: false };
    return this.page(query, where, counted.totalIsExact ? counted.total : Infinity).flatMap((run) => run.ids);
  }

  /** Every photo the criteria match, in no order and not counted: a filter's photos as a set. */
  unorderedIds(criteria: PhotoCriteria): number[] {
    const where = rowConditions(criteria.filters, criteria.exclude);
    const { from, sql, params } = this.source(criteria.match, where);
    return this.ids(`SELECT ${criteria.match === null ? 'p.id' : 'photo_search.rowid'} ${from} ${sql}`, ...params);
  }

  /**
   * The folders and their counts, read again only after the database changed: a sidebar asks for
   * counts on every keystroke, and reading 5,000 folders costs more than counting a rare word.
   * Any change on this connection (total_changes) or committed by another (data_version) counts.
   */
  folders(): FolderSnapshot {
    return this.snapshot.get(() => {
      const rows = this.sql('SELECT id, dir, folder_id, present, first_id, last_id, present + missing AS photos FROM photo_dirs')
        .raw()
        .all() as [number, string, number, number, number | null, number | null, number][];
      const ranges = rows
        .filter(([, , , , first, last, photos]) => first !== null && last !== null && last - first + 1 === photos)
        .map(([dirId, , , , first, last]) => ({ dirId, first: first!, last: last! }))
        .sort((a, b) => a.first - b.first);
      return {
        dirs: rows.map(([id, dir, folderId, present]) => ({ id, dir, folderId, present })),
        libraryFolders: this.sql('SELECT id, path FROM folders').all() as { id: number; path: string }[],
        ranges,
      };
    });
  }

  /** Matching photos per folder id that holds any (directly, not in subfolders). */
  countsByDir(criteria: PhotoCriteria): Map<number, number> {
    const where = rowConditions(criteria.filters, criteria.exclude);
    if (criteria.match !== null && !where.sql) return this.countMatchesByDir(criteria.match);
    const { from, sql, params } = this.source(criteria.match, where, true);
    const rows = this.sql(`SELECT o.dir_id, count(*) ${from} JOIN photo_dir_of o ON o.photo_id = p.id ${sql} GROUP BY o.dir_id`)
      .raw()
      .all(...params) as [number, number][];
    return new Map(rows);
  }

  /**
   * Everything is said inside the index: the matching ids, in order, are walked against the id
   * ranges that whole folders fill (migration 0060); only ids outside those ranges are looked up
   * in the photo → folder map. A lookup each costs three times the walk for a common word.
   */
  private countMatchesByDir(match: string): Map<number, number> {
    const ids = this.sql('SELECT rowid FROM photo_search WHERE photo_search MATCH ? ORDER BY rowid').pluck().all(match) as number[];
    const { ranges } = this.folders();
    const perDir = new Map<number, number>();
    const add = (dirId: number, photos: number) => perDir.set(dirId, (perDir.get(dirId) ?? 0) + photos);
    const elsewhere: number[] = [];
    let next = 0;
    for (const id of ids) {
      while (next < ranges.length && ranges[next]!.last < id) next++;
      const range = ranges[next];
      if (range && range.first <= id) add(range.dirId, 1);
      else elsewhere.push(id);
    }
    if (elsewhere.length) {
      const looked = this.sql('SELECT dir_id, count(*) FROM photo_dir_of WHERE photo_id IN (SELECT value FROM json_each(?)) GROUP BY dir_id')
        .raw()
        .all(JSON.stringify(elsewhere)) as [number, number][];
      for (const [dirId, photos] of looked) add(dirId, photos);
    }
    return perDir;
  }

  /** Folders (as stored in `photos.dir`) at or below `prefix`, at most `limit` of them. */
  dirsUnder(prefix: string, limit: number): string[] {
    const separator = prefix.at(-1)!;
    const upper = prefix.slice(0, -1) + String.fromCharCode(separator.charCodeAt(0) + 1);
    return this.db
      .prepare('SELECT dir FROM photo_dirs WHERE dir >= ? AND dir < ? LIMIT ?')
      .pluck()
      .all(prefix, upper, limit) as string[];
  }

  /**
   * The whole words of the library a half-typed word (folded as the index folds it) can become,
   * one per stem: the index matches "market" and "markets" alike, and a search for both would
   * count each photo's "market" twice. Null when more than `limit` words begin with it; empty
   * when nothing in the index can match it, not even a stem ("happi" finds "happy" that way).
   */
  wordsStartingWith(prefix: string, limit: number): string[] | null {
    const words = this.sql('SELECT term FROM photo_words_vocab WHERE term >= ? AND term < ? LIMIT ?')
      .pluck()
      .all(prefix, `${prefix}\u{10FFFF}`, limit + 1) as string[];
    if (words.length > limit) return null;
    if (!words.length) {
      const stemMatches = this.sql(`SELECT 1 FROM photo_search WHERE photo_search MATCH ? LIMIT 1`).get(`${textColumns} : ("${prefix}"*)`);
      return stemMatches ? null : [];
    }
    const stems = stemsOf(this.db, words);
    return words.filter((_, index) => stems.indexOf(stems[index]!) === index);
  }

  /** FROM and WHERE for the criteria; `readsPhotos` joins the photo row even when no filter needs it. */
  private source(match: string | null, where: Where, readsPhotos = false): { from: string; sql: string; params: (string | number)[] } {
    const join = where.needsCaption ? currentCaption : '';
    if (match === null) {
      return { from: `FROM photos p ${join}`, sql: where.sql ? `WHERE ${where.sql}` : '', params: where.params };
    }
    if (!where.sql && !readsPhotos) {
      // Everything is said inside the index: no photo needs to be read to know it matches.
      return { from: 'FROM photo_search', sql: 'WHERE photo_search MATCH ?', params: [match] };
    }
    return {
      from: `FROM photo_search JOIN photos p ON p.id = photo_search.rowid ${join}`,
      sql: `WHERE photo_search MATCH ?${where.sql ? ` AND ${where.sql}` : ''}`,
      params: [match, ...where.params],
    };
  }

  private count(query: PhotoSearch, where: Where): { total: number; totalIsExact: boolean } {
    const { from, sql, params } = this.source(query.match, where);
    const counted = this.sql(`SELECT count(*) FROM (SELECT 1 ${from} ${sql} LIMIT ?)`)
      .pluck()
      .get(...params, this.limits.countLimit + 1) as number;
    return counted > this.limits.countLimit
      ? { total: this.limits.countLimit, totalIsExact: false }
      : { total: counted, totalIsExact: true };
  }

  /** The page's photos, in runs that each say which match finds them (to highlight it); `matches` counts them (Infinity: many). */
  private page(query: PhotoSearch, where: Where, matches: number): Run[] {
    if (query.match === null) {
      // No index lookup: the photos' own indexes serve the filters, newest first.
      const { from, sql, params } = this.source(null, where);
      return [{ match: null, ids: this.ids(`SELECT p.id ${from} ${sql} ORDER BY p.captured_at DESC, p.id DESC LIMIT ? OFFSET ?`, ...params, query.limit, query.offset) }];
    }
    if (query.text === null || query.sort === 'date') {
      if (this.manyMatches(query.match)) return this.newestByMonth(query.match, where, query.limit, query.offset);
      const { from, sql, params } = this.source(query.match, where, true);
      return [{ match: query.match, ids: this.ids(`SELECT p.id ${from} ${sql} ORDER BY p.captured_at DESC, p.id DESC LIMIT ? OFFSET ?`, ...params, query.limit, query.offset) }];
    }
    return [{ match: query.match, ids: this.byRelevance(query, query.text, where, matches) }];
  }

  /**
   * Relevance: bm25 of the user's text over every match, best first, then newest first among
   * equals. Few matches are ranked as they are; many, from the lists of each phrase's best photos
   * kept in advance, as far as those vouch for the page; what they cannot (a deep page, filters
   * that leave too few listed photos) is ranked whole. A word being typed has no lists: it is
   * ranked over its newest matches (see `rankWindow`).
   */
  private byRelevance(query: PhotoSearch, text: string, where: Where, matches: number): number[] {
    const source = this.source(query.match, where);
    const need = query.offset + query.limit;
    const { phrases } = query;
    const several = (phrases?.length ?? 0) > 1;
    const fewMatches = matches <= (several ? this.limits.countLimit : this.limits.exactBelow);
    if (phrases?.length && matches > 0 && (several || !fewMatches) && need <= this.limits.listDepth) {
      const kept = query.textAlone && !where.sql ? (ids: number[]) => this.present(ids) : (ids: number[]) => this.keptOf(source, ids);
      // Few matches of several phrases: ranking them reads each phrase's whole list for its idf
      // (15 to 30 ms for common words at a million photos), so the text keeps its own list at once.
      const best = several && fewMatches ? this.relevance.ownBest(text, need, kept) : this.relevance.best(phrases, text, need, kept);
      if (best) return best.slice(query.offset);
    }
    if (query.rankWithMatch && (phrases || fewMatches)) {
      return this.ids(`SELECT photo_search.rowid ${source.from} ${source.sql} ORDER BY photo_search.rank, photo_search.rowid DESC LIMIT ? OFFSET ?`, ...source.params, query.limit, query.offset);
    }
    if (phrases || fewMatches) return this.rankedByText(text, source, query.limit, query.offset);
    return this.newestRankedByText(query, text, source);
  }

  /** Those of the photos that are not missing. */
  private present(ids: number[]): Set<number> {
    const missing = this.missing.ids();
    return new Set(ids.filter((id) => !missing.has(id)));
  }

  /**
   * Which of the photos the search matches: a few are looked up one by one (FTS5 finds a rowid in
   * each list of the match); many, in one pass over the match between their lowest and highest id.
   */
  private keptOf(source: { from: string; sql: string; params: (string | number)[] }, ids: number[]): Set<number> {
    if (!ids.length) return new Set();
    const json = JSON.stringify(ids);
    if (ids.length <= maxLookups) {
      return new Set(this.ids(`SELECT photo_search.rowid ${source.from} ${source.sql} AND photo_search.rowid IN (SELECT value FROM json_each(?))`, ...source.params, json));
    }
    return new Set(
      this.ids(
        `SELECT photo_search.rowid ${source.from} ${source.sql}
           AND photo_search.rowid >= CAST(? AS INTEGER) AND photo_search.rowid <= CAST(? AS INTEGER)
           AND +photo_search.rowid IN (SELECT value FROM json_each(?))`,
        ...source.params,
        Math.min(...ids),
        Math.max(...ids),
        json,
      ),
    );
  }

  /** Every match ranked by the text alone: bm25 counts the photos of each term of its expression, and filter terms hold many. */
  private rankedByText(text: string, source: { from: string; sql: string; params: (string | number)[] }, limit: number, offset: number): number[] {
    return this.ids(
      `SELECT rowid FROM photo_search WHERE photo_search MATCH ? AND +rowid IN (SELECT photo_search.rowid ${source.from} ${source.sql})
       ORDER BY rank, rowid DESC LIMIT ? OFFSET ?`,
      text,
      ...source.params,
      limit,
      offset,
    );
  }

  /** bm25 over the newest `rankWindow` matches, then the other matches newest first. */
  private newestRankedByText(query: PhotoSearch, text: string, source: { from: string; sql: string; params: (string | number)[] }): number[] {
    const { from, sql, params } = source;
    const { rankWindow } = this.limits;
    let ranked: number[] = [];
    if (query.offset < rankWindow) {
      const wanted = Math.min(query.limit, rankWindow - query.offset);
      ranked = this.rankWindowByText(text, source, wanted, query.offset);
      // Fewer than asked for: the window held every match.
      if (ranked.length < wanted || ranked.length === query.limit) return ranked;
    }
    // The page reaches past the ranked window: the other matches follow, newest first.
    const rest = this.ids(
      `SELECT photo_search.rowid ${from} ${sql} ORDER BY photo_search.rowid DESC LIMIT ? OFFSET ?`,
      ...params,
      query.limit - ranked.length,
      Math.max(rankWindow, query.offset),
    );
    return [...ranked, ...rest];
  }

  /** The window found with the whole match, ranked by the text alone. */
  private rankWindowByText(text: string, source: { from: string; sql: string; params: (string | number)[] }, limit: number, offset: number): number[] {
    const window = this.ids(
      `SELECT photo_search.rowid ${source.from} ${source.sql} ORDER BY photo_search.rowid DESC LIMIT ?`,
      ...source.params,
      this.limits.rankWindow,
    );
    if (!window.length) return [];
    // The rowid bounds keep FTS5 to the window's stretch of each list (see hydrate on the CASTs);
    // rank is then computed for the window's photos only.
    return this.ids(
      `SELECT rowid FROM (
         SELECT rowid, rank AS score FROM photo_search
         WHERE photo_search MATCH ? AND rowid >= CAST(? AS INTEGER) AND rowid <= CAST(? AS INTEGER)
           AND +rowid IN (SELECT value FROM json_each(?)))
       ORDER BY score, rowid DESC LIMIT ? OFFSET ?`,
      text,
      window.at(-1)!,
      window[0]!,
      JSON.stringify(window),
      limit,
      offset,
    );
  }

  /**
   * Many matches sorted by capture date: month by month from the newest, each month's matches
   * (a month facet narrows the match to a few hundred at most) sorted and counted on their own,
   * instead of sorting every match. Photos without a capture date follow, as in the date order.
   */
  private newestByMonth(match: string, where: Where, limit: number, offset: number): Run[] {
    const sortedMatches = (condition: string, skip: number, take: number) => {
      const join = where.needsCaption ? currentCaption : '';
      return this.ids(
        `SELECT p.id FROM photos p INDEXED BY photos_captured_at ${join}
         WHERE p.id IN (SELECT rowid FROM photo_search WHERE photo_search MATCH ?) AND ${condition}${where.sql ? ` AND ${where.sql}` : ''}
         ORDER BY p.captured_at DESC, p.id DESC LIMIT ? OFFSET ?`,
        match,
        ...where.params,
        take,
        skip,
      );
    };
    const years = this.capturedYears();
    if (!years) return [{ match, ids: sortedMatches('true', offset, limit) }];
    const runs: Run[] = [];
    let found = 0;
    let skip = offset;
    for (let year = years.last; year >= years.first; year--) {
      if (!this.sql('SELECT 1 FROM photo_search WHERE photo_search MATCH ? LIMIT 1').get(`(${match}) AND ${yearFacet(year)}`)) continue;
      for (let month = 12; month >= 1; month--) {
        const inMonth = `(${match}) AND ${monthFacet(year, month)}`;
        if (skip > 0) {
          // Still before the page: a month it does not reach is only counted.
          const counted = this.source(inMonth, where);
          const count = this.sql(`SELECT count(*) ${counted.from} ${counted.sql}`).pluck().get(...counted.params) as number;
          if (count <= skip) {
            skip -= count;
            continue;
          }
        }
        const { from, sql, params } = this.source(inMonth, where, true);
        const ids = this.ids(`SELECT p.id ${from} ${sql} ORDER BY p.captured_at DESC, p.id DESC LIMIT ? OFFSET ?`, ...params, limit - found, skip);
        skip = 0;
        runs.push({ match: inMonth, ids });
        found += ids.length;
        if (found === limit) return runs;
      }
    }
    runs.push({ match, ids: sortedMatches('p.captured_at IS NULL', skip, limit - found) });
    return runs;
  }

  /**
   * The first and last year photos were taken in, or null when there are none or a capture date
   * is not ISO text (the date facets would then miss it). Two index lookups.
   */
  capturedYears(): { first: number; last: number } | null {
    const first = this.sql('SELECT min(captured_at) FROM photos').pluck().get() as string | null;
    const last = this.sql('SELECT max(captured_at) FROM photos').pluck().get() as string | null;
    const iso = /^\d{4}-\d{2}-\d{2}/u;
    if (!first || !last || !iso.test(first) || !iso.test(last)) return null;
    return { first: Number(first.slice(0, 4)), last: Number(last.slice(0, 4)) };
  }

  private manyMatches(match: string): boolean {
    const found = this.sql('SELECT count(*) FROM (SELECT 1 FROM photo_search WHERE photo_search MATCH ? LIMIT ?)')
      .pluck()
      .get(match, this.limits.monthWalkAbove + 1) as number;
    return found > this.limits.monthWalkAbove;
  }

  private ids(statement: string, ...params: (string | number)[]): number[] {
    return this.sql(statement).pluck().all(...params) as number[];
  }

  /**
   * The page's photos in order, with snippets of what matched when `snippets`; `manyMatches`: the
   * match holds more photos than are counted.
   */
  private hydrate(page: Run[], snippets: boolean, manyMatches: boolean): SearchHit[] {
    const ids = page.flatMap((run) => run.ids);
    if (!ids.length) return [];
    const rows = this.sql(`SELECT ${summaryColumns} FROM photos p ${currentCaption} WHERE p.id IN (SELECT value FROM json_each(?))`)
      .all(JSON.stringify(ids)) as SummaryRow[];
    const marked = new Map<number, Snippet>();
    for (const run of snippets ? page : []) {
      if (run.match === null || !run.ids.length) continue;
      for (const [id, ...texts] of this.highlighted(run.match, run.ids, manyMatches)) {
        const best = texts.find((text) => text?.includes(matchStart));
        if (best) marked.set(id, trimSnippet(toSnippet(best)));
      }
    }
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.flatMap((id) => {
      const row = byId.get(id);
      if (!row) return [];
      return [{ ...toSummary(row), snippet: marked.get(id) ?? null }];
    });
  }

  /**
   * Each text column of the photos highlighted where `match` finds them (FTS5's own snippet()
   * could pick the hidden facets column, which the match also reaches). Either one pass over the
   * match between the photos' lowest and highest rowid, or one lookup per photo: a lookup costs
   * about what the pass spends on 1,000 matches, so it wins for a page spread across a library
   * where the match is common (a relevance page of a common word), and the pass wins for a page
   * whose photos sit together (by date, within a month's match) or for a rare word. The unary +
   * keeps the pass from turning the IN list into lookups. The CASTs matter: beside MATCH, FTS5
   * ignores a rowid bound given as a JavaScript number (a real), and a lookup by one is a full pass.
   */
  private highlighted(match: string, ids: number[], manyMatches: boolean): [number, ...(string | null)[]][] {
    const highlights = snippetColumns.map((column) => `highlight(photo_search, ${column}, char(2), char(3))`).join(', ');
    const first = Math.min(...ids);
    const last = Math.max(...ids);
    if (manyMatches && last - first > ids.length * this.limits.snippetLookupSpread) {
      return this.sql(`SELECT rowid, ${highlights} FROM photo_search WHERE photo_search MATCH ? AND rowid IN (SELECT value FROM json_each(?))`)
        .raw()
        .all(match, JSON.stringify(ids)) as [number, ...(string | null)[]][];
    }
    return this.sql(
      `SELECT rowid, ${highlights} FROM photo_search
       WHERE photo_search MATCH ? AND rowid >= CAST(? AS INTEGER) AND rowid <= CAST(? AS INTEGER)
         AND +rowid IN (SELECT value FROM json_each(?))`,
    )
      .raw()
      .all(match, first, last, JSON.stringify(ids)) as [number, ...(string | null)[]][];
  }
}
