import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { signCode } from '../../../src/main/base/sign-code';
import { migrate } from '../../../src/main/db/migrate';
import { migrations } from '../../../src/main/db/migrations';
import { embeddingCodes } from '../../../src/main/db/migrations/0170-embedding-codes';
import { unitLength } from '../../../src/main/providers/embeddings';

const before = migrations.filter((migration) => migration.version < embeddingCodes.version);

/** A library at the version before, with `count` photos embedded. */
function embeddedLibrary(count: number) {
  const db = new Sqlite(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, before);
  db.exec(`INSERT INTO folders (path, name, added_at) VALUES ('/photos', 'photos', 'now');
    INSERT INTO embedding_model (id, provider, model, dimensions, chosen_at) VALUES (1, 'local', 'nomic-embed-text', 768, 'now')`);
  const photo = db.prepare(`INSERT INTO photos (folder_id, path, rel_path, file_name, file_type, size, mtime_ms, fingerprint, indexed_at)
    VALUES (1, ?, ?, ?, 'JPEG', 1, 1, ?, 'now')`);
  const vectors = Array.from({ length: count }, (_, index) => unitLength(Array.from({ length: 768 }, (_, i) => Math.sin(index * 7 + i))));
  vectors.forEach((vector, index) => {
    const photoId = photo.run(`/photos/${index}.jpg`, `${index}.jpg`, `${index}.jpg`, String(index).padStart(32, '0')).lastInsertRowid;
    db.prepare('INSERT INTO photo_embeddings (photo_id, caption_id, vector) VALUES (?, NULL, ?)').run(photoId, Buffer.from(vector.buffer));
  });
  return { db, vectors };
}

const codes = (db: Sqlite.Database) =>
  db.prepare('SELECT photo_id AS photoId, code FROM embedding_codes ORDER BY seq').all() as { photoId: number; code: Buffer }[];

describe('migration 0170 embedding codes', () => {
  it('codes every vector stored before, more than a page of them, in photo order', () => {
    const { db, vectors } = embeddedLibrary(1203);
    migrate(db, migrations, embeddingCodes.version);
    expect(db.pragma('user_version', { simple: true })).toBe(170);
    const rows = codes(db);
    expect(rows.map((row) => row.photoId)).toEqual(vectors.map((_, index) => index + 1));
    rows.forEach((row, index) => expect(row.code.equals(Buffer.from(signCode(vectors[index]!).buffer))).toBe(true));
    db.close();
  });

  it('removes a code with its photo and every code when the model changes, and never reuses a seq', () => {
    const { db } = embeddedLibrary(3);
    migrate(db, migrations, embeddingCodes.version);
    db.prepare('DELETE FROM photos WHERE id = 3').run();
    expect(codes(db).map((row) => row.photoId)).toEqual([1, 2]);
    const insert = db.prepare(`INSERT INTO photo_embeddings (photo_id, caption_id, vector) VALUES (2, NULL, x'00')`);
    db.prepare(`UPDATE embedding_model SET model = 'mxbai-embed-large'`).run();
    expect(codes(db)).toEqual([]);
    insert.run();
    db.prepare(`INSERT INTO embedding_codes (photo_id, code) VALUES (2, x'00')`).run();
    expect(db.prepare('SELECT seq FROM embedding_codes').pluck().get()).toBe(4);
    db.close();
  });
});
