import Sqlite from 'better-sqlite3';
import { migrate } from '../../src/main/db/migrate';
import { migrations } from '../../src/main/db/migrations';

/** An in-memory library migrated up to (not including) `version`, with one photo and its caption. */
export function libraryWithOnePhotoBefore(version: number, caption: string): Sqlite.Database {
  const db = new Sqlite(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, migrations.filter((migration) => migration.version < version));
  db.prepare(`INSERT INTO folders (path, name, added_at) VALUES ('/photos', 'photos', 'now')`).run();
  db.prepare(
    `INSERT INTO photos (folder_id, path, rel_path, file_name, file_type, size, mtime_ms, fingerprint, indexed_at)
     VALUES (1, '/photos/a.jpg', 'a.jpg', 'a.jpg', 'JPEG', 1, 1, ?, 'now')`,
  ).run('a'.repeat(32));
  db.prepare(`INSERT INTO captions (photo_id, version, source, caption, provider, created_at) VALUES (1, 1, 'edited', ?, NULL, 'now')`).run(caption);
  return db;
}
