import Sqlite from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { migrate } from './migrate';
import { migrations } from './migrations';

export interface OpenDatabaseOptions {
  /**
   * Path of a better-sqlite3 binding built for the running runtime. The Electron shell passes
   * the one built for Electron's ABI; under Node the package's own build is used.
   */
  nativeBinding?: string;
}

export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Database {
  const db = new Sqlite(file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  try {
    // First: several processes (the app, `serve`, `watch`, a CLI run) may open one library at once.
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    writeTransactionsFirst(db);
    migrate(db, migrations);
    return db;
  } catch (error) {
    db.close();
    throw error;
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
