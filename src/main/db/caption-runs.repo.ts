import type { Database, Statement } from 'better-sqlite3';
import { statementCache } from './statements';

export interface CaptionRunTotals {
  captioned: number;
  failed: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
}

/** One `caption` run (or queue session) with its running totals, kept after it ends. */
export class CaptionRunsRepository {
  private readonly sql: (sql: string) => Statement;

  constructor(private readonly db: Database) {
    this.sql = statementCache(db);
  }

  start(provider: string, options: object, total: number, at: string): number {
    const result = this.sql('INSERT INTO caption_runs (provider, options, total, started_at) VALUES (?, ?, ?, ?)')
      .run(provider, JSON.stringify(options), total, at);
    return Number(result.lastInsertRowid);
  }

  recordCaptioned(runId: number, inputTokens: number | null, outputTokens: number | null, costUsd: number | null): void {
    this.sql(
        `UPDATE caption_runs SET captioned = captioned + 1, input_tokens = input_tokens + ?,
           output_tokens = output_tokens + ?,
           cost_usd = CASE WHEN ? IS NULL THEN cost_usd ELSE coalesce(cost_usd, 0) + ? END
         WHERE id = ?`,
      )
      .run(inputTokens ?? 0, outputTokens ?? 0, costUsd, costUsd, runId);
  }

  /** A run that grows as photos arrive (a watch session). */
  addToTotal(runId: number, photos: number): void {
    this.sql('UPDATE caption_runs SET total = total + ? WHERE id = ?').run(photos, runId);
  }

  finish(runId: number, failed: number, at: string): void {
    this.sql('UPDATE caption_runs SET failed = ?, finished_at = ? WHERE id = ?').run(failed, at, runId);
  }

  get(runId: number): { provider: string; total: number } {
    return this.sql('SELECT provider, total FROM caption_runs WHERE id = ?').get(runId) as { provider: string; total: number };
  }

  totals(runId: number): CaptionRunTotals {
    return this.sql(
        `SELECT captioned, failed, input_tokens AS inputTokens, output_tokens AS outputTokens, cost_usd AS costUsd
         FROM caption_runs WHERE id = ?`,
      )
      .get(runId) as CaptionRunTotals;
  }
}
