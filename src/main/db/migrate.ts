import type { Database } from 'better-sqlite3';

export interface Migration {
  /** Sorts migrations and becomes the database's user_version once applied. */
  version: number;
  name: string;
  up(db: Database): void;
}

/**
 * Applies every migration newer than the database's user_version, each in its own transaction,
 * so a failure leaves the database at the last good version.
 */
export function migrate(db: Database, migrations: readonly Migration[], target = Infinity): number {
  const ordered = [...migrations].sort((a, b) => a.version - b.version);
  const versions = new Set<number>();
  for (const migration of ordered) {
    if (versions.has(migration.version)) {
      throw new Error(`Two migrations share version ${migration.version}`);
    }
    versions.add(migration.version);
  }
  let current = db.pragma('user_version', { simple: true }) as number;
  const newest = ordered.at(-1)?.version ?? 0;
  if (current > newest) {
    throw new Error(
      `This library was created by a newer Captionist (database version ${current}); update Captionist to open it.`,
    );
  }
  for (const migration of ordered) {
    if (migration.version <= current || migration.version > target) continue;
    db.transaction(() => {
      // Another process opening the library at the same moment may have applied it meanwhile.
      if ((db.pragma('user_version', { simple: true }) as number) >= migration.version) return;
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    })();
    current = migration.version;
  }
  return current;
}
