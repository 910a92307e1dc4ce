import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../src/main/db/migrate';
import { migrations } from '../../../src/main/db/migrations';
import { jobIdsNeverReused } from '../../../src/main/db/migrations/0210-job-ids-never-reused';

const schemaOf = (db: Sqlite.Database) =>
  db.prepare(`SELECT type, name FROM sqlite_master WHERE tbl_name = 'jobs' AND type IN ('index', 'trigger') ORDER BY name`).all();

describe('migration 0210 job ids never reused', () => {
  it('keeps every job, its indexes and the batch requests pointing at it, and never gives a deleted job id again', () => {
    const db = new Sqlite(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, migrations, jobIdsNeverReused.version - 1);
    db.exec(`INSERT INTO folders (path, name, added_at) VALUES ('/photos', 'photos', 'now')`);
    const photo = db.prepare(`INSERT INTO photos (folder_id, path, rel_path, file_name, file_type, size, mtime_ms, fingerprint, indexed_at)
      VALUES (1, ?, ?, ?, 'JPEG', 1, 1, ?, 'now')`);
    for (const name of ['a', 'b', 'c']) photo.run(`/photos/${name}.jpg`, `${name}.jpg`, `${name}.jpg`, name.padStart(32, '0'));
    const job = db.prepare(`INSERT INTO jobs (kind, photo_id, provider, state, created_at, updated_at) VALUES ('caption', ?, 'vision', ?, 'now', 'now')`);
    job.run(1, 'done');
    job.run(2, 'queued');
    job.run(3, 'running');
    db.exec(`INSERT INTO caption_batches (provider, state, created_at, updated_at) VALUES ('vision', 'preparing', 'now', 'now');
      INSERT INTO caption_batch_requests (batch_id, custom_id, job_id, line, sent) VALUES (1, 'job-2', 2, 1, '{}')`);
    const before = { jobs: db.prepare('SELECT * FROM jobs ORDER BY id').all(), schema: schemaOf(db) };
    // The newest job goes with its photo, as when a folder leaves the library.
    db.prepare('DELETE FROM photos WHERE id = 3').run();
    expect(job.run(1, 'queued').lastInsertRowid).toBe(3);
    db.prepare('DELETE FROM jobs WHERE id = 3').run();

    migrate(db, migrations, jobIdsNeverReused.version);
    expect(db.prepare('SELECT * FROM jobs ORDER BY id').all()).toEqual(before.jobs.slice(0, 2));
    expect(schemaOf(db)).toEqual(before.schema);
    expect(db.prepare('SELECT job_id FROM caption_batch_requests').pluck().all()).toEqual([2]);
    const next = db.prepare(`INSERT INTO jobs (kind, photo_id, provider, created_at, updated_at) VALUES ('caption', 1, 'vision', 'now', 'now')`);
    const id = Number(next.run().lastInsertRowid);
    db.prepare('DELETE FROM jobs WHERE id = ?').run(id);
    expect(Number(next.run().lastInsertRowid)).toBe(id + 1);
    // The triggers that queue embedding still write into it.
    db.exec(`INSERT INTO embedding_model (id, provider, model, chosen_at) VALUES (1, 'local', 'nomic-embed-text', 'now')`);
    expect(db.prepare(`SELECT count(*) FROM jobs WHERE kind = 'embed'`).pluck().get()).toBe(1);
    db.close();
  });
});
