import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../src/main/db/migrate';
import { migrations } from '../../../src/main/db/migrations';
import { providerTotals } from '../../../src/main/db/migrations/0080-provider-totals';

const before = migrations.filter((migration) => migration.version < providerTotals.version);

function addCaption(db: Sqlite.Database, photoId: number, version: number, provider: string | null, tokens: number, cost: number | null): number {
  return Number(
    db
      .prepare(
        `INSERT INTO captions (photo_id, version, source, caption, provider, input_tokens, output_tokens, cost_usd, created_at)
         VALUES (?, ?, 'generated', 'A fox', ?, ?, ?, ?, 'now')`,
      )
      .run(photoId, version, provider, tokens, tokens / 10, cost).lastInsertRowid,
  );
}

/** What the totals must say: the sums over every caption, as providers:list used to compute them. */
const summed = (db: Sqlite.Database) =>
  db
    .prepare(
      `SELECT lower(provider) AS provider, count(*) AS captions, sum(input_tokens) AS inputTokens,
         sum(output_tokens) AS outputTokens, round(sum(cost_usd), 9) AS costUsd
       FROM captions WHERE provider IS NOT NULL GROUP BY provider COLLATE NOCASE ORDER BY 1`,
    )
    .all();
const kept = (db: Sqlite.Database) =>
  db
    .prepare(
      `SELECT lower(provider) AS provider, captions, input_tokens AS inputTokens, output_tokens AS outputTokens,
         CASE WHEN priced > 0 THEN round(cost_usd, 9) END AS costUsd
       FROM provider_totals WHERE captions > 0 ORDER BY 1`,
    )
    .all();

describe('migration 0080 provider totals', () => {
  it('sums an existing library once, then follows every caption added, changed or removed', () => {
    const db = new Sqlite(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, before);
    db.prepare(`INSERT INTO folders (path, name, added_at) VALUES ('/photos', 'Photos', 'now')`).run();
    const insert = db.prepare(
      `INSERT INTO photos (folder_id, path, rel_path, file_name, file_type, size, mtime_ms, fingerprint, indexed_at)
       VALUES (1, ?, ?, ?, 'JPEG', 1, 1, ?, 'now')`,
    );
    const [a, b] = ['a.jpg', 'b.jpg'].map((name) => Number(insert.run(`/photos/${name}`, name, name, name.padEnd(32, '0')).lastInsertRowid)) as [
      number,
      number,
    ];
    addCaption(db, a, 1, 'openai', 1000, 0.002);
    addCaption(db, a, 2, 'OpenAI', 500, 0.001);
    addCaption(db, b, 1, 'ollama', 800, null);
    addCaption(db, b, 2, null, 0, null);

    migrate(db, [...before, providerTotals]);
    expect(db.pragma('user_version', { simple: true })).toBe(80);
    expect(kept(db)).toEqual(summed(db));
    expect(kept(db)).toEqual([
      { provider: 'ollama', captions: 1, inputTokens: 800, outputTokens: 80, costUsd: null },
      { provider: 'openai', captions: 2, inputTokens: 1500, outputTokens: 150, costUsd: 0.003 },
    ]);

    const third = addCaption(db, b, 3, 'openai', 200, 0.0004);
    db.prepare('UPDATE captions SET cost_usd = 0.01 WHERE id = ?').run(third);
    db.prepare(`UPDATE captions SET provider = 'anthropic' WHERE photo_id = ? AND version = 1`).run(b);
    db.prepare('DELETE FROM photos WHERE id = ?').run(a);
    expect(kept(db)).toEqual(summed(db));
    expect(kept(db)).toEqual([
      { provider: 'anthropic', captions: 1, inputTokens: 800, outputTokens: 80, costUsd: null },
      { provider: 'openai', captions: 1, inputTokens: 200, outputTokens: 20, costUsd: 0.01 },
    ]);
    db.close();
  });
});
