import type { Database } from 'better-sqlite3';
import { codeBits } from '../../base/sign-code';
import { codeBlob, fromBlob } from '../vector-blobs';
import type { Migration } from '../migrate';

/**
 * Search by meaning at a million photos: `embedding_codes` holds each vector's 32-byte sign code
 * (src/main/base/sign-code.ts), so an index starts by reading 32 MB instead of decoding 3 GB of
 * floats. `seq` grows with every code written (AUTOINCREMENT never reuses one), so an index, in
 * this process or another, catches up by reading the codes after the last it saw. A code goes with
 * its vector (and so with its photo, and with every vector when the model changes). The vectors stored before are coded here.
 */
export const embeddingCodes: Migration = {
  version: 170,
  name: 'embedding-codes',
  up(db: Database) {
    db.exec(`
      CREATE TABLE embedding_codes (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        photo_id INTEGER NOT NULL UNIQUE REFERENCES photo_embeddings(photo_id) ON DELETE CASCADE,
        code BLOB NOT NULL
      );
    `);
    const page = db.prepare('SELECT photo_id AS photoId, vector FROM photo_embeddings WHERE photo_id > ? ORDER BY photo_id LIMIT 1000');
    const insert = db.prepare('INSERT INTO embedding_codes (photo_id, code) VALUES (?, ?)');
    for (let rows = page.all(0) as { photoId: number; vector: Buffer }[]; rows.length; rows = page.all(rows.at(-1)!.photoId) as typeof rows) {
      for (const row of rows) insert.run(row.photoId, codeBlob(fromBlob(row.vector), codeBits));
    }
  },
};
