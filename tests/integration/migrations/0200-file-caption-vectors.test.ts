import { describe, expect, it } from 'vitest';
import { EmbeddingsRepository } from '../../../src/main/db/embeddings.repo';
import { migrate } from '../../../src/main/db/migrate';
import { migrations } from '../../../src/main/db/migrations';
import { fileCaptionVectors } from '../../../src/main/db/migrations/0200-file-caption-vectors';
import { embeddedLibraryAt } from '../../helpers/embedded-library';

const model = { provider: 'local', model: 'nomic-embed-text' };

describe('migration 0200 file caption vectors', () => {
  it("drops a vector made from the file's caption when that caption changes, so the photo is embedded again", () => {
    const { db, vectors } = embeddedLibraryAt(fileCaptionVectors.version - 1, 2);
    migrate(db, migrations, fileCaptionVectors.version);
    db.prepare(`UPDATE photos SET embedded_caption = 'A dog on a beach'`).run();
    const repo = new EmbeddingsRepository(db);
    repo.store(model, repo.textsOf([1, 2]).map((row) => ({ ...row, vector: vectors[row.photoId - 1]! })));
    expect(repo.currentVectors([1, 2]).map(([photoId]) => photoId).sort()).toEqual([1, 2]);
    expect(repo.pending(0, 10)).toEqual([]);

    // Another app wrote photo 1's file, and it was indexed again; photo 2's was indexed unchanged.
    db.prepare(`UPDATE photos SET embedded_caption = 'A lighthouse at night' WHERE id = 1`).run();
    db.prepare(`UPDATE photos SET embedded_caption = 'A dog on a beach' WHERE id = 2`).run();
    expect(repo.currentVectors([1, 2]).map(([photoId]) => photoId)).toEqual([2]);
    expect(repo.pending(0, 10).map((row) => [row.photoId, row.text])).toEqual([[1, 'A lighthouse at night']]);
    expect(db.prepare(`SELECT count(*) FROM jobs WHERE kind = 'embed' AND state = 'queued'`).pluck().get()).toBe(1);
    db.close();
  });

  it('keeps a vector made from a caption of ours when the file caption changes', () => {
    const { db, vectors } = embeddedLibraryAt(fileCaptionVectors.version, 1);
    const caption = Number(db.prepare(`INSERT INTO captions (photo_id, version, source, caption, created_at) VALUES (1, 1, 'generated', 'A dog', 'now')`).run().lastInsertRowid);
    db.prepare('UPDATE photos SET current_caption_id = ? WHERE id = 1').run(caption);
    const repo = new EmbeddingsRepository(db);
    repo.store(model, repo.textsOf([1]).map((row) => ({ ...row, vector: vectors[0]! })));
    db.prepare(`UPDATE photos SET embedded_caption = 'A lighthouse at night' WHERE id = 1`).run();
    expect(repo.currentVectors([1]).map(([photoId]) => photoId)).toEqual([1]);
    db.close();
  });
});
