import type Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../src/main/db/migrate';
import { migrations } from '../../../src/main/db/migrations';
import { libraryWithOnePhotoBefore } from '../../helpers/migrations';
import { staleListAfter } from '../../../src/main/db/migrations/0160-relevance-lists';
import { searchCombinations } from '../../../src/main/db/migrations/0220-search-combinations';

function libraryWithOnePhoto() {
  const db = libraryWithOnePhotoBefore(searchCombinations.version, 'A fox in the snow');
  db.exec(`
    INSERT INTO search_lists VALUES ('"fox"', 10, 1, 1, 0);
    INSERT INTO search_list_photos VALUES ('"fox"', 1, 5, 10);
  `);
  return db;
}

const changes = (db: Sqlite.Database) => db.prepare('SELECT photo_id FROM search_changes ORDER BY seq').pluck().all();
const count = (db: Sqlite.Database, table: string) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get();

describe('migration 0220 search combinations', () => {
  it('keeps the lists and the search, and starts with no combinations', () => {
    const db = libraryWithOnePhoto();
    migrate(db, migrations, searchCombinations.version);
    expect(db.pragma('user_version', { simple: true })).toBe(220);
    expect(db.prepare(`SELECT rowid FROM photo_search WHERE photo_search MATCH 'fox'`).pluck().all()).toEqual([1]);
    expect(db.prepare('SELECT phrase, photo_id FROM search_list_photos').raw().all()).toEqual([['"fox"', 1]]);
    expect(count(db, 'search_combinations')).toBe(0);
    // The phrases' lists still have changes logged for them.
    db.prepare(`UPDATE captions SET caption = 'A wolf' WHERE photo_id = 1`).run();
    expect(changes(db)).toEqual([1]);
    db.close();
  });

  it('logs changes while only combinations exist, drops those far behind, and keeps the log short', () => {
    const db = libraryWithOnePhoto();
    migrate(db, migrations, searchCombinations.version);
    db.exec(`DELETE FROM search_lists`);
    db.prepare(`UPDATE captions SET caption = 'A wolf' WHERE photo_id = 1`).run();
    expect(changes(db)).toEqual([]);
    db.exec(`
      INSERT INTO search_combinations (text, cutoff_score, cutoff_id, changes_seen) VALUES ('("fox" AND "snow")', 1.5, 1, 0);
      INSERT INTO search_combination_photos VALUES (1, 1, 2.5);
    `);
    db.prepare(`INSERT INTO captions (photo_id, version, source, caption, created_at) VALUES (1, 2, 'edited', 'A fox', 'now')`).run();
    db.prepare(`UPDATE photos SET status = 'missing' WHERE id = 1`).run();
    db.prepare(`UPDATE photos SET has_thumbnail = 1 WHERE id = 1`).run();
    expect(changes(db)).toEqual([1, 1]);
    db.prepare('DELETE FROM photos WHERE id = 1').run();
    expect(changes(db)).toEqual([1, 1, 1]);

    const insert = db.prepare(
      `INSERT INTO photos (folder_id, path, rel_path, file_name, file_type, size, mtime_ms, fingerprint, indexed_at)
       VALUES (1, ?, ?, ?, 'JPEG', 1, 1, 'f', 'now')`,
    );
    for (let i = 0; i < staleListAfter + 1_000; i++) insert.run(`/photos/${i}.jpg`, `${i}.jpg`, `${i}.jpg`);
    expect(count(db, 'search_combinations')).toBe(0);
    expect(count(db, 'search_combination_photos')).toBe(0);
    expect(count(db, 'search_changes')).toBeLessThan(1_000);
    db.close();
  });
});
