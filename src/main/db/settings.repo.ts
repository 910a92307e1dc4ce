import type { Database, Statement } from 'better-sqlite3';
import { statementCache } from './statements';

/** The `settings` key/value table: one JSON value per key. */
export class SettingsRepository {
  private readonly sql: (sql: string) => Statement;

  constructor(db: Database) {
    this.sql = statementCache(db);
  }

  /** The stored value, parsed; undefined when unset or when the stored text is not JSON. */
  get(key: string): unknown {
    const text = this.sql('SELECT value FROM settings WHERE key = ?').pluck().get(key) as string | undefined;
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return undefined;
    }
  }

  set(key: string, value: unknown): void {
    this.sql('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
      .run(key, JSON.stringify(value));
  }
}
