import type Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { codeBits, longCodeBits, signCode } from '../../../src/main/base/sign-code';
import { EmbeddingsRepository } from '../../../src/main/db/embeddings.repo';
import { migrate } from '../../../src/main/db/migrate';
import { migrations } from '../../../src/main/db/migrations';
import { meaningRerank } from '../../../src/main/db/migrations/0180-meaning-rerank';
import { embeddedLibraryAt } from '../../helpers/embedded-library';

/** A library at the version before, with `count` photos embedded (their codes short, as 0170 stored them). */
function embeddedLibrary(count: number) {
  const library = embeddedLibraryAt(meaningRerank.version - 1, count);
  const code = library.db.prepare('INSERT INTO embedding_codes (photo_id, code) VALUES (?, ?)');
  library.vectors.forEach((vector, index) => code.run(index + 1, Buffer.from(signCode(vector, codeBits).buffer)));
  return library;
}

const codes = (db: Sqlite.Database) => db.prepare('SELECT seq, photo_id AS photoId, code FROM embedding_codes ORDER BY photo_id').all() as { seq: number; photoId: number; code: Buffer }[];

describe('migration 0180 meaning rerank', () => {
  it('finds missing photos by an index of their own, not a scan of every photo', () => {
    const { db } = embeddedLibrary(3);
    const plan = () => (db.prepare(`EXPLAIN QUERY PLAN SELECT id FROM photos WHERE status = 'missing'`).all() as { detail: string }[]).map((row) => row.detail).join(' ');
    expect(plan()).toMatch(/SCAN photos/);
    migrate(db, migrations, meaningRerank.version);
    expect(plan()).toMatch(/photos_missing/);
    db.prepare(`UPDATE photos SET status = 'missing' WHERE id = 2`).run();
    expect([...new EmbeddingsRepository(db).missingPhotoIds()]).toEqual([2]);
    db.close();
  });

  it('leaves the short codes to be lengthened later, a step at a time, each with a new seq and the short code as its start', () => {
    const { db, vectors } = embeddedLibrary(1203);
    migrate(db, migrations, meaningRerank.version);
    const before = codes(db);
    expect(before.every((row) => row.code.byteLength === codeBits / 8)).toBe(true);
    const repo = new EmbeddingsRepository(db);
    expect(repo.lengthenCodes(0, 500)).toBe(500);
    expect(codes(db).filter((row) => row.code.byteLength === longCodeBits / 8).map((row) => row.photoId)).toEqual(before.slice(0, 500).map((row) => row.photoId));
    let steps = 1;
    for (let afterId = repo.lengthenCodes(500, 500); afterId !== null; afterId = repo.lengthenCodes(afterId, 500)) steps++;
    expect(steps).toBe(3);
    const after = codes(db);
    after.forEach((row, index) => {
      expect(row.code.equals(Buffer.from(signCode(vectors[index]!, longCodeBits).buffer))).toBe(true);
      expect(row.code.subarray(0, codeBits / 8).equals(before[index]!.code)).toBe(true);
      expect(row.seq).toBeGreaterThan(before.at(-1)!.seq);
    });
    // The index catches up with every lengthened code, each long.
    const lengths: number[] = [];
    repo.codesSince(before.at(-1)!.seq, (_photoId, _codes, _offset, length) => lengths.push(length));
    expect(lengths).toEqual(after.map(() => longCodeBits / 32));
    db.close();
  });

  it("drops a photo's code when its caption changes away from the one embedded, and keeps it when it stays", () => {
    const { db } = embeddedLibrary(2);
    migrate(db, migrations, meaningRerank.version);
    const caption = db.prepare(`INSERT INTO captions (photo_id, version, source, caption, created_at) VALUES (?, ?, 'generated', 'A dog', 'now')`);
    const setCurrent = db.prepare('UPDATE photos SET current_caption_id = ? WHERE id = 1');
    // Photo 1's vector is of its first caption, made current.
    const first = Number(caption.run(1, 1).lastInsertRowid);
    db.prepare('UPDATE photo_embeddings SET caption_id = ? WHERE photo_id = 1').run(first);
    setCurrent.run(null);
    db.prepare(`INSERT OR REPLACE INTO embedding_codes (photo_id, code) VALUES (1, x'00')`).run();
    setCurrent.run(first);
    expect(codes(db).map((row) => row.photoId)).toEqual([1, 2]);
    const second = Number(caption.run(1, 2).lastInsertRowid);
    setCurrent.run(second);
    expect(codes(db).map((row) => row.photoId)).toEqual([2]);
    expect([...new EmbeddingsRepository(db).codedPhotoIds([1, 2])]).toEqual([2]);
    db.close();
  });
});
