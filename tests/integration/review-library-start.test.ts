import { existsSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createCore } from '../../src/main/core';
import { backupsDirOf, listBackups, takeBackupNow } from '../../src/main/db/backups';
import { restoreLibrary } from '../../src/main/db/restore';
import { tempDir, writeJpeg } from '../helpers/files';

/** A data folder whose library holds one photo, with a backup of it; closed again. */
async function libraryWithBackup(): Promise<{ home: string; file: string }> {
  const home = tempDir('captionist-home-');
  const folder = tempDir('captionist-library-');
  await writeJpeg(join(folder, 'fox.jpg'), { seed: 1 });
  const core = createCore({ dataDir: home, concurrency: 1 });
  try {
    await core.invoke('library:addFolder', { path: folder });
    await core.invoke('library:index', { paths: [folder] });
  } finally {
    await core.close();
  }
  const file = join(home, 'library.db');
  const db = new Sqlite(file);
  try {
    takeBackupNow(db, backupsDirOf(file), 'manual', new Date());
  } finally {
    db.close();
  }
  return { home, file };
}

describe('a library file emptied by a crash, a full disk or a sync tool', () => {
  it('is refused with the newest backup while backups exist, never opened as a new empty library', async () => {
    const { home, file } = await libraryWithBackup();
    const [newest] = listBackups(backupsDirOf(file));
    expect(newest).toBeDefined();
    truncateSync(file, 0);

    expect(() => createCore({ dataDir: home, concurrency: 1 })).toThrow(new RegExp(`${newest!.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    // Nothing was made of it meanwhile: the empty file is still empty, the backup still the newest.
    expect(existsSync(file)).toBe(true);
    expect(listBackups(backupsDirOf(file))[0]?.path).toBe(newest!.path);

    // The command the message names brings the library back.
    restoreLibrary(file, newest!.path);
    const core = createCore({ dataDir: home, concurrency: 1 });
    try {
      expect((await core.invoke('library:status', {})).photos).toBe(1);
    } finally {
      await core.close();
    }
  });
});
