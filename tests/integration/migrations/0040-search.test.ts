import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../src/main/db/migrate';
import { init } from '../../../src/main/db/migrations/0010-init';
import { providers } from '../../../src/main/db/migrations/0020-providers';
import { search } from '../../../src/main/db/migrations/0040-search';

const matches = (db: Sqlite.Database, query: string) =>
  db.prepare('SELECT rowid FROM photo_search WHERE photo_search MATCH ? ORDER BY rowid').pluck().all(query);

function insertPhoto(db: Sqlite.Database, relPath: string, extra: Record<string, unknown> = {}): number {
  const row = {
    folder_id: 1,
    path: `/photos/${relPath}`,
    rel_path: relPath,
    file_name: relPath.split('/').at(-1)!,
    file_type: 'JPEG',
    size: 1,
    mtime_ms: 1,
    fingerprint: relPath.padEnd(32, '0'),
    indexed_at: 'now',
    ...extra,
  };
  const columns = Object.keys(row);
  return Number(
    db.prepare(`INSERT INTO photos (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`).run(row).lastInsertRowid,
  );
}

const addCaption = (db: Sqlite.Database, photoId: number, version: number, caption: string, keywords: string[] = []) =>
  Number(
    db
      .prepare(`INSERT INTO captions (photo_id, version, source, caption, keywords, created_at) VALUES (?, ?, 'generated', ?, ?, 'now')`)
      .run(photoId, version, caption, JSON.stringify(keywords)).lastInsertRowid,
  );

/** The photo counts of each folder, with the photos the photo → folder map puts there. */
const dirCounts = (db: Sqlite.Database) =>
  db
    .prepare(
      `SELECT dir, folder_id AS folderId, present, missing,
         (SELECT group_concat(photo_id) FROM photo_dir_of WHERE dir_id = d.id) AS photoIds
       FROM photo_dirs d ORDER BY dir`,
    )
    .all();

describe('migration 0040 search', () => {
  it('rebuilds the index of existing photos with stemming, and keeps their captions', () => {
    const db = new Sqlite(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, [init, providers]);
    db.prepare(`INSERT INTO folders (path, name, added_at) VALUES ('/photos', 'Holidays', 'now')`).run();
    const dogs = insertPhoto(db, '2024/Zürich/a.jpg', {
      embedded_title: 'Straßenbahn', embedded_keywords: '["Café"]', captured_at: '2024-06-15T10:00:00',
    });
    const other = insertPhoto(db, '2024/b.jpg', { status: 'missing' });
    addCaption(db, dogs, 1, 'Two dogs running');
    const newest = addCaption(db, dogs, 2, 'Dogs running through the university gardens');

    migrate(db, [init, providers, search]);

    expect(db.pragma('user_version', { simple: true })).toBe(40);
    expect(db.prepare('SELECT count(*) FROM captions').pluck().get()).toBe(2);
    expect(db.prepare('SELECT id, current_caption_id FROM photos ORDER BY id').all()).toEqual([
      { id: dogs, current_caption_id: newest },
      { id: other, current_caption_id: null },
    ]);
    // Stemmed: "dog" finds "Dogs", "run" finds "running"; diacritics folded; other languages whole.
    expect(matches(db, 'dog')).toEqual([dogs]);
    expect(matches(db, 'run')).toEqual([dogs]);
    expect(matches(db, 'cafe')).toEqual([dogs]);
    expect(matches(db, 'strassenbahn OR straßenbahn')).toEqual([dogs]);
    expect(matches(db, 'zurich')).toEqual([dogs]);
    expect(matches(db, 'holidays')).toEqual([dogs, other]);
    expect(matches(db, 'facets : (zy2024 AND zm202406 AND zt20240615)')).toEqual([dogs]);
    expect(matches(db, 'facets : (zmissing)')).toEqual([other]);
    // The unstemmed vocabulary completes half-typed words.
    expect(db.prepare(`SELECT term FROM photo_words_vocab WHERE term >= 'univ' AND term < 'univz'`).pluck().all()).toEqual(['university']);
    expect(dirCounts(db)).toEqual([
      { dir: '/photos/2024/', folderId: 1, present: 0, missing: 1, photoIds: String(other) },
      { dir: '/photos/2024/Zürich/', folderId: 1, present: 1, missing: 0, photoIds: String(dogs) },
    ]);
    db.close();
  });

  it('keeps the newest caption, the index and the folder counts in step with every change', () => {
    const db = new Sqlite(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, [init, providers, search]);
    db.exec(`INSERT INTO folders (path, name, added_at) VALUES ('/photos', 'Photos', 'now'), ('/other', 'Other', 'now')`);
    const fox = insertPhoto(db, 'wild/fox.jpg');
    const current = () => db.prepare('SELECT current_caption_id FROM photos WHERE id = ?').pluck().get(fox);

    const first = addCaption(db, fox, 1, 'A red fox', ['wildlife']);
    expect(current()).toBe(first);
    const second = addCaption(db, fox, 2, 'A vixen in snow', ['mammal']);
    expect(current()).toBe(second);
    expect(matches(db, 'wildlife')).toEqual([]);
    expect(matches(db, 'vixen')).toEqual([fox]);

    db.prepare('UPDATE captions SET caption = ? WHERE id = ?').run('A vixen at dusk', second);
    expect(matches(db, 'dusk')).toEqual([fox]);
    db.prepare(`UPDATE captions SET status = 'approved' WHERE id = ?`).run(second);
    expect(matches(db, 'dusk')).toEqual([fox]);

    db.prepare('DELETE FROM captions WHERE id = ?').run(second);
    expect(current()).toBe(first);
    expect(matches(db, 'wildlife')).toEqual([fox]);

    // Renamed and moved: the name, the folder facet and the counts follow.
    db.prepare(`UPDATE photos SET path = '/photos/tame/renamed.jpg', rel_path = 'tame/renamed.jpg', file_name = 'renamed.jpg' WHERE id = ?`).run(fox);
    expect(matches(db, 'renamed')).toEqual([fox]);
    expect(matches(db, 'fox')).toEqual([fox]);
    expect(dirCounts(db)).toEqual([{ dir: '/photos/tame/', folderId: 1, present: 1, missing: 0, photoIds: String(fox) }]);

    db.prepare(`UPDATE photos SET status = 'missing' WHERE id = ?`).run(fox);
    expect(matches(db, 'facets : (zmissing)')).toEqual([fox]);
    expect(dirCounts(db)).toEqual([{ dir: '/photos/tame/', folderId: 1, present: 0, missing: 1, photoIds: String(fox) }]);
    db.prepare(`UPDATE photos SET folder_id = 2, status = 'present' WHERE id = ?`).run(fox);
    expect(matches(db, 'facets : (zf2)')).toEqual([fox]);
    expect(dirCounts(db)).toEqual([{ dir: '/photos/tame/', folderId: 2, present: 1, missing: 0, photoIds: String(fox) }]);

    db.prepare('DELETE FROM photos WHERE id = ?').run(fox);
    expect(matches(db, 'wildlife')).toEqual([]);
    expect(db.prepare('SELECT count(*) FROM photo_words').pluck().get()).toBe(0);
    expect(dirCounts(db)).toEqual([]);
    expect(db.prepare('SELECT count(*) FROM photo_dir_of').pluck().get()).toBe(0);
    db.close();
  });
});
