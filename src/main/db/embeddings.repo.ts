import type { Database } from 'better-sqlite3';
import { codeWords } from '../base/sign-code';
import type { SearchHit } from '../../shared/domain';
import { currentCaption, summaryColumns, toSummary } from './photo-summary';
import { scopeCondition } from './photo-selection';
import type { SummaryRow } from './photo-summary';
import { codeBlob, fromBlob, toBlob } from './vector-blobs';

export interface EmbeddingModel {
  provider: string;
  model: string;
  dimensions: number | null;
}

/** A photo's text to embed, and the caption version it comes from (null: the file's own caption). */
export interface TextToEmbed {
  photoId: number;
  captionId: number | null;
  text: string;
}

/** What a photo's vector is compared by: the words a search could also find. */
const embeddedText = `trim(
  coalesce(coalesce(c.title, p.embedded_title) || '. ', '') ||
  coalesce(coalesce(c.caption, p.embedded_caption), '') || ' ' ||
  coalesce((SELECT group_concat(value, ', ') FROM json_each(CASE WHEN c.id IS NULL THEN p.embedded_keywords ELSE c.keywords END)), ''))`;

/** Photos with a caption (ours or the file's) whose vector is missing or made from an older version. */
const pendingCondition = `
  (p.current_caption_id IS NOT NULL OR p.embedded_caption IS NOT NULL)
  AND (e.photo_id IS NULL OR e.caption_id IS NOT p.current_caption_id)`;

/** The chosen embedding model and the vectors of each photo's current caption. */
export class EmbeddingsRepository {
  constructor(private readonly db: Database) {}

  model(): EmbeddingModel | null {
    return (this.db.prepare('SELECT provider, model, dimensions FROM embedding_model WHERE id = 1').get() as EmbeddingModel | undefined) ?? null;
  }

  /** Chooses the model; another provider or model than before removes every vector (a trigger does). */
  choose(provider: string, model: string, chosenAt: string): void {
    this.db
      .prepare(
        `INSERT INTO embedding_model (id, provider, model, dimensions, chosen_at) VALUES (1, ?, ?, NULL, ?)
         ON CONFLICT (id) DO UPDATE SET provider = excluded.provider, model = excluded.model, chosen_at = excluded.chosen_at,
           dimensions = CASE WHEN provider IS excluded.provider AND model IS excluded.model THEN dimensions END`,
      )
      .run(provider, model, chosenAt);
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

  /**
   * Stores a batch of vectors in one transaction, and the model's dimensions with the first; a
   * model changed meanwhile (by another process) stores nothing.
   */
  store(model: EmbeddingModel, rows: readonly { photoId: number; captionId: number | null; vector: Float32Array }[]): boolean {
    return this.db.transaction(() => {
      const current = this.model();
      if (!current || current.provider !== model.provider || current.model !== model.model) return false;
      const dimensions = rows[0]?.vector.length;
      if (current.dimensions === null && dimensions) this.db.prepare('UPDATE embedding_model SET dimensions = ? WHERE id = 1').run(dimensions);
      const insert = this.db.prepare('INSERT OR REPLACE INTO photo_embeddings (photo_id, caption_id, vector) VALUES (?, ?, ?)');
      const code = this.db.prepare('INSERT OR REPLACE INTO embedding_codes (photo_id, code) VALUES (?, ?)');
      for (const row of rows) {
        insert.run(row.photoId, row.captionId, toBlob(row.vector));
        code.run(row.photoId, codeBlob(row.vector));
      }
      return true;
    })();
  }

  /**
   * Hands `each` every sign code written after `seq` (by this process or another), as the words at
   * `offset` in `codes`, and returns the last one's seq: how an index catches up.
   */
  codesSince(seq: number, each: (photoId: number, codes: Uint32Array, offset: number) => void): number {
    // A row object and two buffers for each of a million codes take seconds: one blob of 65,536
    // codes end to end and their photo ids as one text take a small share of that.
    const chunk = this.db
      .prepare(
        `SELECT CAST(group_concat(code, '') AS BLOB), group_concat(photo_id), max(seq), count(*)
         FROM (SELECT seq, photo_id, code FROM embedding_codes WHERE seq > ? ORDER BY seq LIMIT 65536)`,
      )
      .raw();
    let last = seq;
    for (;;) {
      const [blob, photoIds, chunkLast, count] = chunk.get(last) as [Buffer | null, string | null, number | null, number];
      if (!count || blob === null || photoIds === null || chunkLast === null) return last;
      // Copied into an array of its own: a Buffer's bytes need not be aligned for 32-bit words.
      const codes = new Uint32Array(Uint8Array.from(blob).buffer);
      let photoId = 0;
      for (let at = 0, offset = 0; at <= photoIds.length; at++) {
        const char = photoIds.charCodeAt(at);
        if (char >= 48 && char <= 57) {
          photoId = photoId * 10 + char - 48;
          continue;
        }
        each(photoId, codes, offset);
        offset += codeWords;
        photoId = 0;
      }
      last = chunkLast;
    }
  }

  /** The stored vectors (float32 bytes) of those photos that have one made from their current caption. */
  currentVectors(photoIds: readonly number[]): [photoId: number, vector: Buffer][] {
    return this.db
      .prepare(
        `SELECT e.photo_id, e.vector FROM photo_embeddings e JOIN photos p ON p.id = e.photo_id
         WHERE e.photo_id IN (SELECT value FROM json_each(?)) AND e.caption_id IS p.current_caption_id`,
      )
      .raw()
      .all(JSON.stringify(photoIds)) as [number, Buffer][];
  }

  hasVectors(): boolean {
    return this.db.prepare('SELECT 1 FROM photo_embeddings LIMIT 1').get() !== undefined;
  }

  vectorOf(photoId: number): Float32Array | null {
    const blob = this.db.prepare('SELECT vector FROM photo_embeddings WHERE photo_id = ?').pluck().get(photoId) as Buffer | undefined;
    return blob ? fromBlob(blob) : null;
  }

  cachedQuery(text: string): Float32Array | null {
    const blob = this.db.prepare('SELECT vector FROM query_embeddings WHERE text = ?').pluck().get(text) as Buffer | undefined;
    return blob ? fromBlob(blob) : null;
  }

  cacheQuery(text: string, vector: Float32Array): void {
    this.db.prepare('INSERT OR REPLACE INTO query_embeddings (text, vector) VALUES (?, ?)').run(text, toBlob(vector));
  }

  photoIdOf(path: string): number | null {
    return (this.db.prepare('SELECT id FROM photos WHERE path = ?').pluck().get(path) as number | undefined) ?? null;
  }

  missingPhotoIds(): Set<number> {
    return new Set(this.db.prepare(`SELECT id FROM photos WHERE status = 'missing'`).pluck().all() as number[]);
  }

  /** The photos as search results show them, in the order of `ids`. */
  hits(ids: readonly number[]): SearchHit[] {
    const rows = this.db
      .prepare(`SELECT ${summaryColumns} FROM photos p ${currentCaption} WHERE p.id IN (SELECT value FROM json_each(?))`)
      .all(JSON.stringify(ids)) as SummaryRow[];
    const byId = new Map(rows.map((row) => [row.id, { ...toSummary(row), snippet: null }]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }
}

function inScopes(scopes: readonly string[]): { scope: string; args: string[] } {
  const condition = scopeCondition(scopes);
  return condition ? { scope: `AND (${condition.sql})`, args: condition.params } : { scope: '', args: [] };
}
