import Sqlite from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { backupsDirOf, takeBackupNow } from './backups';
import { checkLibrary, explainDamage, inspectLibraryFile, isDamage } from './library-health';
import { migrate } from './migrate';
import { migrations } from './migrations';

export interface OpenDatabaseOptions {
  /**
   * Path of a better-sqlite3 binding built for the running runtime. The Electron shell passes
   * the one built for Electron's ABI; under Node the package's own build is used.
   */
  nativeBinding?: string;
  /** Names the backup taken before a migration. */
  now?: () => Date;
}

export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Database {
  const previousSession = inspectLibraryFile(file, options.nativeBinding);
  const db = new Sqlite(file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  try {
    // First: several processes (the app, `serve`, `watch`, a CLI run) may open one library at once.
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    writeTransactionsFirst(db);
    checkLibrary(db, previousSession);
    backupBeforeMigrating(db, file, options.now ?? (() => new Date()));
    migrate(db, migrations);
    return db;
  } catch (error) {
    db.close();
    throw explainDamage(error, file);
  }
}

/**
 * Keeps the library as it was before migrations change it: a migration that goes wrong, or a
 * newer Captionist given up, must not cost a caption. A new library has nothing to keep. Without
 * the backup there is no upgrade.
 */
function backupBeforeMigrating(db: Database, file: string, now: () => Date): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  const newest = Math.max(...migrations.map((migration) => migration.version));
  if (version === 0 || version >= newest) return;
  try {
    takeBackupNow(db, backupsDirOf(file), 'before-upgrade', now());
  } catch (error) {
    if (isDamage(error)) throw error;
    throw new Error(
      `Captionist backs up the library before upgrading it, and could not (${error instanceof Error ? error.message : String(error)}); ` +
        `the library is unchanged. Free some space in ${backupsDirOf(file)} (or make it writable) and start again.`,
      { cause: error },
    );
  }
}

/** How long a statement waits for another process's write to finish before SQLITE_BUSY. */
const busyTimeoutMs = 15_000;

/**
 * Makes every `db.transaction` begin with BEGIN IMMEDIATE, taking the write lock (waiting for it
 * under the busy timeout) before its first read. A deferred transaction that reads and then writes
 * fails with SQLITE_BUSY at once, whatever the timeout, when another process wrote in between.
 */
function writeTransactionsFirst(db: Database): void {
  const transaction = db.transaction.bind(db);
  db.transaction = ((fn: Parameters<Database['transaction']>[0]) => transaction(fn).immediate) as Database['transaction'];
}

/**
 * SQLITE_BUSY and its variants: another process held the library past the busy timeout. Nothing
 * is wrong with the work that met it, and trying again later succeeds.
 */
export function isDatabaseBusy(error: unknown): boolean {
  return error instanceof Sqlite.SqliteError && error.code.startsWith('SQLITE_BUSY');
}
