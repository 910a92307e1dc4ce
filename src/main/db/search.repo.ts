import type { Database } from 'better-sqlite3';
import type {
  CaptionStatus,
  Orientation,
  PhotoStatus,
  PhotoSummary,
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
  /** The user's text alone, for relevance and snippets; null when the search has none. */
  text: string | null;
  /** An FTS5 expression no result may match (text that only excludes). */
  exclude: string | null;
  /** Checked on each photo; keep to what the facets in `match` cannot say. */
  filters: RowFilters;
  sort: SearchSort;
  limit: number;
  offset: number;
}

export interface DirCount {
  /** As stored in `photos.dir`: the folder's path with a separator at the end. */
  dir: string;
  folderId: number;
  photos: number;
}

export type PhotoCriteria = Omit<PhotoSearch, 'sort' | 'limit' | 'offset'>;

export interface SearchLimits {
  /**
   * Relevance is exact bm25 over the newest `rankWindow` matches (by when they were indexed);
   * the other matches follow, newest first. Ranking costs about a microsecond a photo, so a word
   * in 100,000 captions would otherwise cost 100 ms on each keystroke, to order photos that
   * match it about equally well.
   */
  rankWindow: number;
  /**
   * Totals are counted up to this, then reported as "at least": counting a phrase in 100,000
   * captions reads every position of both words (10 ms and more), for a number nobody reads.
   */
  countLimit: number;
}

export const defaultSearchLimits: SearchLimits = { rankWindow: 2_000, countLimit: 10_000 };
/** Above this many text matches, a date-sorted search walks the date index instead. */
const dateIndexThreshold = 5_000;

interface SummaryRow {
  id: number;
  path: string;
  file_name: string;
  file_type: string;
  fingerprint: string;
  has_thumbnail: number;
  width: number | null;
  height: number | null;
  captured_at: string | null;
  status: PhotoStatus;
  caption: string | null;
  title: string | null;
  keywords: string;
  caption_status: CaptionStatus | null;
}

const summaryColumns = `
  p.id, p.path, p.file_name, p.file_type, p.fingerprint, p.has_thumbnail, p.width, p.height,
  p.captured_at, p.status,
  coalesce(c.caption, p.embedded_caption) AS caption,
  coalesce(c.title, p.embedded_title) AS title,
  CASE WHEN c.id IS NULL THEN p.embedded_keywords ELSE c.keywords END AS keywords,
  c.status AS caption_status`;

const currentCaption = 'LEFT JOIN captions c ON c.id = p.current_caption_id';

function toSummary(row: SummaryRow): PhotoSummary {
  return {
    id: row.id,
    path: row.path,
    fileName: row.file_name,
    fileType: row.file_type,
    fingerprint: row.fingerprint,
    hasThumbnail: row.has_thumbnail === 1,
    width: row.width,
    height: row.height,
    capturedAt: row.captured_at,
    status: row.status,
    caption: row.caption,
    title: row.title,
    keywords: JSON.parse(row.keywords) as string[],
    captionStatus: row.caption_status,
  };
}

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
    add(
      `(EXISTS (SELECT 1 FROM json_each(c.keywords) WHERE value = ? COLLATE NOCASE)
        OR EXISTS (SELECT 1 FROM json_each(p.embedded_keywords) WHERE value = ? COLLATE NOCASE))`,
      filters.keyword,
      filters.keyword,
    );
  }
  if (exclude !== null) add('p.id NOT IN (SELECT rowid FROM photo_search WHERE photo_search MATCH ?)', exclude);
  return { sql: conditions.join(' AND '), params, needsCaption };
}

export class SearchRepository {
  constructor(
    private readonly db: Database,
    private readonly limits: SearchLimits = defaultSearchLimits,
  ) {}

  search(query: PhotoSearch): SearchResults {
    const { total, totalIsExact } = this.count(query);
    const ids = total === 0 ? [] : this.pageIds(query);
    return { total, totalIsExact, results: this.hydrate(ids, query.text === null ? null : query.match) };
  }

  /** Present photos per folder, from the counts the triggers keep. */
  allCountsByDir(): DirCount[] {
    return this.db
      .prepare('SELECT dir, folder_id AS folderId, present AS photos FROM photo_dirs WHERE present > 0')
      .all() as DirCount[];
  }

  /** Matching photos per folder that holds any (directly, not in subfolders). */
  countsByDir(criteria: PhotoCriteria): DirCount[] {
    const where = rowConditions(criteria.filters, criteria.exclude);
    if (criteria.match !== null && !where.sql) {
      // Said inside the index: each match is then looked up in the narrow photo → folder map.
      return this.db
        .prepare(
          `SELECT d.dir AS dir, d.folder_id AS folderId, o.photos AS photos FROM (
             SELECT dir_id, count(*) AS photos FROM photo_search JOIN photo_dir_of ON photo_id = photo_search.rowid
             WHERE photo_search MATCH ? GROUP BY dir_id
           ) o JOIN photo_dirs d ON d.id = o.dir_id`,
        )
        .all(criteria.match) as DirCount[];
    }
    const { from, sql, params } = this.source(criteria, where, true);
    return this.db
      .prepare(`SELECT p.dir AS dir, p.folder_id AS folderId, count(*) AS photos ${from} ${sql} GROUP BY p.dir`)
      .all(...params) as DirCount[];
  }

  libraryFolders(): { id: number; path: string }[] {
    return this.db.prepare('SELECT id, path FROM folders').all() as { id: number; path: string }[];
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

  /** Whole words of the library that begin with `prefix` (folded as the index folds them). */
  wordsStartingWith(prefix: string, limit: number): string[] {
    return this.db
      .prepare('SELECT term FROM photo_words_vocab WHERE term >= ? AND term < ? LIMIT ?')
      .pluck()
      .all(prefix, `${prefix}\u{10FFFF}`, limit) as string[];
  }

  /** FROM and WHERE for the criteria; `readsPhotos` joins the photo row even when no filter needs it. */
  private source(criteria: PhotoCriteria, where: Where, readsPhotos = false): { from: string; sql: string; params: (string | number)[] } {
    const join = where.needsCaption ? currentCaption : '';
    if (criteria.match === null) {
      return { from: `FROM photos p ${join}`, sql: where.sql ? `WHERE ${where.sql}` : '', params: where.params };
    }
    if (!where.sql && !readsPhotos) {
      // Everything is said inside the index: no photo needs to be read to know it matches.
      return { from: 'FROM photo_search', sql: 'WHERE photo_search MATCH ?', params: [criteria.match] };
    }
    return {
      from: `FROM photo_search JOIN photos p ON p.id = photo_search.rowid ${join}`,
      sql: `WHERE photo_search MATCH ?${where.sql ? ` AND ${where.sql}` : ''}`,
      params: [criteria.match, ...where.params],
    };
  }

  private count(query: PhotoSearch): { total: number; totalIsExact: boolean } {
    const where = rowConditions(query.filters, query.exclude);
    const { from, sql, params } = this.source(query, where);
    const counted = this.db
      .prepare(`SELECT count(*) FROM (SELECT 1 ${from} ${sql} LIMIT ?)`)
      .pluck()
      .get(...params, this.limits.countLimit + 1) as number;
    return counted > this.limits.countLimit
      ? { total: this.limits.countLimit, totalIsExact: false }
      : { total: counted, totalIsExact: true };
  }

  private pageIds(query: PhotoSearch): number[] {
    const where = rowConditions(query.filters, query.exclude);
    const { from, sql, params } = this.source(query, where);
    const ids = (statement: string, ...values: (string | number)[]) =>
      this.db.prepare(statement).pluck().all(...params, ...values) as number[];

    const sort = query.text === null ? 'date' : query.sort;
    if (query.match === null || (sort === 'date' && !this.manyMatches(query.match))) {
      const byDate = this.source(query, where, true);
      return this.db
        .prepare(`SELECT p.id ${byDate.from} ${byDate.sql} ORDER BY p.captured_at DESC, p.id DESC LIMIT ? OFFSET ?`)
        .pluck()
        .all(...byDate.params, query.limit, query.offset) as number[];
    }
    if (sort === 'date') {
      // Many matches: walk photos newest first and keep those in the (materialised) match list.
      const join = where.needsCaption ? currentCaption : '';
      return this.db
        .prepare(
          `SELECT p.id FROM photos p INDEXED BY photos_captured_at ${join}
           WHERE p.id IN (SELECT rowid FROM photo_search WHERE photo_search MATCH ?)${where.sql ? ` AND ${where.sql}` : ''}
           ORDER BY p.captured_at DESC, p.id DESC LIMIT ? OFFSET ?`,
        )
        .pluck()
        .all(query.match, ...where.params, query.limit, query.offset) as number[];
    }
    const { rankWindow } = this.limits;
    let ranked: number[] = [];
    if (query.offset < rankWindow) {
      const wanted = Math.min(query.limit, rankWindow - query.offset);
      ranked = ids(
        `SELECT id FROM (SELECT photo_search.rowid AS id, photo_search.rank AS score ${from} ${sql}
           ORDER BY photo_search.rowid DESC LIMIT ?)
         ORDER BY score, id DESC LIMIT ? OFFSET ?`,
        rankWindow,
        wanted,
        query.offset,
      );
      // Fewer than asked for: the window held every match.
      if (ranked.length < wanted || ranked.length === query.limit) return ranked;
    }
    // The page reaches past the ranked window: the other matches follow, newest first.
    const rest = ids(
      `SELECT photo_search.rowid ${from} ${sql} ORDER BY photo_search.rowid DESC LIMIT ? OFFSET ?`,
      query.limit - ranked.length,
      Math.max(rankWindow, query.offset),
    );
    return [...ranked, ...rest];
  }

  private manyMatches(match: string): boolean {
    const found = this.db
      .prepare('SELECT count(*) FROM (SELECT 1 FROM photo_search WHERE photo_search MATCH ? LIMIT ?)')
      .pluck()
      .get(match, dateIndexThreshold + 1) as number;
    return found > dateIndexThreshold;
  }

  private hydrate(ids: number[], match: string | null): SearchHit[] {
    if (!ids.length) return [];
    const idList = JSON.stringify(ids);
    const rows = this.db
      .prepare(`SELECT ${summaryColumns} FROM photos p ${currentCaption} WHERE p.id IN (SELECT value FROM json_each(?))`)
      .all(idList) as SummaryRow[];
    const snippets = new Map<number, Snippet>();
    if (match !== null) {
      // Each text column highlighted, the first with a match (caption first) cut to a snippet:
      // FTS5's own snippet() could pick the hidden facets column, which the match also reaches.
      // One pass over the matches between the page's lowest and highest rowid, highlighting only
      // the page (the unary + keeps the IN list from becoming one FTS5 lookup per photo, each
      // costing as much as the pass). The CASTs matter: beside MATCH, FTS5 ignores a rowid bound
      // as a JavaScript number (a real).
      const highlights = snippetColumns.map((column) => `highlight(photo_search, ${column}, char(2), char(3))`).join(', ');
      const marked = this.db
        .prepare(
          `SELECT rowid, ${highlights} FROM photo_search
           WHERE photo_search MATCH ? AND rowid >= CAST(? AS INTEGER) AND rowid <= CAST(? AS INTEGER)
             AND +rowid IN (SELECT value FROM json_each(?))`,
        )
        .raw()
        .all(match, Math.min(...ids), Math.max(...ids), idList) as [number, ...(string | null)[]][];
      for (const [id, ...columns] of marked) {
        const best = columns.find((text) => text?.includes(matchStart));
        if (best) snippets.set(id, trimSnippet(toSnippet(best)));
      }
    }
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.flatMap((id) => {
      const row = byId.get(id);
      if (!row) return [];
      return [{ ...toSummary(row), snippet: snippets.get(id) ?? null }];
    });
  }
}
