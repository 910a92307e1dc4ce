import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { changeStamp, statementCache, withoutMovingStamp } from '../../src/main/db/statements';
import { tempDir } from '../helpers/files';

describe('changeStamp', () => {
  it("moves with this connection's changes and another's commits, but not with writes no kept read depends on", () => {
    const file = join(tempDir(), 'library.db');
    const db = new Sqlite(file);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE photos (id INTEGER PRIMARY KEY); CREATE TABLE query_embeddings (text TEXT PRIMARY KEY)');
    const stamp = () => changeStamp(statementCache(db));
    const first = stamp();
    expect(stamp()).toBe(first);

    db.prepare('INSERT INTO photos DEFAULT VALUES').run();
    const afterPhoto = stamp();
    expect(afterPhoto).not.toBe(first);

    withoutMovingStamp(db, () => db.prepare(`INSERT INTO query_embeddings VALUES ('amber light'), ('seaside')`).run());
    expect(stamp()).toBe(afterPhoto);
    db.prepare('DELETE FROM photos').run();
    const afterDelete = stamp();
    expect(afterDelete).not.toBe(afterPhoto);

    const other = new Sqlite(file);
    other.prepare('INSERT INTO photos DEFAULT VALUES').run();
    expect(stamp()).not.toBe(afterDelete);
    other.close();
    db.close();
  });
});
