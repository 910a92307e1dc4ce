import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../src/main/db/migrate';
import { migrations } from '../../../src/main/db/migrations';
import { photoPlaces } from '../../../src/main/db/migrations/0120-photo-places';

const before = migrations.filter((migration) => migration.version < photoPlaces.version);

const matches = (db: Sqlite.Database, query: string) =>
  db.prepare('SELECT rowid FROM photo_search WHERE photo_search MATCH ? ORDER BY rowid').pluck().all(query);

describe('migration 0120 photo places', () => {
  it('keeps an existing library\'s photos and search, with no place and no location of their own yet', () => {
    const db = new Sqlite(':memory:');
    migrate(db, before);
    db.prepare(`INSERT INTO folders (path, name, added_at) VALUES ('/photos', 'Photos', 'now')`).run();
    db.prepare(
      `INSERT INTO photos (folder_id, path, rel_path, file_name, file_type, size, mtime_ms, fingerprint, indexed_at, embedded_title)
       VALUES (1, '/photos/harbour.jpg', 'harbour.jpg', 'harbour.jpg', 'JPEG', 1, 1, 'f', 'now', 'Boats')`,
    ).run();
    migrate(db, migrations, photoPlaces.version);
    expect(db.pragma('user_version', { simple: true })).toBe(120);
    expect(db.prepare('SELECT place_name, own_location FROM photos').get()).toEqual({ place_name: null, own_location: 0 });
    expect(matches(db, 'boats')).toEqual([1]);
    db.close();
  });

  it('puts a place, local and folded, its region and country, into the search document and keeps it there through caption changes', () => {
    const db = new Sqlite(':memory:');
    migrate(db, migrations, photoPlaces.version);
    db.prepare(`INSERT INTO folders (path, name, added_at) VALUES ('/photos', 'Photos', 'now')`).run();
    db.prepare(
      `INSERT INTO photos (folder_id, path, rel_path, file_name, file_type, size, mtime_ms, fingerprint, indexed_at,
                           place_name, place_ascii_name, place_region, place_country, place_country_code, place_distance_km)
       VALUES (1, '/photos/a.jpg', 'a.jpg', 'a.jpg', 'JPEG', 1, 1, 'f', 'now', 'Reykjavík', 'Reykjavik', 'Capital Region', 'Iceland', 'IS', 2.6)`,
    ).run();
    for (const word of ['reykjavik', 'Reykjavík', 'capital', 'iceland']) expect(matches(db, word)).toEqual([1]);

    db.prepare(`INSERT INTO captions (photo_id, version, source, caption, created_at) VALUES (1, 1, 'generated', 'A red fox', 'now')`).run();
    db.prepare(`UPDATE captions SET status = 'approved'`).run();
    expect(matches(db, 'fox AND reykjavik')).toEqual([1]);

    db.prepare(`UPDATE photos SET place_name = 'Suva', place_ascii_name = 'Suva', place_region = 'Central', place_country = 'Fiji'`).run();
    expect(matches(db, 'reykjavik')).toEqual([]);
    expect(matches(db, 'fiji AND fox')).toEqual([1]);
    db.prepare('DELETE FROM captions').run();
    expect(matches(db, 'suva')).toEqual([1]);
    expect(() => db.prepare('UPDATE photos SET own_location = 2').run()).toThrow(/CHECK/);
    db.close();
  });
});
