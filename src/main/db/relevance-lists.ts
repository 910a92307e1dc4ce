import type { Database, Statement } from 'better-sqlite3';
import { changeStamp, writeWithoutWaiting } from './statements';

/** Every column a user's words are looked for in (not `facets`). */
export const textColumns = '{title keywords caption alt_text file_name folder}';

/** Lists kept in memory as last read, at most (2,000 photos each: about 100 kB). */
const maxListsRead = 64;
/** Lists of several phrases stored, at most (about 50 kB each): building one drops the oldest beyond. */
export const maxCombinations = 200;

/** FTS5's bm25 constants (fts5_aux.c). */
const k1 = 1.2;
const b = 0.75;

/**
 * A phrase's share of a row's bm25 score before its idf, exactly as FTS5 computes it:
 * `frequency` is the phrase's count in the row weighted by column, `length` the row's tokens.
 */
export function termScore(frequency: number, length: number, averageLength: number): number {
  return (frequency * (k1 + 1)) / (frequency + k1 * (1 - b + (b * length) / averageLength));
}

/** FTS5's idf: log((N - n + 0.5) / (n + 0.5)), and a tiny positive value for a phrase in most rows. */
function idfOf(rows: number, matches: number): number {
  const idf = Math.log((rows - matches + 0.5) / (matches + 0.5));
  return idf <= 0 ? 1e-6 : idf;
}

const bestFirst = (x: { id: number; score: number }, y: { id: number; score: number }) => y.score - x.score || y.id - x.id;

/**
 * The first `need` of the ordered photos that `kept` keeps, asked in steps, as a filter usually
 * keeps most (a few photos are looked up cheaper than a pass over the match).
 */
function keptOfOrdered(ordered: { id: number; score: number }[], need: number, kept: (ids: number[]) => Set<number>): { id: number; score: number }[] {
  const found: { id: number; score: number }[] = [];
  // The share kept so far sizes the next step: a narrow filter soon asks for the rest at once.
  let share = 1;
  for (let at = 0; at < ordered.length && found.length < need; ) {
    const step = ordered.slice(at, at + Math.max(32, Math.ceil(((need - found.length) / share) * 1.25)));
    at += step.length;
    const keep = kept(step.map((photo) => photo.id));
    found.push(...step.filter((photo) => keep.has(photo.id)));
    share = Math.max(found.length, 1) / at;
  }
  return found;
}

/** The first `need` photos of the list that `kept` keeps, or null when a photo not listed might come before the last of them. */
function vouchedInOrder(list: CombinedList, need: number, kept: (ids: number[]) => Set<number>): number[] | null {
  const found = keptOfOrdered(list.photos, need, kept).slice(0, need);
  if (found.length < need) return list.cutoffId === 0 ? found.map((photo) => photo.id) : null;
  const last = found[need - 1]!;
  return last.score > list.cutoffScore || (last.score === list.cutoffScore && last.id > list.cutoffId) ? found.map((photo) => photo.id) : null;
}

/** SQLite's varints, as FTS5 stores its statistics. */
function varints(blob: Buffer): number[] {
  const values: number[] = [];
  let at = 0;
  while (at < blob.length) {
    let value = 0;
    for (let byte = 0; ; byte++) {
      const next = blob[at++]!;
      if (byte === 8) {
        value = value * 256 + next;
        break;
      }
      value = value * 128 + (next & 0x7f);
      if (!(next & 0x80)) break;
    }
    values.push(value);
  }
  return values;
}

interface ListedPhoto {
  id: number;
  frequency: number;
  length: number;
}

interface PhraseList {
  phrase: string;
  /** The average row length the list was chosen with. */
  averageLength: number;
  /** Every matching photo not listed scores at most this (for `averageLength`), and among ties has a lower id. 0 and 0: all are listed. */
  cutoffScore: number;
  cutoffId: number;
  photos: ListedPhoto[];
  /** The photos best first for an average length, once computed. */
  ordered?: { averageLength: number; photos: { id: number; score: number }[] };
  /** How many photos match the phrase, once counted: a list is read again when the library changes. */
  matches?: number;
}

/**
 * A text of several phrases, as FTS5 ranked its matches: its best `depth` photos with their bm25
 * score, then every other match scores at most `cutoffScore` (and among ties has a lower id).
 */
interface CombinedList {
  text: string;
  cutoffScore: number;
  cutoffId: number;
  /** Best first: by score, then newest. */
  photos: { id: number; score: number }[];
}

interface LibraryStats {
  rows: number;
  averageLength: number;
}

/**
 * The best photos of each phrase searched, by bm25, kept in advance (migration 0160): for one
 * phrase, bm25's order of its matches depends on the rest of the library only through its idf
 * (the same for all of them) and the average row length. A list holds a phrase's best `depth`
 * photos with what their score is made of, so the order is computed for today's average length;
 * a photo not listed scores at most the list's cutoff, so the first page is exact once enough
 * listed photos pass the filters and the last of them scores above the cutoff. Lists are built
 * when a phrase is first searched and brought up to date from `search_changes` when next read.
 * A text of several phrases that their lists cannot vouch for (the best photos of two words are
 * rarely the best of either) keeps a list of its own (migration 0220), valid until a photo changes.
 * Anything a list cannot vouch for returns null: the caller ranks exactly instead.
 */
export class RelevanceLists {
  /** Lists as last read, while the library has not changed: read and sorted once, not on each keystroke. */
  private readonly lastRead = new Map<string, { stamp: string; list: PhraseList | CombinedList | null }>();

  constructor(
    private readonly db: Database,
    private readonly sql: (sql: string) => Statement,
    /** Photos kept a phrase. */
    private readonly depth: number,
  ) {}

  /**
   * The first `need` photos of the text's matches that `kept` keeps, in bm25 order (then newest
   * first), or null when the lists cannot vouch for them. `phrases` are the text's scored phrases.
   */
  best(phrases: readonly string[], text: string, need: number, kept: (ids: number[]) => Set<number>): number[] | null {
    const single = phrases.length === 1;
    const combined = single ? null : this.currentCombination(text);
    const fromCombined = combined && vouchedInOrder(combined, need, kept);
    if (fromCombined) return fromCombined;
    let stats = this.stats();
    let lists = [...new Set(phrases)].map((phrase) => this.current(phrase, stats));
    let best = this.vouchedBest(phrases, lists, text, need, kept, stats);
    if (best) return best;
    if (lists.some((list) => list.averageLength !== stats.averageLength)) {
      // Chosen for another average length: chosen again, they may vouch for more.
      stats = this.stats();
      lists = lists.map((list) => this.build(list.phrase, stats));
      best = this.vouchedBest(phrases, lists, text, need, kept, stats);
      if (best) return best;
    }
    // Several phrases the single lists cannot vouch for (the best of both are rarely the best of
    // each): the text's own best, ranked once for this state of the library.
    return single || combined ? null : vouchedInOrder(this.buildCombination(text), need, kept);
  }

  /**
   * The first `need` photos of the text's matches that `kept` keeps, from the text's own list
   * (built if none is current), or null when it cannot vouch for them.
   */
  ownBest(text: string, need: number, kept: (ids: number[]) => Set<number>): number[] | null {
    return vouchedInOrder(this.currentCombination(text) ?? this.buildCombination(text), need, kept);
  }

  private vouchedBest(
    phrases: readonly string[],
    lists: PhraseList[],
    text: string,
    need: number,
    kept: (ids: number[]) => Set<number>,
    stats: LibraryStats,
  ): number[] | null {
    const single = lists.length === 1 && phrases.length === 1;
    const scored = single ? this.keptInOrder(lists[0]!, need, kept, stats) : this.keptRanked(lists, text, kept);
    const complete = lists.every((list) => list.cutoffId === 0);
    if (scored.length < need) return complete ? scored.map((photo) => photo.id) : null;
    const last = scored[need - 1]!;
    // A photo listed nowhere scores at most each list's cutoff, grown by as much as the average length grew.
    const grown = (list: PhraseList) => list.cutoffScore * Math.max(1, stats.averageLength / list.averageLength);
    const vouched = single
      ? last.score > grown(lists[0]!) || (last.score === grown(lists[0]!) && last.id > lists[0]!.cutoffId)
      : last.score > phrases.reduce((bound, phrase) => {
          const list = lists.find((candidate) => candidate.phrase === phrase)!;
          // Counted once for each state of the library: a common word's count reads its whole list (10 to 40 ms at a million photos).
          return bound + (list.cutoffId === 0 ? 0 : idfOf(stats.rows, (list.matches ??= this.matches(list.phrase))) * grown(list));
        }, 0);
    return vouched ? scored.slice(0, need).map((photo) => photo.id) : null;
  }

  /**
   * The list's photos in order for today's average length, as far as `need` of them that `kept`
   * keeps: asked in steps, as a filter usually keeps most (a few photos are looked up cheaper
   * than a pass over the match).
   */
  private keptInOrder(list: PhraseList, need: number, kept: (ids: number[]) => Set<number>, stats: LibraryStats): { id: number; score: number }[] {
    if (list.ordered?.averageLength !== stats.averageLength) {
      const photos = list.photos
        .map((photo) => ({ id: photo.id, score: termScore(photo.frequency, photo.length, stats.averageLength) }))
        .sort(bestFirst);
      list.ordered = { averageLength: stats.averageLength, photos };
    }
    return keptOfOrdered(list.ordered.photos, need, kept);
  }

  /** Every listed photo that `kept` keeps, with its bm25 score for the whole text. */
  private keptRanked(lists: PhraseList[], text: string, kept: (ids: number[]) => Set<number>): { id: number; score: number }[] {
    const candidates = [...new Set(lists.flatMap((list) => list.photos.map((photo) => photo.id)))];
    const keep = kept(candidates);
    return this.ranked(text, candidates.filter((id) => keep.has(id))).sort((x, y) => y.score - x.score || y.id - x.id);
  }

  /** Photos with their bm25 score for the whole text (FTS5's rank, negated). */
  private ranked(text: string, ids: number[]): { id: number; score: number }[] {
    if (!ids.length) return [];
    const rows = this.sql(
      `SELECT rowid, rank FROM photo_search
       WHERE photo_search MATCH ? AND rowid >= CAST(? AS INTEGER) AND rowid <= CAST(? AS INTEGER)
         AND +rowid IN (SELECT value FROM json_each(?))`,
    )
      .raw()
      .all(text, Math.min(...ids), Math.max(...ids), JSON.stringify(ids)) as [number, number][];
    return rows.map(([id, rank]) => ({ id, score: -rank }));
  }

  /** The phrase's list, built if there is none, brought up to date if photos changed since. */
  private current(phrase: string, stats: LibraryStats): PhraseList {
    return this.keptRead(phrase, () => this.stored(phrase, stats)) as PhraseList;
  }

  /**
   * The text's own list, if one was built and no photo changed since: its scores hold only for
   * the library as it was (each phrase's idf, the average length), so it is built again, not updated.
   */
  private currentCombination(text: string): CombinedList | null {
    return this.keptRead(text, () => {
      const row = this.sql('SELECT id, cutoff_score, cutoff_id, changes_seen FROM search_combinations WHERE text = ?').raw().get(text) as
        | [number, number, number, number]
        | undefined;
      if (!row) return null;
      const [id, cutoffScore, cutoffId, changesSeen] = row;
      if (this.sql('SELECT 1 FROM search_changes WHERE seq > ? LIMIT 1').get(changesSeen)) return null;
      const photos = (this.sql('SELECT photo_id, score FROM search_combination_photos WHERE combination_id = ?').raw().all(id) as [number, number][])
        .map(([photoId, score]) => ({ id: photoId, score }))
        .sort(bestFirst);
      return { text, cutoffScore, cutoffId, photos };
    }) as CombinedList | null;
  }

  /** What `read` returns for the key, read once for each state of the library. */
  private keptRead(key: string, read: () => PhraseList | CombinedList | null): PhraseList | CombinedList | null {
    const stamp = changeStamp(this.sql);
    const last = this.lastRead.get(key);
    if (last?.stamp === stamp) return last.list;
    const list = read();
    this.keep(key, list, stamp);
    return list;
  }

  /**
   * Keeps what was read for the state of the library `stamp` was taken in, before the read: a
   * change committed meanwhile moves the stamp, so the next search reads again.
   */
  private keep(key: string, list: PhraseList | CombinedList | null, stamp: string): void {
    // Inside a transaction that may yet roll back, keep nothing: the stamp would not move.
    if (this.db.inTransaction) return;
    this.lastRead.delete(key);
    if (this.lastRead.size >= maxListsRead) this.lastRead.delete(this.lastRead.keys().next().value!);
    this.lastRead.set(key, { stamp, list });
  }

  /** Ranks the text's matches as FTS5 does and keeps the best `depth` (migration 0220). */
  private buildCombination(text: string): CombinedList {
    const stamp = changeStamp(this.sql);
    const version = this.dataVersion();
    const ranked = this.sql('SELECT rowid, rank FROM photo_search WHERE photo_search MATCH ? ORDER BY rank, rowid DESC LIMIT ?')
      .raw()
      .all(text, this.depth) as [number, number][];
    const photos = ranked.map(([id, rank]) => ({ id, score: -rank }));
    const last = photos.at(-1);
    const complete = !last || photos.length < this.depth;
    const list: CombinedList = { text, cutoffScore: complete ? 0 : last.score, cutoffId: complete ? 0 : last.id, photos };
    this.storeIfUnchanged(version, (seen) => {
      this.sql('DELETE FROM search_combinations WHERE text = ?').run(text);
      // Numbered after every other: the least recently built go first.
      const { lastInsertRowid: id } = this.sql('INSERT INTO search_combinations (text, cutoff_score, cutoff_id, changes_seen) VALUES (?, ?, ?, ?)').run(
        text,
        list.cutoffScore,
        list.cutoffId,
        seen,
      );
      const insert = this.sql('INSERT INTO search_combination_photos (combination_id, photo_id, score) VALUES (?, ?, ?)');
      for (const photo of photos) insert.run(id, photo.id, photo.score);
      this.sql('DELETE FROM search_combinations WHERE id <= ? - ?').run(id, maxCombinations);
    });
    this.keep(text, list, stamp);
    return list;
  }

  private stored(phrase: string, stats: LibraryStats): PhraseList {
    const row = this.sql('SELECT average_length, cutoff_score, cutoff_id, changes_seen FROM search_lists WHERE phrase = ?')
      .raw()
      .get(phrase) as [number, number, number, number] | undefined;
    if (!row) return this.build(phrase, stats);
    const [averageLength, cutoffScore, cutoffId, changesSeen] = row;
    const photos = (this.sql('SELECT photo_id, frequency, length FROM search_list_photos WHERE phrase = ?').raw().all(phrase) as [number, number, number][])
      .map(([id, frequency, length]) => ({ id, frequency, length }));
    const list: PhraseList = { phrase, averageLength, cutoffScore, cutoffId, photos };
    const changed = this.sql('SELECT DISTINCT photo_id FROM search_changes WHERE seq > ?').pluck().all(changesSeen) as number[];
    return changed.length ? this.update(list, changed, stats) : list;
  }

  private build(phrase: string, stats: LibraryStats): PhraseList {
    const version = this.dataVersion();
    const ranked = this.sql('SELECT rowid, rank FROM photo_search WHERE photo_search MATCH ? ORDER BY rank, rowid DESC LIMIT ?')
      .raw()
      .all(this.scoped(phrase), this.depth) as [number, number][];
    const photos = this.fromRanks(phrase, ranked, stats);
    const last = photos.at(-1);
    const complete = !last || photos.length < this.depth;
    const list: PhraseList = {
      phrase,
      averageLength: stats.averageLength,
      cutoffScore: complete ? 0 : termScore(last.frequency, last.length, stats.averageLength),
      cutoffId: complete ? 0 : last.id,
      photos,
    };
    this.storeIfUnchanged(version, (seen) => {
      this.sql('DELETE FROM search_list_photos WHERE phrase = ?').run(phrase);
      this.sql(
        `INSERT INTO search_lists (phrase, average_length, cutoff_score, cutoff_id, changes_seen) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (phrase) DO UPDATE SET average_length = excluded.average_length, cutoff_score = excluded.cutoff_score,
           cutoff_id = excluded.cutoff_id, changes_seen = excluded.changes_seen`,
      ).run(phrase, list.averageLength, list.cutoffScore, list.cutoffId, seen);
      this.insertPhotos(phrase, photos);
    });
    return list;
  }

  /** The list with the changed photos scored again: a photo now above the cutoff joins it. */
  private update(list: PhraseList, changed: number[], stats: LibraryStats): PhraseList {
    const version = this.dataVersion();
    const ranked = this.sql(
      `SELECT rowid, rank FROM photo_search
       WHERE photo_search MATCH ? AND rowid >= CAST(? AS INTEGER) AND rowid <= CAST(? AS INTEGER)
         AND +rowid IN (SELECT value FROM json_each(?))`,
    )
      .raw()
      .all(this.scoped(list.phrase), Math.min(...changed), Math.max(...changed), JSON.stringify(changed)) as [number, number][];
    const joining = this.fromRanks(list.phrase, ranked, stats).filter((photo) => {
      const score = termScore(photo.frequency, photo.length, list.averageLength);
      return score > list.cutoffScore || (score === list.cutoffScore && photo.id > list.cutoffId);
    });
    const gone = new Set(changed);
    const updated = { ...list, photos: [...list.photos.filter((photo) => !gone.has(photo.id)), ...joining] };
    this.storeIfUnchanged(version, (seen) => {
      this.sql('DELETE FROM search_list_photos WHERE phrase = ? AND photo_id IN (SELECT value FROM json_each(?))').run(list.phrase, JSON.stringify(changed));
      this.insertPhotos(list.phrase, joining);
      this.sql('UPDATE search_lists SET changes_seen = ? WHERE phrase = ?').run(seen, list.phrase);
    });
    return updated;
  }

  /**
   * What each ranked photo's score is made of: its row length (FTS5's own count) and the
   * phrase's weighted count in it, solved from the score (rank = -idf × termScore).
   */
  private fromRanks(phrase: string, ranked: [number, number][], stats: LibraryStats): ListedPhoto[] {
    if (!ranked.length) return [];
    const idf = idfOf(stats.rows, this.matches(phrase));
    const lengths = new Map(
      (this.sql('SELECT id, sz FROM photo_search_docsize WHERE id IN (SELECT value FROM json_each(?))').raw().all(JSON.stringify(ranked.map(([id]) => id))) as [number, Buffer][])
        .map(([id, sizes]) => [id, varints(sizes).reduce((sum, size) => sum + size, 0)]),
    );
    return ranked.map(([id, rank]) => {
      const length = lengths.get(id) ?? 0;
      const score = -rank / idf;
      const lengthFactor = k1 * (1 - b + (b * length) / stats.averageLength);
      // Column weights are whole or simple numbers: rounding removes what the division added.
      const frequency = Math.round(((score * lengthFactor) / (k1 + 1 - score)) * 1e6) / 1e6;
      return { id, frequency, length };
    });
  }

  private insertPhotos(phrase: string, photos: ListedPhoto[]): void {
    const insert = this.sql('INSERT OR REPLACE INTO search_list_photos (phrase, photo_id, frequency, length) VALUES (?, ?, ?, ?)');
    for (const photo of photos) insert.run(phrase, photo.id, photo.frequency, photo.length);
  }

  /**
   * Stores what was read, if no other connection wrote since (it would be stale already); `store`
   * is given the newest change, which what it stores is current to. A library another process
   * holds, or one opened read-only, keeps its lists as they were: the answer is right either way,
   * so the search does not wait for the lock (the busy timeout would hold it up to 15 s behind a
   * long write).
   */
  private storeIfUnchanged(version: number, store: (seen: number) => void): void {
    writeWithoutWaiting(this.db, () => {
      if (this.dataVersion() !== version) return;
      store(this.sql(`SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'search_changes'), 0)`).pluck().get() as number);
      this.sql(
        `DELETE FROM search_changes WHERE seq <= (SELECT min(seen) FROM (
           SELECT changes_seen AS seen FROM search_lists UNION ALL SELECT changes_seen FROM search_combinations))`,
      ).run();
    });
  }

  private matches(phrase: string): number {
    return this.sql('SELECT count(*) FROM photo_search WHERE photo_search MATCH ?').pluck().get(this.scoped(phrase)) as number;
  }

  private scoped(phrase: string): string {
    return `${textColumns} : (${phrase})`;
  }

  /** FTS5's row count and average row length, from its averages record (id 1 of its data), as bm25 reads them. */
  private stats(): LibraryStats {
    const record = this.sql('SELECT block FROM photo_search_data WHERE id = 1').pluck().get() as Buffer | undefined;
    const [rows = 0, ...columnTokens] = record ? varints(record) : [];
    return { rows, averageLength: rows ? columnTokens.reduce((sum, tokens) => sum + tokens, 0) / rows : 1 };
  }

  private dataVersion(): number {
    return this.sql('PRAGMA data_version').pluck().get() as number;
  }
}
