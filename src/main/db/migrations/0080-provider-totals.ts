import type { Database } from 'better-sqlite3';
import type { Migration } from '../migrate';

/**
 * Each provider's captions, tokens and cost, kept by triggers: summing every caption of a big
 * library held up every providers:list, and with it the app's first screen (38 ms at 100,000
 * photos, and the calls queued behind it waited as long). `priced` counts the captions that
 * had a cost, so a provider without prices still reads as unpriced rather than free.
 */
export const providerTotals: Migration = {
  version: 80,
  name: 'provider-totals',
  up(db: Database) {
    db.exec(`
      CREATE TABLE provider_totals (
        provider TEXT PRIMARY KEY COLLATE NOCASE,
        captions INTEGER NOT NULL,
        input_tokens INTEGER NOT NULL,
        output_tokens INTEGER NOT NULL,
        cost_usd REAL NOT NULL,
        priced INTEGER NOT NULL
      );
      INSERT INTO provider_totals (provider, captions, input_tokens, output_tokens, cost_usd, priced)
        SELECT provider, count(*), coalesce(sum(input_tokens), 0), coalesce(sum(output_tokens), 0),
               coalesce(sum(cost_usd), 0), count(cost_usd)
        FROM captions WHERE provider IS NOT NULL GROUP BY provider COLLATE NOCASE;

      CREATE TRIGGER provider_totals_insert AFTER INSERT ON captions WHEN new.provider IS NOT NULL BEGIN
        ${add('new', 1)}
      END;
      CREATE TRIGGER provider_totals_delete AFTER DELETE ON captions WHEN old.provider IS NOT NULL BEGIN
        ${add('old', -1)}
      END;
      CREATE TRIGGER provider_totals_update
        AFTER UPDATE OF provider, input_tokens, output_tokens, cost_usd ON captions
      BEGIN
        ${add('old', -1, 'old.provider IS NOT NULL')}
        ${add('new', 1, 'new.provider IS NOT NULL')}
      END;
    `);
  },
};

/** Adds (sign 1) or takes away (sign -1) one caption's share of its provider's totals. */
function add(row: 'new' | 'old', sign: 1 | -1, when = 'true'): string {
  return `
    INSERT INTO provider_totals (provider, captions, input_tokens, output_tokens, cost_usd, priced)
      SELECT ${row}.provider, ${sign}, ${sign} * coalesce(${row}.input_tokens, 0), ${sign} * coalesce(${row}.output_tokens, 0),
             ${sign} * coalesce(${row}.cost_usd, 0), ${sign} * (${row}.cost_usd IS NOT NULL)
      WHERE ${when}
    ON CONFLICT (provider) DO UPDATE SET
      captions = captions + excluded.captions,
      input_tokens = input_tokens + excluded.input_tokens,
      output_tokens = output_tokens + excluded.output_tokens,
      cost_usd = cost_usd + excluded.cost_usd,
      priced = priced + excluded.priced;`;
}
