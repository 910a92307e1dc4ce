import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/main/db/migrate';
import { migrations } from '../../src/main/db/migrations';
import { captionist } from '../helpers/cli';
import { tempDir } from '../helpers/files';

const newestVersion = Math.max(...migrations.map((migration) => migration.version));

/** A data folder whose library an older Captionist made: every migration but the newest applied. */
function olderLibrary(): string {
  const home = tempDir('captionist-upgrade-');
  const db = new Sqlite(join(home, 'library.db'));
  try {
    db.pragma('journal_mode = WAL');
    migrate(db, migrations, newestVersion - 1);
  } finally {
    db.close();
  }
  return home;
}

describe('several processes opening a library that needs upgrading at once (the app, serve and watch after an update)', () => {
  it('all start: the one that comes second finds the upgrade done instead of running it again', async () => {
    const failures: string[] = [];
    for (let round = 0; round < 4; round++) {
      const home = olderLibrary();
      const runs = await Promise.all(Array.from({ length: 6 }, () => captionist(['status', '--json'], home)));
      failures.push(...runs.filter((run) => run.code !== 0).map((run) => run.stderr.trim()));
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
