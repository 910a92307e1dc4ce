import { describe, expect, it } from 'vitest';
import { longCodeBits, signCode } from '../../../src/main/base/sign-code';
import { EmbeddingsRepository } from '../../../src/main/db/embeddings.repo';
import type { CodeSeqs } from '../../../src/main/db/embeddings.repo';
import { migrate } from '../../../src/main/db/migrate';
import { migrations } from '../../../src/main/db/migrations';
import { codeRemovals, keptCodeRemovals } from '../../../src/main/db/migrations/0190-code-removals';
import { embeddedLibraryAt } from '../../helpers/embedded-library';

/** A library at this version with `count` photos embedded and coded, as the embeddings service stores them. */
function codedLibrary(count: number) {
  const { db, vectors } = embeddedLibraryAt(codeRemovals.version - 1, count);
  migrate(db, migrations, codeRemovals.version);
  const repo = new EmbeddingsRepository(db);
  const texts = repo.textsOf(vectors.map((_, index) => index + 1));
  repo.store({ provider: 'local', model: 'nomic-embed-text' }, texts.map((row) => ({ ...row, vector: vectors[row.photoId - 1]! })));
  return { db, repo, vectors, texts };
}

/** What an index would be told since `since`: the photos put and removed, and where it is then. */
function changes(repo: EmbeddingsRepository, since: CodeSeqs) {
  const put: number[] = [];
  const removed: number[] = [];
  const seqs = repo.codeChangesSince(since, (photoId) => put.push(photoId), (photoId) => removed.push(photoId))?.seqs ?? null;
  return { put, removed, seqs };
}

describe('migration 0190 code removals', () => {
  it('tells an index which codes went since it last looked: a deleted photo, a changed caption, not a code stored again', () => {
    const { db, repo, vectors, texts } = codedLibrary(4);
    const built = changes(repo, repo.codeSeqsOfNewIndex());
    expect(built.put).toEqual([1, 2, 3, 4]);
    expect(built.removed).toEqual([]);

    db.prepare('DELETE FROM photos WHERE id = 1').run();
    const caption = Number(db.prepare(`INSERT INTO captions (photo_id, version, source, caption, created_at) VALUES (2, 1, 'generated', 'A dog', 'now')`).run().lastInsertRowid);
    db.prepare('UPDATE photos SET current_caption_id = ? WHERE id = 2').run(caption);
    // Photo 3 embedded again (its code replaced): nothing to drop, its new code to take in.
    repo.store({ provider: 'local', model: 'nomic-embed-text' }, [{ ...texts.find((row) => row.photoId === 3)!, vector: vectors[2]! }]);
    const later = changes(repo, built.seqs!);
    expect(later.removed.sort()).toEqual([1, 2]);
    expect(db.prepare('SELECT photo_id FROM embedding_code_removals ORDER BY seq').pluck().all()).toEqual([1, 2]);
    expect(later.put).toEqual([3]);
    expect(changes(repo, later.seqs!)).toEqual({ put: [], removed: [], seqs: later.seqs });

    // Photo 2's new caption embedded: its code comes back, and is not dropped by the earlier removal.
    const code = Buffer.from(signCode(vectors[1]!, longCodeBits).buffer);
    db.prepare('UPDATE photo_embeddings SET caption_id = ? WHERE photo_id = 2').run(caption);
    db.prepare('INSERT INTO embedding_codes (photo_id, code) VALUES (2, ?)').run(code);
    expect(changes(repo, built.seqs!)).toMatchObject({ removed: [1], put: [3, 2] });
    db.close();
  });

  it('starts a new index after every removal so far, and has it built again once removals it missed were pruned', () => {
    const { db, repo } = codedLibrary(3);
    db.prepare('DELETE FROM photos WHERE id = 1').run();
    const fresh = repo.codeSeqsOfNewIndex();
    const built = changes(repo, fresh);
    expect(built).toMatchObject({ put: [2, 3], removed: [] });
    // As if 100,000 more codes had been removed since: the oldest removals are pruned.
    db.prepare(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${keptCodeRemovals}) INSERT INTO embedding_code_removals (photo_id) SELECT i FROM n`).run();
    db.prepare('DELETE FROM photos WHERE id = 2').run();
    expect(db.prepare('SELECT count(*) FROM embedding_code_removals').pluck().get()).toBe(keptCodeRemovals);
    expect(changes(repo, built.seqs!).seqs).toBeNull();
    const rebuilt = changes(repo, repo.codeSeqsOfNewIndex());
    expect(rebuilt).toMatchObject({ put: [3], removed: [] });
    db.close();
  });
});

describe('codes and current vectors', () => {
  it('stores nothing from an answer for a caption no longer current (edited while the provider answered): the current vector and its code stay', () => {
    const { db, repo, vectors } = codedLibrary(2);
    const caption = db.prepare(`INSERT INTO captions (photo_id, version, source, caption, created_at) VALUES (1, ?, 'generated', ?, 'now')`);
    const first = Number(caption.run(1, 'A dog').lastInsertRowid);
    db.prepare('UPDATE photos SET current_caption_id = ? WHERE id = 1').run(first);
    const [asked] = repo.textsOf([1]);
    const second = Number(caption.run(2, 'A dog on a beach').lastInsertRowid);
    db.prepare('UPDATE photos SET current_caption_id = ? WHERE id = 1').run(second);
    const model = { provider: 'local', model: 'nomic-embed-text' };
    // The second caption's vector first, then the first's, answered late.
    repo.store(model, repo.textsOf([1]).map((row) => ({ ...row, vector: vectors[0]! })));
    expect(repo.currentVectors([1, 2]).map(([photoId]) => photoId).sort()).toEqual([1, 2]);
    repo.store(model, [{ ...asked!, vector: vectors[1]! }]);
    expect([...repo.codedPhotoIds([1, 2])].sort()).toEqual([1, 2]);
    expect(repo.currentVectors([1, 2]).map(([photoId]) => photoId).sort()).toEqual([1, 2]);
    expect(repo.vectorOf(1)).toEqual(vectors[0]);
    db.close();
  });
});
