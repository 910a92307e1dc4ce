import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { writeBackupInBackground } from '../../src/main/db/backups';
import { openDatabase } from '../../src/main/db/database';
import { tempDir } from '../helpers/files';

/** Another Captionist process on the library (serve, watch, a caption run), recording something every 50 ms. */
function busyNeighbour(file: string): { stop(): void } {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `const Sqlite = require('better-sqlite3');
       const db = new Sqlite(process.argv[1]);
       db.pragma('busy_timeout = 5000');
       const insert = db.prepare('INSERT INTO review_ticks (at) VALUES (?)');
       setInterval(() => insert.run(Date.now()), 50);`,
      file,
    ],
    { stdio: 'ignore' },
  );
  return {
    stop: () => {
      child.kill('SIGKILL');
    },
  };
}

const waitMs = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the daily backup while another process writes to the library', () => {
  it('finishes in bounded time instead of starting over at every write of the other process', async () => {
    const home = tempDir('captionist-busy-backup-');
    const file = join(home, 'library.db');
    const db = openDatabase(file);
    onTestFinished(() => {
      db.close();
    });
    // A library of about 40 MB, a small one: the million-photo library of BENCHMARKS.md is 1.8 GB.
    db.exec('CREATE TABLE review_filler (data BLOB); CREATE TABLE review_ticks (at INTEGER)');
    const fill = db.prepare('INSERT INTO review_filler (data) VALUES (randomblob(4000))');
    db.transaction(() => {
      for (let row = 0; row < 10_000; row++) fill.run();
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');

    const neighbour = busyNeighbour(file);
    onTestFinished(() => neighbour.stop());
    await waitMs(300);
    const target = join(home, 'backup.db');
    const outcome = await Promise.race([
      writeBackupInBackground(db, target).then(() => 'finished'),
      waitMs(20_000).then(() => 'still copying after 20 s'),
    ]);
    expect(outcome).toBe('finished');
    expect(existsSync(target)).toBe(true);
    const copy = new Sqlite(target, { readonly: true });
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(copy.prepare('SELECT count(*) FROM review_filler').pluck().get()).toBe(10_000);
    } finally {
      copy.close();
    }
  }, 40_000);
});
