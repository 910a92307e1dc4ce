import type Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../src/main/db/migrate';
import { migrations } from '../../../src/main/db/migrations';
import { libraryWithOnePhotoBefore } from '../../helpers/migrations';
import { relevanceLists, staleListAfter } from '../../../src/main/db/migrations/0160-relevance-lists';

const libraryWithOnePhoto = () => libraryWithOnePhotoBefore(relevanceLists.version, 'A fox in the snow');

const changes = (db: Sqlite.Database) => db.prepare('SELECT photo_id FROM search_changes ORDER BY seq').pluck().all();

describe('migration 0160 relevance lists', () => {
  it('keeps the library, starts with no lists, and logs no changes while there are none', () => {
    const db = libraryWithOnePhoto();
    migrate(db, migrations, relevanceLists.version);
    expect(db.pragma('user_version', { simple: true })).toBe(160);
    expect(db.prepare(`SELECT rowid FROM photo_search WHERE photo_search MATCH 'fox'`).pluck().all()).toEqual([1]);
    expect(db.prepare('SELECT count(*) FROM search_lists').pluck().get()).toBe(0);
    db.prepare(`UPDATE captions SET caption = 'A wolf' WHERE photo_id = 1`).run();
    expect(changes(db)).toEqual([]);
    db.close();
  });

  it('logs each photo whose search row changes while lists exist, and drops lists far behind', () => {
    const db = libraryWithOnePhoto();
    migrate(db, migrations, relevanceLists.version);
    db.prepare(`INSERT INTO search_lists VALUES ('"fox"', 10, 1, 1, 0)`).run();
    db.prepare(`INSERT INTO search_list_photos VALUES ('"fox"', 1, 5, 10)`).run();
    db.prepare(`UPDATE captions SET caption = 'A wolf' WHERE photo_id = 1`).run();
    db.prepare(`INSERT INTO captions (photo_id, version, source, caption, created_at) VALUES (1, 2, 'edited', 'A fox', 'now')`).run();
    db.prepare(`UPDATE photos SET status = 'missing' WHERE id = 1`).run();
    db.prepare(`UPDATE photos SET has_thumbnail = 1 WHERE id = 1`).run();
    expect(changes(db)).toEqual([1, 1, 1]);
    db.prepare('DELETE FROM photos WHERE id = 1').run();
    expect(changes(db)).toEqual([1, 1, 1, 1]);

    const insert = db.prepare(
      `INSERT INTO photos (folder_id, path, rel_path, file_name, file_type, size, mtime_ms, fingerprint, indexed_at)
       VALUES (1, ?, ?, ?, 'JPEG', 1, 1, 'f', 'now')`,
    );
    for (let i = 0; i < staleListAfter + 1_000; i++) insert.run(`/photos/${i}.jpg`, `${i}.jpg`, `${i}.jpg`);
    expect(db.prepare('SELECT count(*) FROM search_lists').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM search_list_photos').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM search_changes').pluck().get()).toBeLessThan(1_000);
    db.close();
  });
});
