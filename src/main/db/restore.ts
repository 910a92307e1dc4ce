import { chmodSync, copyFileSync, existsSync, mkdirSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Sqlite from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { UserError } from '../base/errors';
import {
  backupFileName,
  backupsDirOf,
  flushToDisk,
  prepareBackupsFolder,
  removeAbandonedTemporaries,
  removeTemporary,
  startTemporary,
  syncFolder,
  takeBackupNow,
} from './backups';
import { isDamage } from './library-health';
import { migrations } from './migrations';

/** What a Captionist library holds, as the restore reports it. */
export interface LibrarySummary {
  /** The database's migration version (`PRAGMA user_version`). */
  version: number;
  photos: number;
  captions: number;
}

export interface RestoreResult extends LibrarySummary {
  library: string;
  from: string;
  /** Where the library as it was is kept (a backup, or a copy of a damaged file); null when there was none. */
  keptAs: string | null;
}

/**
 * Replaces the library database with a backup. Refused while another process has the library
 * open; the backup is copied beside the library and checked there (a SQLite database, a Captionist
 * library of this version or older, integrity_check passes) before anything changes; the library
 * as it was is kept in the backups folder; then the checked copy is renamed into place, so the
 * library is at every moment either the old one or the whole new one.
 */
export function restoreLibrary(databaseFile: string, backupFile: string): RestoreResult {
  const from = resolve(backupFile);
  if (!existsSync(from) || !statSync(from).isFile()) throw new UserError(`There is no backup file at ${from}.`);
  if (existsSync(databaseFile) && realpathSync(from) === realpathSync(databaseFile)) {
    throw new UserError(`${from} is the library database itself; name a backup to restore.`);
  }
  mkdirSync(dirname(databaseFile), { recursive: true, mode: 0o700 });
  removeAbandonedTemporaries(dirname(databaseFile));
  const current = lockLibrary(databaseFile);
  let staged: string | null = null;
  try {
    staged = stageCopy(from, databaseFile);
    const summary = checkedSummary(staged, from);
    const keptAs = current ? keepCurrent(current, databaseFile, new Date()) : null;
    // The lock ends here; the rename follows at once, before another process could open the old file.
    closeReplaced(current);
    for (const suffix of ['-wal', '-shm']) rmSync(databaseFile + suffix, { force: true });
    renameSync(staged, databaseFile);
    staged = null;
    syncFolder(dirname(databaseFile));
    return { library: databaseFile, from, keptAs, ...summary };
  } finally {
    closeReplaced(current);
    if (staged) removeTemporary(staged);
  }
}

/** Closes the lock on the library being replaced; a damaged one may fail its last checkpoint, which no longer matters. */
function closeReplaced(current: CurrentLibrary | null): void {
  try {
    if (current?.db?.open) current.db.close();
  } catch {
    // It was copied among the backups as it was.
  }
}

/** Counts for a library database that opens (the backup command's report). */
export function summarise(db: Database): LibrarySummary {
  return {
    version: db.pragma('user_version', { simple: true }) as number,
    photos: db.prepare('SELECT count(*) FROM photos').pluck().get() as number,
    captions: db.prepare('SELECT count(*) FROM captions').pluck().get() as number,
  };
}

/** The library being replaced: locked when it is a database at all, or a damaged file nobody can use. */
interface CurrentLibrary {
  db: Database | null;
}

/**
 * An exclusive lock on the library, held until the swap: no other process can have it open, and
 * none can open it meanwhile. Null when there is no library yet.
 */
function lockLibrary(file: string): CurrentLibrary | null {
  if (!existsSync(file)) return null;
  const db = new Sqlite(file, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE; COMMIT');
    return { db };
  } catch (error) {
    db.close();
    if (isDamage(error)) return { db: null };
    if ((error as { code?: string }).code === 'SQLITE_BUSY') {
      throw new UserError(
        `Captionist is using the library ${file} right now (the app, captionist serve or watch, or another command). ` +
          'Close it, then restore again; nothing was changed.',
      );
    }
    throw error;
  }
}

/** Copies the backup (and a write-ahead log beside it, if it has one) next to the library, private. */
function stageCopy(from: string, databaseFile: string): string {
  const staged = startTemporary(databaseFile);
  copyFileSync(from, staged);
  chmodSync(staged, 0o600);
  const log = `${from}-wal`;
  if (existsSync(log) && statSync(log).size > 0) {
    copyFileSync(log, `${staged}-wal`);
    chmodSync(`${staged}-wal`, 0o600);
    // Folds the log into the copy, so the renamed file is the whole library.
    const db = new Sqlite(staged);
    try {
      db.pragma('wal_checkpoint(TRUNCATE)');
    } catch (error) {
      throw notRestorable(from, error);
    } finally {
      db.close();
    }
  }
  flushToDisk(staged);
  return staged;
}

/** Checks the staged copy is a sound Captionist library this version can open, and counts what it holds. */
function checkedSummary(staged: string, from: string): LibrarySummary {
  const db = new Sqlite(staged, { readonly: true });
  try {
    const integrity = (db.pragma('integrity_check(3)', { simple: false }) as { integrity_check: string }[]).map((row) => row.integrity_check);
    if (integrity.join() !== 'ok') throw new UserError(`${from} is damaged (SQLite says: ${integrity.join('; ')}); choose another backup.`);
    const tables = db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name IN ('photos', 'captions', 'folders')`).pluck().all();
    const version = db.pragma('user_version', { simple: true }) as number;
    if (tables.length !== 3 || version === 0) throw new UserError(`${from} is a SQLite database, but not a Captionist library.`);
    const newest = Math.max(...migrations.map((migration) => migration.version));
    if (version > newest) {
      throw new UserError(`${from} was made by a newer Captionist (database version ${version}); update Captionist to restore it.`);
    }
    return summarise(db);
  } catch (error) {
    throw notRestorable(from, error);
  } finally {
    db.close();
    // A read-only look at a WAL-mode copy leaves an empty log and index beside it.
    for (const suffix of ['-wal', '-shm']) rmSync(staged + suffix, { force: true });
  }
}

function notRestorable(from: string, error: unknown): unknown {
  if (error instanceof UserError) return error;
  if (isDamage(error)) return new UserError(`${from} is not a Captionist library (SQLite says: ${(error as Error).message}).`);
  return error;
}

/**
 * Keeps the library being replaced among the backups. One that SQLite can read is backed up as
 * usual; a damaged one is copied as it is (with its write-ahead log), named so that it is never
 * offered as a backup to restore.
 */
function keepCurrent(current: CurrentLibrary, databaseFile: string, now: Date): string {
  const dir = backupsDirOf(databaseFile);
  if (current.db) {
    try {
      // Not pruned: the backup being restored may be the oldest.
      return takeBackupNow(current.db, dir, 'before-restore', now, { prune: false }).path;
    } catch (error) {
      if (!isDamage(error)) throw error;
    }
  }
  const copy = join(prepareBackupsFolder(dir), `damaged-${backupFileName(now, 'daily')}`);
  for (const suffix of ['', '-wal']) {
    if (!existsSync(databaseFile + suffix)) continue;
    const temporary = startTemporary(copy + suffix);
    copyFileSync(databaseFile + suffix, temporary);
    chmodSync(temporary, 0o600);
    renameSync(temporary, copy + suffix);
  }
  syncFolder(dir);
  return copy;
}
