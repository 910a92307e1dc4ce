import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/main/db/database';
import { EmbeddingsRepository } from '../../src/main/db/embeddings.repo';
import { tempDir } from '../helpers/files';

describe('the missing photos a meaning search leaves out', () => {
  it('are read again after any change to the library, by this process or another, and not before', () => {
    const db = openDatabase(join(tempDir(), 'library.db'));
    db.exec(`INSERT INTO folders (path, name, added_at) VALUES ('/photos', 'photos', 'now')`);
    const photo = db.prepare(`INSERT INTO photos (folder_id, path, rel_path, file_name, file_type, size, mtime_ms, fingerprint, indexed_at)
      VALUES (1, ?, ?, ?, 'JPEG', 1, 1, ?, 'now')`);
    for (let n = 1; n <= 4; n++) photo.run(`/photos/${n}.jpg`, `${n}.jpg`, `${n}.jpg`, String(n).padStart(32, '0'));
    const repo = new EmbeddingsRepository(db);
    expect([...repo.missingPhotoIds()]).toEqual([]);

    db.prepare(`UPDATE photos SET status = 'missing' WHERE id IN (2, 3)`).run();
    const read = repo.missingPhotoIds();
    expect([...read].sort()).toEqual([2, 3]);
    // Nothing changed since: the same set, not a new read.
    expect(repo.missingPhotoIds()).toBe(read);

    const otherProcess = openDatabase(db.name);
    otherProcess.prepare(`UPDATE photos SET status = 'present' WHERE id = 3`).run();
    otherProcess.close();
    expect([...repo.missingPhotoIds()]).toEqual([2]);

    // Read inside a transaction that is then rolled back: kept nowhere.
    db.exec('BEGIN');
    db.prepare(`UPDATE photos SET status = 'missing' WHERE id = 4`).run();
    expect([...repo.missingPhotoIds()].sort()).toEqual([2, 4]);
    db.exec('ROLLBACK');
    expect([...repo.missingPhotoIds()]).toEqual([2]);
    db.close();
  });
});
