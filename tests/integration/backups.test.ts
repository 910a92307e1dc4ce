import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, watch, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createCore } from '../../src/main/core';
import { backupsDirOf, DailyBackups, listBackups, takeBackupNow } from '../../src/main/db/backups';
import { openDatabase } from '../../src/main/db/database';
import { inspectLibraryFile } from '../../src/main/db/library-health';
import { restoreLibrary } from '../../src/main/db/restore';
import { migrate } from '../../src/main/db/migrate';
import { migrations } from '../../src/main/db/migrations';
import type { Logger } from '../../src/main/logger';
import { captionist, captionistHere, startCaptionist } from '../helpers/cli';
import { tempDir, writeJpeg } from '../helpers/files';
import { waitFor } from '../helpers/library';

const newestVersion = Math.max(...migrations.map((migration) => migration.version));
const day = 24 * 60 * 60 * 1000;
const silent: Logger = { info: () => {}, warn: () => {}, error: () => {} };

/** A data folder whose library holds the given photos (with a caption on the first), closed again. */
async function libraryWith(photoNames: string[], caption = 'A red fox in fresh snow', now?: () => Date): Promise<{ home: string; folder: string }> {
  const home = tempDir('captionist-home-');
  const folder = tempDir('captionist-library-');
  await Promise.all(photoNames.map((name, seed) => writeJpeg(join(folder, name), { seed: seed + 1 })));
  const core = createCore({ dataDir: home, concurrency: 2, now });
  try {
    await core.invoke('library:addFolder', { path: folder });
    await core.index([folder]);
    const first = (await core.invoke('photos:search', {})).results.find((photo) => photo.fileName === photoNames[0]);
    await core.invoke('captions:edit', { photoId: first!.id, fields: editedCaption(caption) });
  } finally {
    await core.close();
  }
  return { home, folder };
}

function editedCaption(caption: string) {
  return { title: null, caption, altText: caption, longDescription: null, keywords: ['fox'] };
}

/** Photo file names and their newest captions, read straight from a library or backup file. */
function contentsOf(file: string): { photos: string[]; captions: string[] } {
  const db = new Sqlite(file, { readonly: true });
  try {
    return {
      photos: db.prepare('SELECT file_name FROM photos ORDER BY file_name').pluck().all() as string[],
      captions: db.prepare('SELECT caption FROM captions ORDER BY id').pluck().all() as string[],
    };
  } finally {
    db.close();
  }
}

function integrityOf(file: string): string {
  const db = new Sqlite(file, { readonly: true });
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Writes garbage over whole pages of a database file, as a failing disk or a careless sync tool might. */
function overwritePages(file: string, pages: number[]): void {
  const handle = openSync(file, 'r+');
  try {
    for (const page of pages) writeSync(handle, randomBytes(4096), 0, 4096, (page - 1) * 4096);
  } finally {
    closeSync(handle);
  }
}

/** The root pages of the library's own tables (not SQLite's schema table), whatever reads them first. */
function tableRootPages(file: string): number[] {
  const db = new Sqlite(file, { readonly: true });
  try {
    return db.prepare(`SELECT rootpage FROM sqlite_schema WHERE type = 'table' AND rootpage > 1`).pluck().all() as number[];
  } finally {
    db.close();
  }
}

/**
 * A Node process that opens the library as Captionist does and writes to it. It either holds the
 * library open until killed (`hold`), or kills itself without closing it (`crash`), as a power cut would.
 */
async function otherProcess(file: string, mode: 'hold' | 'crash') {
  const script = `
    const Sqlite = require('better-sqlite3');
    const db = new Sqlite(process.argv[1]);
    db.pragma('journal_mode = WAL');
    db.prepare("INSERT OR REPLACE INTO settings (key, value) VALUES ('probe', ?)").run(String(Date.now()));
    if (process.argv[2] === 'crash') process.kill(process.pid, 'SIGKILL');
    process.stdout.write('ready\\n');
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['-e', script, file, mode], { stdio: 'pipe' });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  onTestFinished(() => {
    child.kill('SIGKILL');
    return exited;
  });
  if (mode === 'crash') await exited;
  else await waitFor('the other process to open the library', () => output.includes('ready'));
  return { kill: () => (child.kill('SIGKILL'), exited) };
}

describe('daily backups', () => {
  it('are taken in the background once the library holds a photo, at most once a day', async () => {
    let time = new Date('2026-12-01T09:00:00Z').getTime();
    const now = () => new Date(time);
    const { home } = await libraryWith(['fox.jpg'], 'A red fox in fresh snow', now);
    const backups = backupsDirOf(join(home, 'library.db'));
    // The library was new when that core opened it: nothing to keep yet.
    expect(listBackups(backups)).toEqual([]);

    time += 60 * 60 * 1000;
    await createCore({ dataDir: home, concurrency: 2, now }).close();
    const [daily] = listBackups(backups);
    expect(daily).toMatchObject({ reason: 'daily', takenAt: now() });
    expect(contentsOf(daily!.path)).toEqual({ photos: ['fox.jpg'], captions: ['A red fox in fresh snow'] });
    expect(integrityOf(daily!.path)).toBe('ok');
    // One file that opens anywhere as it is: no write-ahead log to carry along.
    const copy = new Sqlite(daily!.path, { readonly: true });
    expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
    copy.close();

    time += 10 * 60 * 60 * 1000;
    await createCore({ dataDir: home, concurrency: 2, now }).close();
    expect(listBackups(backups)).toHaveLength(1);
    time += 15 * 60 * 60 * 1000;
    await createCore({ dataDir: home, concurrency: 2, now }).close();
    expect(listBackups(backups)).toHaveLength(2);
  });

  it('are left by the commands that answer at once (status, search, albums) to the next command that works longer', async () => {
    const { home } = await libraryWith(['fox.jpg']);
    const backups = backupsDirOf(join(home, 'library.db'));
    expect(listBackups(backups)).toEqual([]);
    for (const args of [['status'], ['search', 'fox'], ['albums']]) {
      expect(await captionistHere(args, home), args.join(' ')).toMatchObject({ code: 0 });
    }
    expect(listBackups(backups)).toEqual([]);
    expect(await captionistHere(['index'], home)).toMatchObject({ code: 0 });
    expect(listBackups(backups)).toMatchObject([{ reason: 'daily' }]);
  });

  it('keep the newest five', async () => {
    const { home } = await libraryWith(['fox.jpg']);
    const file = join(home, 'library.db');
    const db = openDatabase(file);
    onTestFinished(() => void db.close());
    let time = new Date('2026-12-01T09:00:00Z').getTime();
    const daily = new DailyBackups({ db, dir: backupsDirOf(file), now: () => new Date(time), logger: silent });
    const taken: Date[] = [];
    for (let i = 0; i < 8; i++) {
      await daily.takeIfDue();
      taken.push(new Date(time));
      time += day;
    }
    expect(listBackups(backupsDirOf(file)).map((backup) => backup.takenAt)).toEqual(taken.slice(-5).reverse());
  });

  it('never fail the app: a backup that cannot be written is logged', async () => {
    const { home } = await libraryWith(['fox.jpg']);
    // A file where the backups folder should be: nothing can be written there.
    writeFileSync(join(home, 'backups'), '');
    const errors: string[] = [];
    const core = createCore({ dataDir: home, concurrency: 2, logger: { ...silent, error: (message) => errors.push(message) } });
    expect((await core.invoke('library:status', {})).photos).toBe(1);
    await core.close();
    expect(errors).toEqual([expect.stringMatching(/^daily backup into .+backups failed: /)]);
  });

  it('leave nothing that looks like a backup when one is killed midway', async () => {
    const { home } = await libraryWith(['fox.jpg']);
    const file = join(home, 'library.db');
    // Enough pages that the copy takes a while: room to kill it in the middle.
    const db = openDatabase(file);
    db.exec('CREATE TABLE padding (data BLOB)');
    const insert = db.prepare('INSERT INTO padding VALUES (?)');
    for (let i = 0; i < 96; i++) insert.run(randomBytes(1024 * 1024));
    db.close();
    const backups = backupsDirOf(file);
    mkdirSync(backups, { recursive: true });

    const backup = startCaptionist(['backup'], home).child;
    const exited = new Promise<void>((done) => backup.once('exit', () => done()));
    const watcher = watch(backups, (_event, name) => {
      if (name?.endsWith('.tmp')) backup.kill('SIGKILL');
    });
    await exited;
    watcher.close();
    expect(backup.signalCode).toBe('SIGKILL');
    const leftovers = readdirSync(backups);
    expect(leftovers.some((name) => name.startsWith('.') && name.includes('.tmp'))).toBe(true);
    expect(listBackups(backups)).toEqual([]);

    expect(await captionistHere(['backup', '--json'], home)).toMatchObject({ code: 0 });
    const [complete] = listBackups(backups);
    expect(integrityOf(complete!.path)).toBe('ok');
    // The killed one's temporary files went with the next backup.
    expect(readdirSync(backups)).toEqual([complete!.path.slice(backups.length + 1)]);
  });
});

describe('the backup before a migration', () => {
  it('keeps the library as it was before the upgrade changes it, and only then', () => {
    const file = join(tempDir(), 'library.db');
    const old = new Sqlite(file);
    migrate(old, migrations.filter((migration) => migration.version < newestVersion));
    old.prepare(`INSERT INTO folders (path, name, added_at) VALUES ('/photos', 'Photos', 'now')`).run();
    old
      .prepare(
        `INSERT INTO photos (folder_id, path, rel_path, file_name, file_type, size, mtime_ms, fingerprint, indexed_at)
         VALUES (1, '/photos/fox.jpg', 'fox.jpg', 'fox.jpg', 'JPEG', 1, 1, ?, 'now')`,
      )
      .run('f'.repeat(32));
    const oldVersion = old.pragma('user_version', { simple: true });
    old.close();

    const upgraded = openDatabase(file);
    expect(upgraded.pragma('user_version', { simple: true })).toBe(newestVersion);
    upgraded.close();
    const [before] = listBackups(backupsDirOf(file));
    expect(before).toMatchObject({ reason: 'before-upgrade' });
    const kept = new Sqlite(before!.path, { readonly: true });
    expect(kept.pragma('user_version', { simple: true })).toBe(oldVersion);
    kept.close();
    expect(contentsOf(before!.path).photos).toEqual(['fox.jpg']);

    // Up to date now, and a new library has nothing to keep.
    openDatabase(file).close();
    openDatabase(join(tempDir(), 'library.db')).close();
    expect(listBackups(backupsDirOf(file))).toHaveLength(1);
  });
});

describe('captionist backup and restore', () => {
  it('restore a backup, keeping the library as it was among the backups', async () => {
    const { home, folder } = await libraryWith(['fox.jpg']);
    const taken = await captionistHere(['backup', '--json'], home);
    expect(taken.code, taken.stderr).toBe(0);
    const { path: backup } = JSON.parse(taken.stdout) as { path: string };
    expect(JSON.parse(taken.stdout)).toMatchObject({ photos: 1, captions: 1, version: newestVersion });
    expect(listBackups(join(home, 'backups'))).toMatchObject([{ path: backup, reason: 'manual' }]);

    // The library moves on: another photo, and the caption replaced.
    await writeJpeg(join(folder, 'owl.jpg'), { seed: 7 });
    const core = createCore({ dataDir: home, concurrency: 2 });
    await core.index([folder]);
    const fox = (await core.invoke('photos:search', { text: 'fox' })).results[0]!;
    await core.invoke('captions:edit', { photoId: fox.id, fields: editedCaption('A blurry animal') });
    await core.close();

    const restored = await captionistHere(['restore', backup], home);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toContain(`from ${backup} (1 photo, 1 caption, database version ${newestVersion})`);
    const keptAs = /kept as (.+)\.\n/.exec(restored.stdout)?.[1];
    expect(contentsOf(join(home, 'library.db'))).toEqual({ photos: ['fox.jpg'], captions: ['A red fox in fresh snow'] });
    expect(contentsOf(keptAs!)).toEqual({ photos: ['fox.jpg', 'owl.jpg'], captions: ['A red fox in fresh snow', 'A blurry animal'] });
    expect(listBackups(join(home, 'backups'))[0]).toMatchObject({ path: keptAs, reason: 'before-restore' });

    const reopened = createCore({ dataDir: home, concurrency: 2 });
    expect((await reopened.invoke('photos:search', { text: 'snow' })).total).toBe(1);
    await reopened.close();
  });

  it('writes --out to a new file, and never over an existing one', async () => {
    const { home } = await libraryWith(['fox.jpg']);
    const out = join(tempDir(), 'before the trip.db');
    expect(await captionistHere(['backup', '--out', out], home)).toMatchObject({ code: 0, stdout: expect.stringContaining(out) });
    expect(contentsOf(out).photos).toEqual(['fox.jpg']);
    expect((statSync(out).mode & 0o777).toString(8)).toBe('600');
    expect(await captionistHere(['backup', '--out', out], home)).toMatchObject({ code: 2, stderr: expect.stringContaining('exists already') });
  });

  it('restores into a data folder that has no library yet (a new computer)', async () => {
    const { home } = await libraryWith(['fox.jpg']);
    const backup = JSON.parse((await captionistHere(['backup', '--json'], home)).stdout) as { path: string };
    const newHome = join(tempDir(), 'Captionist');
    const restored = await captionistHere(['restore', backup.path], newHome);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).not.toContain('kept as');
    expect(JSON.parse((await captionistHere(['status', '--json'], newHome)).stdout)).toMatchObject({ photos: 1, captioned: 1 });
  });

  it('refuses while Captionist has the library open, and any file that is not a sound Captionist library', async () => {
    const { home } = await libraryWith(['fox.jpg']);
    const file = join(home, 'library.db');
    const db = openDatabase(file);
    const backup = takeBackupNow(db, backupsDirOf(file), 'manual', new Date()).path;
    db.close();
    const scratch = tempDir();
    const notSqlite = join(scratch, 'notes.db');
    writeFileSync(notSqlite, 'These are not the captions you are looking for.\n'.repeat(100));
    const otherDatabase = join(scratch, 'other.db');
    new Sqlite(otherDatabase).exec('CREATE TABLE recipes (name TEXT)').close();
    const newer = join(scratch, 'newer.db');
    copyFileSync(backup, newer);
    const newerDb = new Sqlite(newer);
    newerDb.pragma(`user_version = ${newestVersion + 10}`);
    newerDb.close();
    const damaged = join(scratch, 'damaged.db');
    copyFileSync(backup, damaged);
    overwritePages(damaged, tableRootPages(damaged).slice(0, 3));
    const before = { library: sha256(file), backups: readdirSync(backupsDirOf(file)) };

    for (const [source, message] of [
      [join(scratch, 'missing.db'), 'There is no backup file'],
      [file, 'is the library database itself'],
      [notSqlite, 'is not a Captionist library'],
      [otherDatabase, 'is a SQLite database, but not a Captionist library'],
      [newer, 'was made by a newer Captionist'],
      [damaged, 'is damaged'],
    ] as const) {
      expect(() => restoreLibrary(file, source), source).toThrow(message);
    }

    // Another process: SQLite's locks, not this process's bookkeeping, must refuse it.
    const open = createCore({ dataDir: home, concurrency: 2 });
    const busy = await captionist(['restore', backup], home);
    await open.close();
    expect(busy).toMatchObject({ code: 2, stderr: expect.stringContaining('is using the library') });

    expect({ library: sha256(file), backups: readdirSync(backupsDirOf(file)) }).toEqual(before);
    expect(readdirSync(home).filter((name) => name.includes('.tmp'))).toEqual([]);
  });
});

describe('a damaged or missing library', () => {
  it('is refused at start with the newest backup and the exact command, which restores it', async () => {
    const { home } = await libraryWith(['fox.jpg']);
    const file = join(home, 'library.db');
    expect(await captionistHere(['backup'], home)).toMatchObject({ code: 0 });
    const [newest] = listBackups(backupsDirOf(file));
    overwritePages(file, [1]);

    const refused = await captionistHere(['status'], home);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`The library database ${file} is damaged`);
    expect(refused.stderr).toContain(`The newest backup is ${newest!.path}`);
    const command = /^ {2}captionist (restore .+)$/m.exec(refused.stderr)?.[1];
    expect(command).toBe(`restore --home ${home} ${newest!.path}`);

    const restored = await captionistHere(command!.split(' '), home);
    expect(restored.code, restored.stderr).toBe(0);
    // The damaged file is kept as it was, under a name never offered for restoring.
    const keptAs = /kept as (.+)\.\n/.exec(restored.stdout)?.[1];
    expect(keptAs).toMatch(/damaged-library-[^/]+\.db$/);
    expect(existsSync(keptAs!)).toBe(true);
    expect(JSON.parse((await captionistHere(['status', '--json'], home)).stdout)).toMatchObject({ photos: 1, captioned: 1 });
  });

  it('is checked in full after an unclean shutdown, where a clean start reads only its header and schema', async () => {
    const { home } = await libraryWith(['fox.jpg']);
    const file = join(home, 'library.db');
    await otherProcess(file, 'crash');
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(0);
    overwritePages(file, tableRootPages(file));

    expect(() => createCore({ dataDir: home, concurrency: 2 })).toThrow(/is damaged \(SQLite says: .+\)[^]*There is no backup of it/);
  });

  it('found while a command runs gets the same advice', async () => {
    const { home } = await libraryWith(['fox.jpg']);
    const file = join(home, 'library.db');
    expect(await captionistHere(['backup'], home)).toMatchObject({ code: 0 });
    overwritePages(file, tableRootPages(file));

    const failed = await captionistHere(['status'], home);
    expect(failed).toMatchObject({ code: 1, stderr: expect.stringContaining('is damaged') });
    expect(failed.stderr).toMatch(/^ {2}captionist restore --home .+$/m);
  });

  it('missing while backups exist is refused with the command; a new data folder just starts', async () => {
    const { home } = await libraryWith(['fox.jpg']);
    expect(await captionistHere(['backup'], home)).toMatchObject({ code: 0 });
    rmSync(join(home, 'library.db'));
    expect(() => createCore({ dataDir: home, concurrency: 2 })).toThrow(/library\.db is missing, but .+backups holds backups[^]*captionist restore --home/);
    expect(existsSync(join(home, 'library.db'))).toBe(false);

    const fresh = createCore({ dataDir: join(tempDir(), 'Captionist'), concurrency: 2 });
    expect((await fresh.invoke('library:status', {})).photos).toBe(0);
    await fresh.close();
  });

  it('tells an unclean end from another process that has the library open', async () => {
    const { home } = await libraryWith(['fox.jpg']);
    const file = join(home, 'library.db');
    expect(inspectLibraryFile(file)).toBe('clean');
    const holder = await otherProcess(file, 'hold');
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(0);
    expect(inspectLibraryFile(file)).toBe('clean');
    await holder.kill();
    expect(inspectLibraryFile(file)).toBe('unclean');
    // Looking recovered and closed the log, as any open would.
    expect(inspectLibraryFile(file)).toBe('clean');
  });
});
