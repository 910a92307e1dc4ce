import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCore } from '../../src/main/core';
import { backupsDirOf, takeBackupNow } from '../../src/main/db/backups';
import { openDatabase } from '../../src/main/db/database';
import { fileLogger } from '../../src/main/base/logger';
import { tempDir, writeJpeg } from '../helpers/files';

/** Permission bits, as `ls -l` would show them in octal. */
const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe.skipIf(process.platform === 'win32')('the data folder on POSIX', () => {
  it('is created readable by its owner only, with the database, its log files, the log and backups', async () => {
    const home = join(tempDir(), 'Captionist');
    const core = createCore({ dataDir: home, concurrency: 2 });
    const library = tempDir();
    await writeJpeg(join(library, 'fox.jpg'));
    await core.invoke('library:addFolder', { path: library });
    await core.invoke('library:index', { paths: [library] });
    // While the core is open, SQLite's write-ahead log and shared-memory index exist too.
    expect(modeOf(home)).toBe('700');
    expect(['library.db', 'library.db-wal', 'library.db-shm'].map((name) => modeOf(join(home, name)))).toEqual(['600', '600', '600']);
    await core.close();

    const logFile = join(home, 'captionist.log');
    fileLogger(logFile).warn('a line with a private path in it');
    expect(modeOf(logFile)).toBe('600');

    const db = openDatabase(join(home, 'library.db'));
    const backup = takeBackupNow(db, backupsDirOf(join(home, 'library.db')), 'manual', new Date());
    db.close();
    expect([modeOf(backupsDirOf(join(home, 'library.db'))), modeOf(backup.path)]).toEqual(['700', '600']);
  });

  it('is tightened at start where an older Captionist left it readable by others', async () => {
    const home = tempDir();
    await createCore({ dataDir: home, concurrency: 2 }).close();
    const backups = join(home, 'backups');
    mkdirSync(backups);
    writeFileSync(join(backups, 'library-2026-01-01T00-00-00.000Z.db'), '');
    writeFileSync(join(home, 'captionist.log'), 'old lines\n');
    writeFileSync(join(home, 'secrets.json'), '{}');
    for (const name of ['library.db', 'captionist.log', 'secrets.json', 'backups/library-2026-01-01T00-00-00.000Z.db']) chmodSync(join(home, name), 0o644);
    chmodSync(backups, 0o755);
    chmodSync(home, 0o755);
    // A read-only file stays read-only: only what others may do is taken away.
    chmodSync(join(home, 'secrets.json'), 0o444);

    const core = createCore({ dataDir: home, concurrency: 2 });
    await core.close();

    expect(modeOf(home)).toBe('700');
    expect(modeOf(backups)).toBe('700');
    expect(Object.fromEntries(['library.db', 'captionist.log', 'secrets.json'].map((name) => [name, modeOf(join(home, name))]))).toEqual({
      'library.db': '600',
      'captionist.log': '600',
      'secrets.json': '400',
    });
    expect(readdirSync(backups).map((name) => modeOf(join(backups, name)))).toEqual(['600']);
  });
});
