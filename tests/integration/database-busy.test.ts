import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { isDatabaseBusy, openDatabase } from '../../src/main/db/database';
import { tempDir } from '../helpers/files';

/** Two connections to one library file, as two processes have. */
function twoProcesses() {
  const file = join(tempDir(), 'library.db');
  const [first, second] = [openDatabase(file), openDatabase(file)];
  onTestFinished(() => {
    first.close();
    second.close();
  });
  return { first, second };
}

describe('one library, several processes', () => {
  it('begins transactions with the write lock, so one that reads and then writes never fails on another\'s write', () => {
    const { first, second } = twoProcesses();
    first.exec('CREATE TABLE counter (n INTEGER); INSERT INTO counter VALUES (0);');
    second.pragma('busy_timeout = 50');
    let secondWrite: unknown;

    first.transaction(() => {
      const n = first.prepare('SELECT n FROM counter').pluck().get() as number;
      // The other process writes between our read and our write: it waits for us instead.
      try {
        second.prepare('UPDATE counter SET n = n + 10').run();
      } catch (error) {
        secondWrite = error;
      }
      first.prepare('UPDATE counter SET n = ?').run(n + 1);
    })();

    expect(isDatabaseBusy(secondWrite)).toBe(true);
    expect(second.prepare('UPDATE counter SET n = n + 10').run().changes).toBe(1);
    expect(first.prepare('SELECT n FROM counter').pluck().get()).toBe(11);
  });
});
