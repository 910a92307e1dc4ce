import type Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { signCode } from '../../../src/main/base/sign-code';
import { migrate } from '../../../src/main/db/migrate';
import { migrations } from '../../../src/main/db/migrations';
import { embeddingCodes } from '../../../src/main/db/migrations/0170-embedding-codes';
import { embeddedLibraryAt } from '../../helpers/embedded-library';

const codes = (db: Sqlite.Database) =>
  db.prepare('SELECT photo_id AS photoId, code FROM embedding_codes ORDER BY seq').all() as { photoId: number; code: Buffer }[];

describe('migration 0170 embedding codes', () => {
  it('codes every vector stored before, more than a page of them, in photo order', () => {
    const { db, vectors } = embeddedLibraryAt(embeddingCodes.version - 1, 1203);
    migrate(db, migrations, embeddingCodes.version);
    expect(db.pragma('user_version', { simple: true })).toBe(170);
    const rows = codes(db);
    expect(rows.map((row) => row.photoId)).toEqual(vectors.map((_, index) => index + 1));
    rows.forEach((row, index) => expect(row.code.equals(Buffer.from(signCode(vectors[index]!).buffer))).toBe(true));
    db.close();
  });

  it('removes a code with its photo and every code when the model changes, and never reuses a seq', () => {
    const { db } = embeddedLibraryAt(embeddingCodes.version - 1, 3);
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
