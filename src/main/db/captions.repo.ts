import type { Database, Statement } from 'better-sqlite3';
import { statementCache } from './statements';
import type { CaptionFields, CaptionOptions } from '../../shared/captioning';

export interface GeneratedCaption {
  photoId: number;
  runId: number | null;
  fields: CaptionFields;
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
           provider, model, prompt, prompt_version, options, input_tokens, output_tokens, cost_usd, run_id, created_at)
         VALUES (@photoId, (SELECT coalesce(max(version), 0) + 1 FROM captions WHERE photo_id = @photoId), 'generated',
           @title, @caption, @altText, @longDescription, @keywords, @provider, @model, @prompt, @promptVersion,
           @options, @inputTokens, @outputTokens, @costUsd, @runId, @createdAt)`,
      )
      .run({
        ...caption,
        ...caption.fields,
        keywords: JSON.stringify(caption.fields.keywords),
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

  totalsByProvider(): Map<string, ProviderTotals> {
    const rows = this.sql(
        `SELECT provider, count(*) AS captions, coalesce(sum(input_tokens), 0) AS inputTokens,
           coalesce(sum(output_tokens), 0) AS outputTokens, sum(cost_usd) AS costUsd
         FROM captions WHERE provider IS NOT NULL GROUP BY provider COLLATE NOCASE`,
      )
      .all() as (ProviderTotals & { provider: string })[];
    return new Map(rows.map(({ provider, ...totals }) => [provider.toLowerCase(), totals]));
  }

  /** What captions by this provider have cost so far, in USD: what its budget is checked against. */
  costForProvider(provider: string): number {
    return this.sql('SELECT coalesce(sum(cost_usd), 0) FROM captions WHERE provider = ?')
      .pluck()
      .get(provider) as number;
  }
}
