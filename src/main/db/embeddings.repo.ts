import type { Database, Statement } from 'better-sqlite3';
import { codeWords, longCodeWords } from '../base/sign-code';
import type { SearchHit } from '../../shared/domain';
import { currentCaption, summaryColumns, toSummary } from './photo-summary';
import { scopeCondition } from './photo-selection';
import { MissingPhotos } from './missing-photos';
import { KeptUntilChange, readTransaction, statementCache, withoutMovingStamp, writeWithoutWaiting } from './statements';
import type { SummaryRow } from './photo-summary';
import { codeBlob, fromBlob, toBlob } from './vector-blobs';

export interface EmbeddingModel {
  provider: string;
  model: string;
  /** The vectors' length: the one asked for, else known after the first answer. */
  dimensions: number | null;
  /** Sent with every request when the user chose the length. */
  requestedDimensions: number | null;
  usdPerMillionTokens: number | null;
}

/** What the user may choose with a model beside its name (`embeddings use --dimensions --price`). */
export interface EmbeddingModelOptions {
  requestedDimensions?: number | null;
  usdPerMillionTokens?: number | null;
}

/** A photo's text to embed, and the caption version it comes from (null: the file's own caption). */
export interface TextToEmbed {
  photoId: number;
  captionId: number | null;
  text: string;
}

/** A photo's vector, of the caption version and the text it was made from. */
export interface StoredVector {
  photoId: number;
  captionId: number | null;
  text: string;
  vector: Float32Array;
}

/** What a photo's vector is compared by: the words a search could also find. */
const embeddedText = `trim(
  coalesce(coalesce(c.title, p.embedded_title) || '. ', '') ||
  coalesce(coalesce(c.caption, p.embedded_caption), '') || ' ' ||
  coalesce((SELECT group_concat(value, ', ') FROM json_each(CASE WHEN c.id IS NULL THEN p.embedded_keywords ELSE c.keywords END)), ''))`;

/** A job still to do or doing: one embed job per provider may be. */
const unfinishedJob = `state IN ('queued', 'running', 'waiting-for-retry')`;

/** Photos with a caption (ours or the file's) whose vector is missing or made from an older version. */
const pendingCondition = `
  (p.current_caption_id IS NOT NULL OR p.embedded_caption IS NOT NULL)
  AND (e.photo_id IS NULL OR e.caption_id IS NOT p.current_caption_id)`;

/** How long keeping a query's vector waits for another process's write: a caption's takes a few ms. */
const queryCachePatienceMs = 100;

/** Codes read in one row when an index catches up. */
const codesPerChunk = 32_768;

/** Where an index has caught up to: the seq of the last code and of the last code removal it took in. */
export interface CodeSeqs {
  code: number;
  removal: number;
}

/** The chosen embedding model and the vectors of each photo's current caption. */
export class EmbeddingsRepository {
  private readonly missing: MissingPhotos;
  /** Statements compiled once: a search by meaning runs about ten small ones. */
  private readonly sql: (sql: string) => Statement;
  /** Tokens searches' embeddings cost while another process was writing: counted with the next written. */
  private uncountedTokens = 0;

  constructor(private readonly db: Database) {
    this.sql = statementCache(db);
    this.missing = new MissingPhotos(db, this.sql);
  }

  model(): EmbeddingModel | null {
    return (
      (this.sql(
        `SELECT provider, model, dimensions, requested_dimensions AS requestedDimensions, usd_per_million_tokens AS usdPerMillionTokens
         FROM embedding_model WHERE id = 1`,
      )
        .get() as EmbeddingModel | undefined) ?? null
    );
  }

  /**
   * Chooses the model; another provider, model or requested length than before removes every
   * vector (triggers do). The price applies to what is embedded from now on.
   */
  choose(provider: string, model: string, chosenAt: string, options: EmbeddingModelOptions = {}): void {
    this.sql(
      `INSERT INTO embedding_model (id, provider, model, dimensions, requested_dimensions, usd_per_million_tokens, chosen_at)
         VALUES (1, @provider, @model, @requestedDimensions, @requestedDimensions, @usdPerMillionTokens, @chosenAt)
       ON CONFLICT (id) DO UPDATE SET provider = excluded.provider, model = excluded.model, chosen_at = excluded.chosen_at,
         requested_dimensions = excluded.requested_dimensions, usd_per_million_tokens = excluded.usd_per_million_tokens,
         dimensions = coalesce(excluded.requested_dimensions, CASE WHEN provider IS excluded.provider AND model IS excluded.model
           AND requested_dimensions IS NULL THEN dimensions END)`,
    )
      .run({ provider, model, chosenAt, requestedDimensions: options.requestedDimensions ?? null, usdPerMillionTokens: options.usdPerMillionTokens ?? null });
  }

  /** Photos embedded and waiting, of the photos in `scopes` (folder prefixes or files; all when none). */
  counts(scopes: readonly string[] = []): { embedded: number; pending: number } {
    const { scope, args } = inScopes(scopes);
    const embedded = this.db
      .prepare(`SELECT count(*) FROM photo_embeddings e JOIN photos p ON p.id = e.photo_id WHERE e.caption_id IS p.current_caption_id ${scope}`)
      .pluck()
      .get(...args) as number;
    const pending = this.db
      .prepare(`SELECT count(*) FROM photos p LEFT JOIN photo_embeddings e ON e.photo_id = p.id WHERE ${pendingCondition} ${scope}`)
      .pluck()
      .get(...args) as number;
    return { embedded, pending };
  }

  /** The next photos to embed after `afterId`, in id order. */
  pending(afterId: number, limit: number, scopes: readonly string[] = []): TextToEmbed[] {
    const { scope, args } = inScopes(scopes);
    return this.db
      .prepare(
        `SELECT p.id AS photoId, p.current_caption_id AS captionId, ${embeddedText} AS text
         FROM photos p LEFT JOIN photo_embeddings e ON e.photo_id = p.id ${currentCaption}
         WHERE p.id > ? AND ${pendingCondition} ${scope} ORDER BY p.id LIMIT ?`,
      )
      .all(afterId, ...args, limit) as TextToEmbed[];
  }

  /** Each photo's text to embed as it is now, and the caption version it comes from; none for a photo no longer in the library. */
  textsOf(photoIds: readonly number[]): TextToEmbed[] {
    return this.sql(
      `SELECT p.id AS photoId, p.current_caption_id AS captionId, ${embeddedText} AS text FROM photos p ${currentCaption}
       WHERE p.id IN (SELECT value FROM json_each(?))`,
    ).all(JSON.stringify(photoIds)) as TextToEmbed[];
  }

  /**
   * Stores a batch of vectors in one transaction, with the model's dimensions with the first and
   * the tokens the request cost (priced when the model has a price); a model changed meanwhile (by
   * another process) stores nothing.
   */
  store(model: Pick<EmbeddingModel, 'provider' | 'model'> & Partial<EmbeddingModel>, rows: readonly StoredVector[], inputTokens = 0): boolean {
    return this.db.transaction(() => {
      const current = this.model();
      if (!current || current.provider !== model.provider || current.model !== model.model) return false;
      const dimensions = rows[0]?.vector.length;
      if (current.dimensions === null && dimensions) this.sql('UPDATE embedding_model SET dimensions = ? WHERE id = 1').run(dimensions);
      // Only while the photo's text is still the one embedded: its caption may have been edited
      // while the provider answered (the edit's own embedding follows), or the photo removed and
      // its id given to a photo indexed since (ids are reused), whose vector this is not. A photo
      // with a code has a current vector, which the search relies on.
      const now = new Map(this.textsOf(rows.map((row) => row.photoId)).map((row) => [row.photoId, row]));
      // Updated in place, not replaced: a replace deletes the row, and the delete cascades to the
      // photo's code, which would log a removal for every vector embedded again.
      const insert = this.sql(
      `INSERT INTO photo_embeddings (photo_id, caption_id, vector) VALUES (?, ?, ?)
       ON CONFLICT (photo_id) DO UPDATE SET caption_id = excluded.caption_id, vector = excluded.vector`,
    );
      const code = this.sql('INSERT OR REPLACE INTO embedding_codes (photo_id, code) VALUES (?, ?)');
      for (const row of rows) {
        const asNow = now.get(row.photoId);
        if (asNow?.captionId !== row.captionId || asNow.text !== row.text) continue;
        insert.run(row.photoId, row.captionId, toBlob(row.vector));
        code.run(row.photoId, codeBlob(row.vector));
      }
      this.addSpend(inputTokens);
      return true;
    })();
  }

  /** Adds tokens the chosen model's provider counted, priced at the model's price when it has one. */
  private addSpend(inputTokens: number): void {
    this.sql(
      `INSERT INTO embedding_spend (provider, input_tokens, cost_usd)
         SELECT provider, @tokens, coalesce(usd_per_million_tokens * @tokens / 1e6, 0) FROM embedding_model WHERE id = 1
       ON CONFLICT (provider) DO UPDATE SET input_tokens = input_tokens + excluded.input_tokens, cost_usd = cost_usd + excluded.cost_usd`,
    )
      .run({ tokens: inputTokens });
  }

  /** The embedding tokens and cost counted for a provider, over every model it embedded with. */
  spend(provider: string): { inputTokens: number; costUsd: number } {
    return (
      (this.sql('SELECT input_tokens AS inputTokens, cost_usd AS costUsd FROM embedding_spend WHERE provider = ?').get(provider) as
        | { inputTokens: number; costUsd: number }
        | undefined) ?? { inputTokens: 0, costUsd: 0 }
    );
  }

  /**
   * Ends an embed job's step in one transaction: its vectors stored (unless the model changed),
   * the job marked done (`complete`), and the next job queued while captions wait, going on after
   * the last photo stored, or from the start for captions made behind it.
   */
  storeStep(model: EmbeddingModel, rows: readonly StoredVector[], inputTokens: number, complete: () => void): void {
    this.db.transaction(() => {
      if (rows.length) this.store(model, rows, inputTokens);
      complete();
      const afterId = rows.at(-1)?.photoId ?? 0;
      if (afterId > 0 && this.pending(afterId, 1).length) this.queueEmbedJob(model.provider, afterId);
      else if (this.anyPending()) this.queueEmbedJob(model.provider, 0);
    })();
  }

  /**
   * Queues the chosen provider's embed job when captions wait and it has none unfinished (its last
   * failed or was cancelled); the library's triggers queue it whenever a caption becomes waiting.
   */
  queueBacklog(): boolean {
    return this.db.transaction(() => {
      const model = this.model();
      // The look for a waiting caption may read the whole library: only when no job would find it.
      return model !== null && !this.hasEmbedJob(model.provider) && this.anyPending() && this.queueEmbedJob(model.provider, 0);
    })();
  }

  private hasEmbedJob(provider: string): boolean {
    return this.sql(`SELECT 1 FROM jobs WHERE kind = 'embed' AND provider = ? AND ${unfinishedJob}`).get(provider) !== undefined;
  }

  /** One unfinished embed job per provider: queued unless there is one. */
  private queueEmbedJob(provider: string, afterId: number): boolean {
    return (
      this.sql(
        `INSERT INTO jobs (kind, photo_id, provider, payload, created_at, updated_at)
           SELECT 'embed', NULL, @provider, @payload, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
           WHERE NOT EXISTS (SELECT 1 FROM jobs WHERE kind = 'embed' AND provider = @provider AND ${unfinishedJob})`,
      )
        .run({ provider, payload: JSON.stringify({ afterId }) }).changes === 1
    );
  }

  private anyPending(): boolean {
    return this.sql(`SELECT 1 FROM photos p LEFT JOIN photo_embeddings e ON e.photo_id = p.id WHERE ${pendingCondition} LIMIT 1`).get() !== undefined;
  }

  /**
   * Hands `each` the sign codes written after `seq` (by this process or another), as the `length`
   * words at `offset` in `codes` (a long code, or a short one stored before long codes): every one,
   * or the first `limit`. Returns the last one's seq and whether none is left:
   * how an index catches up.
   */
  codesSince(
    seq: number,
    each: (photoId: number, codes: Uint32Array, offset: number, length: number) => void,
    limit = Infinity,
  ): { last: number; complete: boolean } {
    // A row object and two buffers for each of a million codes take seconds: one blob of
    // `codesPerChunk` codes end to end and their photo ids as one text take a small share of that.
    // A short code's photo id comes negated.
    const chunk = this.sql(
      `SELECT CAST(group_concat(code, '') AS BLOB), group_concat(CASE WHEN length(code) < ${longCodeWords * 4} THEN -photo_id ELSE photo_id END), max(seq), count(*)
       FROM (SELECT seq, photo_id, code FROM embedding_codes WHERE seq > ? ORDER BY seq LIMIT ?)`,
    )
      .raw();
    let last = seq;
    for (let taken = 0; taken < limit; ) {
      const [blob, photoIds, chunkLast, count] = chunk.get(last, Math.min(codesPerChunk, limit - taken)) as [Buffer | null, string | null, number | null, number];
      if (!count || blob === null || photoIds === null || chunkLast === null) return { last, complete: true };
      taken += count;
      // Copied into an array of its own: a Buffer's bytes need not be aligned for 32-bit words.
      const codes = new Uint32Array(Uint8Array.from(blob).buffer);
      let photoId = 0;
      let short = false;
      for (let at = 0, offset = 0; at <= photoIds.length; at++) {
        const char = photoIds.charCodeAt(at);
        if (char >= 48 && char <= 57) {
          photoId = photoId * 10 + char - 48;
          continue;
        }
        if (char === 45) {
          short = true;
          continue;
        }
        const length = short ? codeWords : longCodeWords;
        each(photoId, codes, offset, length);
        offset += length;
        photoId = 0;
        short = false;
      }
      last = chunkLast;
    }
    return { last, complete: false };
  }

  /**
   * Hands an index what changed since `since`, as one snapshot: first the photos whose code was
   * removed and not stored again, then the codes written since (every one, or about `limit`; see
   * `codesSince`). Returns where it has caught up to and whether it is current, or null when
   * removals it has not seen were already pruned: build it again.
   */
  codeChangesSince(
    since: CodeSeqs,
    put: (photoId: number, codes: Uint32Array, offset: number, length: number) => void,
    remove: (photoId: number) => void,
    limit = Infinity,
  ): { seqs: CodeSeqs; complete: boolean } | null {
    return readTransaction(this.db, () => {
      // Two subqueries: min and max in one select would scan the table, each alone reads one end.
      const [first, last] = this.sql('SELECT (SELECT min(seq) FROM embedding_code_removals), (SELECT max(seq) FROM embedding_code_removals)')
        .raw()
        .get() as [number | null, number | null];
      if (last !== null && last > since.removal && first! > since.removal + 1) return null;
      if (last !== null && last > since.removal) {
        const removed = this.sql('SELECT DISTINCT photo_id FROM embedding_code_removals WHERE seq > ?').pluck().all(since.removal) as number[];
        const coded = this.codedPhotoIds(removed);
        for (const photoId of removed) if (!coded.has(photoId)) remove(photoId);
      }
      const codes = this.codesSince(since.code, put, limit);
      return { seqs: { code: codes.last, removal: last ?? since.removal }, complete: codes.complete };
    });
  }

  /**
   * What an index of every code needs room for: no more codes than their seqs span nor than the
   * library has photos (`photo_dirs` counts them), and the largest photo id. No count of the codes:
   * it reads every code's row id (75 ms at a million when not cached).
   */
  codeSpan(): { codes: number; largestPhotoId: number } {
    const [first, last, largestPhotoId, photos] = this.sql(
      `SELECT (SELECT min(seq) FROM embedding_codes), (SELECT max(seq) FROM embedding_codes), (SELECT max(photo_id) FROM embedding_codes),
         (SELECT sum(present + missing) FROM photo_dirs)`,
    )
      .raw()
      .get() as [number | null, number | null, number | null, number | null];
    return { codes: first === null || last === null ? 0 : Math.min(last - first + 1, photos ?? 0), largestPhotoId: largestPhotoId ?? 0 };
  }

  /** Where an index built from nothing starts: no code taken in, every removal so far already past. */
  codeSeqsOfNewIndex(): CodeSeqs {
    return { code: 0, removal: (this.sql('SELECT max(seq) FROM embedding_code_removals').pluck().get() as number | null) ?? 0 };
  }

  /**
   * Gives up to `limit` photos after `afterId` that have only a short code (stored before long
   * codes) their long code, from their stored vector, in one transaction. Returns the last photo
   * looked at, or null when none was left: the next call goes on after it.
   */
  lengthenCodes(afterId: number, limit: number): number | null {
    return this.db.transaction(() => {
      const rows = this.sql(
        `SELECT c.photo_id, e.vector FROM embedding_codes c JOIN photo_embeddings e ON e.photo_id = c.photo_id
         WHERE c.photo_id > ? AND length(c.code) < ${longCodeWords * 4} ORDER BY c.photo_id LIMIT ?`,
      )
        .raw()
        .all(afterId, limit) as [number, Buffer][];
      const code = this.sql('INSERT OR REPLACE INTO embedding_codes (photo_id, code) VALUES (?, ?)');
      for (const [photoId, vector] of rows) code.run(photoId, codeBlob(fromBlob(vector)));
      return rows.at(-1)?.[0] ?? null;
    })();
  }

  /** Those of the photos whose sign code is stored: a look at small rows, no vector read. */
  codedPhotoIds(photoIds: readonly number[]): Set<number> {
    const coded = this.sql('SELECT photo_id FROM embedding_codes WHERE photo_id IN (SELECT value FROM json_each(?))').pluck().all(JSON.stringify(photoIds));
    return new Set(coded as number[]);
  }

  /** False once the database is closed: work queued for later checks it first. */
  get open(): boolean {
    return this.db.open;
  }

  /**
   * The stored vectors (float32 bytes) of those photos that have one made from their current
   * caption: those with a code, which is stored only with a current vector and goes when the
   * caption changes away from it (migration 0180). Looked up in the codes' small index rather than
   * in the photos (three times slower at a million photos, when their pages are not cached).
   */
  currentVectors(photoIds: readonly number[]): [photoId: number, vector: Buffer][] {
    return this.sql(
      `SELECT e.photo_id, e.vector FROM photo_embeddings e
       WHERE e.photo_id IN (SELECT value FROM json_each(?)) AND EXISTS (SELECT 1 FROM embedding_codes c WHERE c.photo_id = e.photo_id)`,
    )
      .raw()
      .all(JSON.stringify(photoIds)) as [number, Buffer][];
  }

  hasVectors(): boolean {
    return this.sql('SELECT 1 FROM photo_embeddings LIMIT 1').get() !== undefined;
  }

  vectorOf(photoId: number): Float32Array | null {
    const blob = this.sql('SELECT vector FROM photo_embeddings WHERE photo_id = ?').pluck().get(photoId) as Buffer | undefined;
    return blob ? fromBlob(blob) : null;
  }

  cachedQuery(text: string): Float32Array | null {
    const blob = this.sql('SELECT vector FROM query_embeddings WHERE text = ?').pluck().get(text) as Buffer | undefined;
    return blob ? fromBlob(blob) : null;
  }

  /**
   * Keeps a search's vector, and counts what asking for it cost: unless another process is writing
   * for longer than a caption's write takes, as the search does not wait for it. The vector is
   * then asked for again next time, and its tokens are counted with the next search's.
   */
  cacheQuery(text: string, vector: Float32Array, inputTokens = 0): void {
    const tokens = this.uncountedTokens + inputTokens;
    const written = writeWithoutWaiting(
      this.db,
      () =>
        withoutMovingStamp(this.db, () => {
          this.sql('INSERT OR REPLACE INTO query_embeddings (text, vector) VALUES (?, ?)').run(text, toBlob(vector));
          this.addSpend(tokens);
        }),
      queryCachePatienceMs,
    );
    this.uncountedTokens = written ? 0 : tokens;
  }

  photoIdOf(path: string): number | null {
    return (this.sql('SELECT id FROM photos WHERE path = ?').pluck().get(path) as number | undefined) ?? null;
  }

  /** The photos whose files are missing, which every unfiltered meaning search leaves out. */
  missingPhotoIds(): ReadonlySet<number> {
    return this.missing.ids();
  }

  /** A place to keep a value read from the library until the library changes. */
  keptUntilChange<T>(): KeptUntilChange<T> {
    return new KeptUntilChange(this.db, this.sql);
  }

  /** The ids in the date sort's order: newest capture first (of one second, the later indexed), undated last. */
  newestFirst(ids: readonly number[]): number[] {
    return this.sql('SELECT p.id FROM photos p WHERE p.id IN (SELECT value FROM json_each(?)) ORDER BY p.captured_at DESC, p.id DESC')
      .pluck()
      .all(JSON.stringify(ids)) as number[];
  }

  /** The photos as search results show them, in the order of `ids`. */
  hits(ids: readonly number[]): SearchHit[] {
    const rows = this.sql(`SELECT ${summaryColumns} FROM photos p ${currentCaption} WHERE p.id IN (SELECT value FROM json_each(?))`)
      .all(JSON.stringify(ids)) as SummaryRow[];
    const byId = new Map(rows.map((row) => [row.id, { ...toSummary(row), snippet: null }]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }
}

function inScopes(scopes: readonly string[]): { scope: string; args: string[] } {
  const condition = scopeCondition(scopes);
  return condition ? { scope: `AND (${condition.sql})`, args: condition.params } : { scope: '', args: [] };
}
