import type { Database, Statement, Transaction } from 'better-sqlite3';
import Sqlite from 'better-sqlite3';

/**
 * Prepares each SQL text once: compiling a statement costs more than running a small one, and
 * the queue runs the same few statements for every photo. Only for fixed SQL texts (values go in
 * parameters), so the cache stays small.
 */
export function statementCache(db: Database): (sql: string) => Statement {
  const statements = new Map<string, Statement>();
  return (sql) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
}

/**
 * Runs `write` in a transaction unless that means waiting more than `patienceMs`: while another
 * process writes, the busy timeout would hold the thread (every request of the app or `serve`) up
 * to 15 s behind a long write; a library opened read-only cannot be written. False when nothing
 * was written: for what may be left unwritten, or kept to be written later.
 */
export function writeWithoutWaiting(db: Database, write: () => void, patienceMs = 0): boolean {
  if (db.inTransaction || db.readonly) return false;
  const busyTimeout = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma(`busy_timeout = ${patienceMs}`);
  try {
    db.transaction(write)();
    return true;
  } catch (error) {
    if (error instanceof Sqlite.SqliteError && /^SQLITE_(BUSY|READONLY)/u.test(error.code)) return false;
    throw error;
  } finally {
    db.pragma(`busy_timeout = ${busyTimeout}`);
  }
}

/**
 * Runs `read` on one snapshot of the library without taking the write lock (BEGIN DEFERRED, where
 * `openDatabase` makes `db.transaction` IMMEDIATE): in WAL mode it never waits for another
 * process's write. For reads, and writes to the connection's own TEMP schema: a write to the
 * library inside would fail at once with SQLITE_BUSY while another process writes.
 */
export function readTransaction<T>(db: Database, read: () => T): T {
  const transaction = Object.getPrototypeOf(db).transaction as (this: Database, fn: () => T) => Transaction<() => T>;
  return transaction.call(db, read).deferred();
}

/** Per connection, the changes made by `withoutMovingStamp`: subtracted from total_changes. */
const changesNoReadDependsOn = new WeakMap<Database, number>();

/**
 * Moves with any change to the library, by this connection (total_changes, but for the writes of
 * `withoutMovingStamp`) or committed by another (data_version): what a read kept in memory is
 * checked against. Keep nothing read inside a transaction, since a rollback leaves the stamp
 * where it was.
 */
export function changeStamp(sql: (text: string) => Statement): string {
  const version = sql('PRAGMA data_version');
  const changes = (sql('SELECT total_changes()').pluck().get() as number) - (changesNoReadDependsOn.get(version.database) ?? 0);
  return `${version.pluck().get() as number}:${changes}`;
}

/**
 * Runs `write`, whose changes no read kept in memory depends on (a query's cached embedding and
 * its spend), without moving the stamp: each new search by meaning writes one, and would
 * otherwise make every search read again what it had kept (the missing photos, a filter's photos).
 */
export function withoutMovingStamp<T>(db: Database, write: () => T): T {
  const changes = () => db.prepare('SELECT total_changes()').pluck().get() as number;
  const before = changes();
  const result = write();
  changesNoReadDependsOn.set(db, (changesNoReadDependsOn.get(db) ?? 0) + changes() - before);
  return result;
}

/**
 * A value read from the library, kept until the library changes (see `changeStamp`) or another
 * key asks: read again otherwise. Nothing read inside a transaction is kept, since a rollback
 * leaves the stamp where it was.
 */
export class KeptUntilChange<T> {
  private kept: { stamp: string; key: string; value: T } | undefined;

  constructor(
    private readonly db: Database,
    private readonly sql: (text: string) => Statement,
  ) {}

  get(read: () => T, key = ''): T {
    const stamp = changeStamp(this.sql);
    if (this.kept?.stamp === stamp && this.kept.key === key) return this.kept.value;
    const cacheable = !this.db.inTransaction;
    const value = read();
    this.kept = cacheable ? { stamp, key, value } : undefined;
    return value;
  }
}
