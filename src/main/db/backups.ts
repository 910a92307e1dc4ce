import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import Sqlite from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { backupsFolderName, backupsKept, filesIn } from '../base/data-dir';
import { processEnded } from '../base/process-owner';
import type { Logger } from '../base/logger';

const dayMs = 24 * 60 * 60 * 1000;
const hourMs = 60 * 60 * 1000;
/**
 * Pages (4 KiB each) copied per step of a background backup; the event loop runs between steps.
 * Larger steps took no less time in all and held the event loop far longer (bench/backup.ts).
 */
const pagesPerStep = 100;
/**
 * Every 64 MB copied, the copy is flushed to disk off the event loop; otherwise SQLite's own sync
 * when the copy ends flushes it all at once, on the event loop (2.5 s for 1.8 GB, see BENCHMARKS.md).
 */
const pagesPerFlush = 16_384;

/** Why a backup was taken: it is part of the backup's name. */
export type BackupReason = 'daily' | 'manual' | 'before-upgrade' | 'before-restore';

export interface BackupFile {
  path: string;
  takenAt: Date;
  reason: BackupReason;
}

/** `library-2026-12-04T10-30-00.000Z.db` for a daily backup, with `-manual` and the like for the others. */
const backupName = /^library-(\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z)(?:-(manual|before-upgrade|before-restore))?\.db$/;
/** What a killed backup or restore leaves: a hidden temporary file named with its process id. */
const temporaryName = /^\..+\.(\d+)\.tmp(?:-journal|-wal|-shm)?$/;

export function backupsDirOf(databaseFile: string): string {
  return join(dirname(databaseFile), backupsFolderName);
}

/** A name that sorts by time, holds no character Windows forbids, and says why it was taken. */
export function backupFileName(takenAt: Date, reason: BackupReason): string {
  const stamp = takenAt.toISOString().replace(/:/g, '-');
  return `library-${stamp}${reason === 'daily' ? '' : `-${reason}`}.db`;
}

/** The backups in `dir`, newest first. Files still being written have other names and are never among them. */
export function listBackups(dir: string): BackupFile[] {
  return filesIn(dir)
    .flatMap((name) => {
      const match = backupName.exec(name);
      if (!match) return [];
      const takenAt = new Date(match[1]!.replace(/T(\d\d)-(\d\d)-(\d\d)/, 'T$1:$2:$3'));
      return [{ path: join(dir, name), takenAt, reason: (match[2] ?? 'daily') as BackupReason }];
    })
    .sort((a, b) => b.takenAt.getTime() - a.takenAt.getTime());
}

/** Deletes all but the newest `keep` backups. */
export function pruneBackups(dir: string, keep = backupsKept): void {
  for (const old of listBackups(dir).slice(keep)) rmSync(old.path, { force: true });
}

/**
 * Copies the database into `file` at once with VACUUM INTO, for where waiting is fine (before a
 * migration, a restore, on the command line): the copy is compact, and since VACUUM reads every
 * row, a damaged database fails here instead of making a damaged backup.
 */
export function writeBackupNow(db: Database, file: string): void {
  const temporary = startTemporary(file);
  try {
    db.prepare('VACUUM INTO ?').run(temporary);
    flushToDisk(temporary);
    renameSync(temporary, file);
    syncFolder(dirname(file));
  } catch (error) {
    removeTemporary(temporary);
    throw error;
  }
}

/**
 * Copies the database into `file` a few pages at a time through SQLite's online backup, so a
 * running app and server go on answering meanwhile. The copy is read from a connection of its
 * own that holds one read transaction throughout: SQLite starts an online backup over whenever
 * another connection writes, so with `serve`, `watch` or a caption run writing every few seconds a
 * backup of a large library would never end; a held snapshot is never changed under it (WAL lets
 * every other connection go on writing meanwhile).
 */
export async function writeBackupInBackground(db: Database, file: string, nativeBinding?: string): Promise<void> {
  const temporary = startTemporary(file);
  const handle = await open(temporary, 'r+');
  const snapshot = new Sqlite(db.name, { readonly: true, ...(nativeBinding ? { nativeBinding } : {}) });
  try {
    snapshot.exec('BEGIN');
    snapshot.prepare('SELECT count(*) FROM sqlite_schema').pluck().get();
    let flushing: Promise<void> | null = null;
    let sinceFlush = 0;
    await snapshot.backup(temporary, {
      progress: () => {
        sinceFlush += pagesPerStep;
        if (sinceFlush >= pagesPerFlush && !flushing) {
          sinceFlush = 0;
          // A failed flush shows in the final sync below.
          flushing = handle.sync().catch(() => undefined).finally(() => (flushing = null));
        }
        return pagesPerStep;
      },
    });
    await flushing;
    snapshot.close();
    // The copy keeps the library's WAL mode; a backup should be one file that opens anywhere as it is.
    const copy = new Sqlite(temporary, nativeBinding ? { nativeBinding } : {});
    copy.pragma('journal_mode = DELETE');
    copy.close();
    await handle.sync();
    await handle.close();
    renameSync(temporary, file);
    syncFolder(dirname(file));
  } catch (error) {
    if (snapshot.open) snapshot.close();
    await handle.close().catch(() => undefined);
    removeTemporary(temporary);
    throw error;
  }
}

/** Takes a backup into the backups folder at once, then keeps only the newest few. */
export function takeBackupNow(db: Database, dir: string, reason: BackupReason, takenAt: Date, options: { prune?: boolean } = {}): BackupFile {
  const path = join(prepareBackupsFolder(dir), backupFileName(takenAt, reason));
  writeBackupNow(db, path);
  if (options.prune ?? true) pruneBackups(dir);
  return { path, takenAt, reason };
}

export interface DailyBackupsOptions {
  db: Database;
  dir: string;
  now: () => Date;
  logger: Logger;
  nativeBinding?: string;
}

/**
 * The library's captions were paid for: while Captionist runs (the app, `serve`, any command), a
 * backup is taken in the background when the newest one is a day old, once the library holds a
 * photo. A library open for days is looked at again every hour.
 */
export class DailyBackups {
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: DailyBackupsOptions) {}

  start(): void {
    void this.takeIfDue();
    this.timer = setInterval(() => void this.takeIfDue(), hourMs);
    this.timer.unref();
  }

  /** Whether a backup is due now: none for a day, and something in the library worth keeping. */
  due(): boolean {
    const newest = listBackups(this.options.dir)[0];
    if (newest && this.options.now().getTime() - newest.takenAt.getTime() < dayMs) return false;
    return Boolean(this.options.db.prepare('SELECT EXISTS (SELECT 1 FROM photos)').pluck().get());
  }

  /** Takes the daily backup if it is due; resolves when it is written, or has failed (which is logged, never thrown). */
  takeIfDue(): Promise<void> {
    this.running ??= this.takeOneIfDue().finally(() => (this.running = null));
    return this.running;
  }

  private async takeOneIfDue(): Promise<void> {
    const { db, dir, now, logger, nativeBinding } = this.options;
    try {
      if (!this.due()) return;
      const path = join(prepareBackupsFolder(dir), backupFileName(now(), 'daily'));
      await writeBackupInBackground(db, path, nativeBinding);
      pruneBackups(dir);
      logger.info(`backup: ${path}`);
    } catch (error) {
      logger.error(`daily backup into ${dir} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Stops looking, and waits for a backup under way: it is the day's only one. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}

/** The backups folder, private to the user, without what killed backups left in it. */
export function prepareBackupsFolder(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  removeAbandonedTemporaries(dir);
  return dir;
}

/** Deletes the temporary files in `dir` of backups and restores whose process is gone (killed, say). */
export function removeAbandonedTemporaries(dir: string): void {
  for (const name of filesIn(dir)) {
    const pid = Number(temporaryName.exec(name)?.[1]);
    if (pid && processEnded(pid)) rmSync(join(dir, name), { force: true });
  }
}

/**
 * A hidden temporary name beside `file` in the same folder (so the final rename is atomic),
 * created empty and private (0600) before SQLite writes into it: SQLite takes an empty file for a
 * new database and gives its journal the same permissions.
 */
export function startTemporary(file: string): string {
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  removeTemporary(temporary);
  closeSync(openSync(temporary, 'wx', 0o600));
  return temporary;
}

export function removeTemporary(temporary: string): void {
  for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(temporary + suffix, { force: true });
}

/** Makes a file's contents (opened with `flags`) survive a power cut. */
export function flushToDisk(path: string, flags = 'r+'): void {
  const handle = openSync(path, flags);
  try {
    fsyncSync(handle);
  } finally {
    closeSync(handle);
  }
}

/** Makes a rename in `dir` survive a power cut; not every platform can open a folder for that. */
export function syncFolder(dir: string): void {
  try {
    flushToDisk(dir, 'r');
  } catch {
    // Windows cannot sync a folder; its renames are durable enough.
  }
}


