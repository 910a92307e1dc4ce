import type { Database, Statement } from 'better-sqlite3';
import { statementCache } from './statements';
import { ProviderConfigSchema } from '../../shared/captioning';
import type { ProviderConfig } from '../../shared/captioning';

/** Provider settings. Keys are never stored here: only the name of where to find one. */
export class ProvidersRepository {
  private readonly sql: (sql: string) => Statement;

  constructor(private readonly db: Database) {
    this.sql = statementCache(db);
  }

  list(): ProviderConfig[] {
    const rows = this.sql('SELECT config FROM providers ORDER BY name').pluck().all() as string[];
    return rows.map((config) => ProviderConfigSchema.parse(JSON.parse(config)));
  }

  get(name: string): ProviderConfig | undefined {
    const config = this.sql('SELECT config FROM providers WHERE name = ?').pluck().get(name) as string | undefined;
    return config === undefined ? undefined : ProviderConfigSchema.parse(JSON.parse(config));
  }

  /** Adds the provider, or replaces the settings of the one with that name. */
  save(config: ProviderConfig, at: string): void {
    this.sql(
        `INSERT INTO providers (name, type, config, created_at, updated_at) VALUES (@name, @type, @config, @at, @at)
         ON CONFLICT (name) DO UPDATE SET type = excluded.type, config = excluded.config, updated_at = excluded.updated_at`,
      )
      .run({ name: config.name, type: config.type, config: JSON.stringify(config), at });
  }

  delete(name: string): boolean {
    return this.sql('DELETE FROM providers WHERE name = ?').run(name).changes > 0;
  }
}
