import { describe, expect, it } from 'vitest';
import { migrate } from '../../../src/main/db/migrate';
import { migrations } from '../../../src/main/db/migrations';
import { libraryWithOnePhotoBefore } from '../../helpers/migrations';
import { embeddings } from '../../../src/main/db/migrations/0140-embeddings';

const libraryWithOnePhoto = () => libraryWithOnePhotoBefore(embeddings.version, 'Orange glow over the hills');

describe('migration 0140 embeddings', () => {
  it('keeps the library and starts with no model and no vectors', () => {
    const db = libraryWithOnePhoto();
    migrate(db, migrations, embeddings.version);
    expect(db.pragma('user_version', { simple: true })).toBe(140);
    expect(db.prepare('SELECT caption FROM captions').pluck().all()).toEqual(['Orange glow over the hills']);
    expect(db.prepare('SELECT count(*) FROM embedding_model').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM photo_embeddings').pluck().get()).toBe(0);
    db.close();
  });

  it('removes vectors with their photo, and all vectors when the model changes', () => {
    const db = libraryWithOnePhoto();
    migrate(db, migrations, embeddings.version);
    const choose = db.prepare(`
      INSERT INTO embedding_model (id, provider, model, dimensions, chosen_at) VALUES (1, ?, ?, NULL, 'now')
      ON CONFLICT (id) DO UPDATE SET provider = excluded.provider, model = excluded.model, dimensions = excluded.dimensions`);
    const store = () => {
      db.prepare('INSERT OR REPLACE INTO photo_embeddings (photo_id, caption_id, vector) VALUES (1, 1, ?)').run(Buffer.alloc(8));
      db.prepare(`INSERT OR REPLACE INTO query_embeddings (text, vector) VALUES ('amber', ?)`).run(Buffer.alloc(8));
    };
    const counts = () => [db.prepare('SELECT count(*) FROM photo_embeddings').pluck().get(), db.prepare('SELECT count(*) FROM query_embeddings').pluck().get()];
    choose.run('local', 'nomic-embed-text');
    store();
    db.prepare('UPDATE embedding_model SET dimensions = 768').run();
    expect(counts()).toEqual([1, 1]);
    choose.run('local', 'mxbai-embed-large');
    expect(counts()).toEqual([0, 0]);
    store();
    expect(() => db.prepare(`INSERT INTO embedding_model (id, provider, model, chosen_at) VALUES (2, 'x', 'y', 'now')`).run()).toThrow(/CHECK/);
    db.prepare('DELETE FROM photos').run();
    expect(counts()).toEqual([0, 1]);
    db.close();
  });
});
