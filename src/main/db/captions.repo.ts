import type { Database, Statement } from 'better-sqlite3';
import { statementCache } from './statements';
import { CaptionOptionOverridesSchema } from '../../shared/captioning';
import type { CaptionFields, CaptionOptions } from '../../shared/captioning';
import type { CaptionStatus } from '../../shared/domain';
import type { CaptionVersion } from '../../shared/review';

export interface GeneratedCaption {
  photoId: number;
  runId: number | null;
  fields: CaptionFields;
  /** Suggested keywords outside the vocabulary, shown and never written (the `suggest` setting); none when left out. */
  keywordSuggestions?: readonly string[];
  provider: string;
  model: string | null;
  prompt: string;
  promptVersion: string;
  options: CaptionOptions;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
  createdAt: string;
}

interface VersionRow {
  id: number;
  version: number;
  source: CaptionVersion['source'];
  status: CaptionStatus;
  provider: string | null;
  model: string | null;
  options: string;
  title: string | null;
  caption: string | null;
  alt_text: string | null;
  long_description: string | null;
  keywords: string;
  keyword_suggestions: string;
  cost_usd: number | null;
  created_at: string;
}

/** Stored options that no longer validate (an older version's) show as none. */
function parseOptions(json: string): CaptionVersion['options'] {
  try {
    return CaptionOptionOverridesSchema.catch({}).parse(JSON.parse(json));
  } catch {
    return {};
  }
}

function toVersion(row: VersionRow): CaptionVersion {
  return {
    id: row.id,
    version: row.version,
    source: row.source,
    status: row.status,
    provider: row.provider,
    model: row.model,
    options: parseOptions(row.options),
    title: row.title,
    caption: row.caption ?? '',
    altText: row.alt_text,
    longDescription: row.long_description,
    keywords: JSON.parse(row.keywords) as string[],
    keywordSuggestions: JSON.parse(row.keyword_suggestions) as string[],
    costUsd: row.cost_usd,
    createdAt: row.created_at,
  };
}

export interface ProviderTotals {
  captions: number;
  inputTokens: number;
  outputTokens: number;
  /** Null when none of the provider's captions had a price. */
  costUsd: number | null;
}

export class CaptionsRepository {
  private readonly sql: (sql: string) => Statement;

  constructor(private readonly db: Database) {
    this.sql = statementCache(db);
  }

  /** Stores a new version; earlier versions stay as the photo's history. */
  insertGenerated(caption: GeneratedCaption): number {
    const result = this.sql(
        `INSERT INTO captions (photo_id, version, source, title, caption, alt_text, long_description, keywords,
           keyword_suggestions, provider, model, prompt, prompt_version, options, input_tokens, output_tokens, cost_usd,
           run_id, created_at)
         VALUES (@photoId, (SELECT coalesce(max(version), 0) + 1 FROM captions WHERE photo_id = @photoId), 'generated',
           @title, @caption, @altText, @longDescription, @keywords, @keywordSuggestions, @provider, @model, @prompt,
           @promptVersion, @options, @inputTokens, @outputTokens, @costUsd, @runId, @createdAt)`,
      )
      .run({
        ...caption,
        ...caption.fields,
        keywords: JSON.stringify(caption.fields.keywords),
        keywordSuggestions: JSON.stringify(caption.keywordSuggestions ?? []),
        options: JSON.stringify(caption.options),
      });
    return Number(result.lastInsertRowid);
  }

  /** The newest version's text, or undefined when the photo has no caption of ours. */
  latest(photoId: number): (CaptionFields & { version: number; provider: string | null; model: string | null }) | undefined {
    const row = this.sql(
        `SELECT version, title, caption, alt_text AS altText, long_description AS longDescription, keywords, provider, model
         FROM captions WHERE photo_id = ? ORDER BY version DESC LIMIT 1`,
      )
      .get(photoId) as (Omit<CaptionFields, 'keywords'> & { keywords: string; version: number; provider: string | null; model: string | null }) | undefined;
    return row && { ...row, keywords: JSON.parse(row.keywords) as string[] };
  }

  /** A person's edit as a new version, approved: what they wrote is what they want. */
  insertEdited(photoId: number, fields: CaptionFields, createdAt: string): number {
    const result = this.sql(
        `INSERT INTO captions (photo_id, version, source, title, caption, alt_text, long_description, keywords, status, created_at)
         VALUES (@photoId, (SELECT coalesce(max(version), 0) + 1 FROM captions WHERE photo_id = @photoId), 'edited',
           @title, @caption, @altText, @longDescription, @keywords, 'approved', @createdAt)`,
      )
      .run({ photoId, ...fields, keywords: JSON.stringify(fields.keywords), createdAt });
    return Number(result.lastInsertRowid);
  }

  /** Every version of a photo's caption, newest first. */
  versions(photoId: number): CaptionVersion[] {
    const rows = this.sql(
        `SELECT id, version, source, status, provider, model, options, title, caption, alt_text, long_description,
           keywords, keyword_suggestions, cost_usd, created_at
         FROM captions WHERE photo_id = ? ORDER BY version DESC`,
      )
      .all(photoId) as VersionRow[];
    return rows.map(toVersion);
  }

  /**
   * Moves the newest version of each photo from status `from` to `to`, in one statement;
   * photos without a caption, or whose newest version is in another status, are left alone.
   * Returns the library folders of the photos that changed.
   */
  setNewestStatus(photoIds: readonly number[], from: CaptionStatus, to: CaptionStatus): { count: number; folderIds: number[] } {
    // The ids travel as one JSON array: a single statement for any number, under SQLite's limit on parameters.
    const changed = this.sql(
        `UPDATE captions SET status = ?
         WHERE status = ? AND id IN (SELECT current_caption_id FROM photos WHERE id IN (SELECT value FROM json_each(?)))
         RETURNING (SELECT folder_id FROM photos WHERE photos.id = captions.photo_id) AS folderId`,
      )
      .all(to, from, JSON.stringify(photoIds)) as { folderId: number }[];
    return { count: changed.length, folderIds: [...new Set(changed.map((row) => row.folderId))] };
  }

  /** Kept by triggers (migration 0080), so this reads a row per provider whatever the library's size. */
  totalsByProvider(): Map<string, ProviderTotals> {
    const rows = this.sql(
        `SELECT provider, captions, input_tokens AS inputTokens, output_tokens AS outputTokens,
           CASE WHEN priced > 0 THEN cost_usd END AS costUsd
         FROM provider_totals WHERE captions > 0`,
      )
      .all() as (ProviderTotals & { provider: string })[];
    return new Map(rows.map(({ provider, ...totals }) => [provider.toLowerCase(), totals]));
  }

  /** What captions by this provider have cost so far, in USD: what its budget is checked against. */
  costForProvider(provider: string): number {
    return (this.sql('SELECT cost_usd FROM provider_totals WHERE provider = ?').pluck().get(provider) as number | undefined) ?? 0;
  }
}
