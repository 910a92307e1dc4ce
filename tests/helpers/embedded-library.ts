import Sqlite from 'better-sqlite3';
import { migrate } from '../../src/main/db/migrate';
import { migrations } from '../../src/main/db/migrations';
import { unitLength } from '../../src/main/providers/embeddings';

/**
 * A library in memory at migration `version`, a model chosen and `count` photos each with a
 * 768-dimension vector of no caption (the same vectors for the same count, photo ids 1 to count).
 */
export function embeddedLibraryAt(version: number, count: number): { db: Sqlite.Database; vectors: Float32Array[] } {
  const db = new Sqlite(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, migrations, version);
  db.exec(`INSERT INTO folders (path, name, added_at) VALUES ('/photos', 'photos', 'now');
    INSERT INTO embedding_model (id, provider, model, dimensions, chosen_at) VALUES (1, 'local', 'nomic-embed-text', 768, 'now')`);
  const photo = db.prepare(`INSERT INTO photos (folder_id, path, rel_path, file_name, file_type, size, mtime_ms, fingerprint, indexed_at)
    VALUES (1, ?, ?, ?, 'JPEG', 1, 1, ?, 'now')`);
  const vector = db.prepare('INSERT INTO photo_embeddings (photo_id, caption_id, vector) VALUES (?, NULL, ?)');
  const vectors = Array.from({ length: count }, (_, index) => unitLength(Array.from({ length: 768 }, (_, i) => Math.sin(index * 7 + i))));
  vectors.forEach((values, index) => {
    const photoId = photo.run(`/photos/${index}.jpg`, `${index}.jpg`, `${index}.jpg`, String(index).padStart(32, '0')).lastInsertRowid;
    vector.run(photoId, Buffer.from(values.buffer));
  });
  return { db, vectors };
}
