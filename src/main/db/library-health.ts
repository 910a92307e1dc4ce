import { closeSync, openSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Sqlite from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { backupsDirOf, listBackups } from './backups';

/**
 * The library database cannot be used as it is (damaged, or missing while backups of it exist).
 * Not a UserError: nothing the photographer asked for was wrong.
 */
export class LibraryUnusableError extends Error {
  override name = 'LibraryUnusableError';
}

/** How the last session with the library ended, as far as can be told before opening it. */
export type PreviousSession = 'none' | 'clean' | 'unclean';

/**
 * Looks at the library file before SQLite opens it. A missing (or emptied) database with backups beside it is
 * refused: a silent new, empty library would hide every caption the photographer paid for. A
 * truly new one is created private (0600; SQLite gives its WAL and shared-memory files the same
 * permissions). A write-ahead log left behind while no other process has the library open means
 * the last one never closed it (a crash, kill -9, a power cut).
 */
export function inspectLibraryFile(file: string, nativeBinding?: string): PreviousSession {
  const size = statSync(file, { throwIfNoEntry: false })?.size;
  const exists = size !== undefined;
  const noLog = isEmptyFile(`${file}-wal`);
  if (!exists || (size === 0 && noLog)) {
    const newest = listBackups(backupsDirOf(resolve(file)))[0];
    if (newest) {
      throw new LibraryUnusableError(
        `The library database ${resolve(file)} is ${exists ? 'empty' : 'missing'}, but ${dirname(newest.path)} holds backups of it. ` +
          `The newest is ${newest.path}, taken ${describeTime(newest.takenAt)}. Restore it with:\n` +
          `  ${restoreCommand(dirname(file), newest.path)}\n` +
          'To start a new, empty library instead, move the backups folder somewhere else.',
      );
    }
    if (!exists) createPrivately(file);
    return 'none';
  }
  if (noLog) return 'clean';
  return aloneWith(file, nativeBinding) ? 'unclean' : 'clean';
}

/** Creates the new library file readable by its owner only; another process starting at once may have just done so. */
function createPrivately(file: string): void {
  try {
    closeSync(openSync(file, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/**
 * A file of no bytes, or none at all. A library file that is empty, with no log beside it, holds
 * nothing (a crash, a full disk or a sync tool emptied it), though SQLite would open it as a new library.
 */
function isEmptyFile(file: string): boolean {
  // One look, not two: another process closing the library removes its log between them.
  return (statSync(file, { throwIfNoEntry: false })?.size ?? 0) === 0;
}

/**
 * Whether no other connection has the library open: only then can an exclusive lock be had at
 * once (in WAL mode every open connection holds a shared lock on the database, idle or not).
 * Taking the lock recovers the log, and closing checkpoints it, as any open would.
 */
function aloneWith(file: string, nativeBinding?: string): boolean {
  const probe = new Sqlite(file, { timeout: 0, ...(nativeBinding ? { nativeBinding } : {}) });
  try {
    probe.pragma('locking_mode = EXCLUSIVE');
    probe.exec('BEGIN EXCLUSIVE; COMMIT');
    return true;
  } catch (error) {
    // Busy: another process uses the library, and the log is its own. Anything else: let the checks find it.
    return (error as { code?: string }).code !== 'SQLITE_BUSY';
  } finally {
    probe.close();
  }
}

/**
 * Checks the library as it opens. Every time: its header and schema, which cost nothing. After an
 * unclean end, the full `quick_check` too, which reads every page (13 to 18 s for a million
 * photos on the test machine, see BENCHMARKS.md), so it is kept for when damage is likeliest;
 * damage found later is explained where SQLite reports it (explainDamage).
 */
export function checkLibrary(db: Database, previous: PreviousSession): void {
  db.prepare('SELECT count(*) FROM sqlite_schema').pluck().get();
  if (previous !== 'unclean') return;
  const problems = db.pragma('quick_check(3)', { simple: false }) as { quick_check: string }[];
  const found = problems.map((row) => row.quick_check).filter((line) => line !== 'ok');
  if (found.length) throw new LibraryUnusableError(damagedMessage(db.name, found.join('; ')));
}

/** SQLite's error codes for a file that is not (or no longer) a sound database. */
export function isDamage(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
}

/** A damaged-database error from SQLite turned into the photographer's message; any other error as it is. */
export function explainDamage(error: unknown, file: string): unknown {
  return isDamage(error) ? new LibraryUnusableError(damagedMessage(file, (error as Error).message)) : error;
}

function damagedMessage(file: string, detail: string): string {
  const newest = listBackups(backupsDirOf(resolve(file)))[0];
  const advice = newest
    ? `The newest backup is ${newest.path}, taken ${describeTime(newest.takenAt)}. Restore it (the damaged ` +
      `database is kept beside the backups) with:\n  ${restoreCommand(dirname(file), newest.path)}`
    : `There is no backup of it. To start a new, empty library, move ${resolve(file)} (with the library.db-wal and ` +
      `library.db-shm beside it) somewhere else; the sqlite3 tool's ".recover" may get some of it back.`;
  return (
    `The library database ${resolve(file)} is damaged (SQLite says: ${detail}). Captionist stopped when it ` +
    `found this, and your photos are not affected.\n${advice}`
  );
}

/** The exact command that restores `backup` into the library of data folder `dataDir`. */
export function restoreCommand(dataDir: string, backup: string): string {
  return `captionist restore --home ${shellQuoted(resolve(dataDir))} ${shellQuoted(resolve(backup))}`;
}

function shellQuoted(path: string): string {
  if (/^[\w./:@%+=,-]+$/.test(path)) return path;
  return process.platform === 'win32' ? `"${path}"` : `'${path.replace(/'/g, `'\\''`)}'`;
}

function describeTime(time: Date): string {
  return `${time.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
