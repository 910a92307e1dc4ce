import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../src/main/db/migrate';
import { migrations } from '../../../src/main/db/migrations';
import { embedJobs } from '../../../src/main/db/migrations/0150-embed-jobs';

const before = migrations.filter((migration) => migration.version < embedJobs.version);
const states = ['queued', 'running', 'waiting-for-retry', 'done', 'failed', 'cancelled'];

/** A library at version 140 with jobs of both kinds in every state, one inside a Batch API batch. */
function libraryWithJobs(withModel: boolean) {
  const db = new Sqlite(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, before);
  db.exec(`
    INSERT INTO folders (path, name, added_at) VALUES ('/photos', 'photos', 'then');
    INSERT INTO photos (folder_id, path, rel_path, file_name, file_type, size, mtime_ms, fingerprint, indexed_at) VALUES
      (1, '/photos/a.jpg', 'a.jpg', 'a.jpg', 'JPEG', 1, 1, '${'a'.repeat(32)}', 'then'),
      (1, '/photos/b.jpg', 'b.jpg', 'b.jpg', 'JPEG', 1, 1, '${'b'.repeat(32)}', 'then');
    INSERT INTO caption_runs (provider, started_at) VALUES ('svc', 'then');
    INSERT INTO caption_batches (provider, state, created_at, updated_at) VALUES ('svc', 'submitted', 'then', 'then');
  `);
  const insert = db.prepare(`INSERT INTO jobs (id, kind, photo_id, provider, run_id, state, attempts, crashes, priority, next_run_at,
      lease_owner, lease_expires_at, remote_task_id, last_error, batch_id, via_batch, created_at, updated_at, finished_at)
    VALUES (?, ?, ?, 'svc', 1, ?, 2, 1, 100, 'next', 'owner', 'lease', 'task', 'why', ?, ?, 't0', 't1', ?)`);
  let id = 10;
  for (const kind of ['caption', 'writeMetadata']) {
    for (const state of states) insert.run((id += 3), kind, id % 2 ? 1 : 2, state, null, 0, state === 'done' ? 't2' : null);
  }
  insert.run(99, 'caption', 1, 'running', 1, 1, null);
  db.exec(`INSERT INTO caption_batch_requests (batch_id, custom_id, job_id, line, sent) VALUES (1, 'job-99', 99, 0, '{}')`);
  if (withModel) db.exec(`INSERT INTO embedding_model (id, provider, model, chosen_at) VALUES (1, 'local', 'nomic', 'then')`);
  return db;
}

const schemaOf = (db: Sqlite.Database, type: string) =>
  db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = ? AND tbl_name = 'jobs' ORDER BY name`).all(type);
const embedJobsOf = (db: Sqlite.Database) =>
  db.prepare(`SELECT provider, state, photo_id AS photoId FROM jobs WHERE kind = 'embed' ORDER BY id`).all();

describe('migration 0150 embed jobs', () => {
  it('keeps every job, id, index and batch request, and allows the embed kind without a photo', () => {
    const db = libraryWithJobs(false);
    const jobs = () => db.prepare('SELECT * FROM jobs ORDER BY id').all();
    const kept = jobs();
    const indexes = schemaOf(db, 'index');
    expect(kept).toHaveLength(13);

    migrate(db, migrations, embedJobs.version);

    expect(db.pragma('user_version', { simple: true })).toBe(150);
    expect(jobs()).toEqual(kept);
    expect(schemaOf(db, 'index')).toEqual(expect.arrayContaining(indexes));
    expect(db.prepare('SELECT job_id FROM caption_batch_requests').pluck().all()).toEqual([99]);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(embedJobsOf(db)).toEqual([]);

    const add = db.prepare(`INSERT INTO jobs (kind, photo_id, provider, created_at, updated_at) VALUES (?, ?, ?, 't', 't')`);
    expect(() => add.run('caption', null, 'svc')).toThrow(/CHECK constraint/);
    expect(() => add.run('embed', 1, 'local')).toThrow(/CHECK constraint/);
    expect(() => add.run('thumbnail', 1, 'svc')).toThrow(/CHECK constraint/);
    add.run('embed', null, 'local');
    // One unfinished embed job per provider, never two.
    expect(() => add.run('embed', null, 'local')).toThrow(/UNIQUE constraint/);
    db.prepare(`UPDATE jobs SET state = 'done' WHERE kind = 'embed'`).run();
    add.run('embed', null, 'local');
    // Jobs still go with their photo and their batch requests with them.
    db.prepare('DELETE FROM photos WHERE id = 1').run();
    expect(db.prepare('SELECT count(*) FROM caption_batch_requests').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM jobs WHERE photo_id IS NOT NULL').pluck().get()).toBe(6);
    db.close();
  });

  it('queues one embed job when a model is chosen or changed and whenever a caption becomes waiting', () => {
    const db = libraryWithJobs(true);
    migrate(db, migrations, embedJobs.version);
    // A library that embeds already gets its job at once, for the captions waiting.
    expect(embedJobsOf(db)).toEqual([{ provider: 'local', state: 'queued', photoId: null }]);

    const finishEmbedding = () => db.prepare(`UPDATE jobs SET state = 'done' WHERE kind = 'embed'`).run();
    const caption = (photoId: number, version: number) =>
      db.prepare(`INSERT INTO captions (photo_id, version, source, caption, created_at) VALUES (?, ?, 'edited', 'A kite', 'now')`).run(photoId, version);
    caption(1, 1);
    caption(2, 1);
    expect(embedJobsOf(db)).toHaveLength(1);
    finishEmbedding();
    db.prepare(`UPDATE photos SET fingerprint = '${'c'.repeat(32)}' WHERE id = 2`).run();
    expect(embedJobsOf(db)).toHaveLength(1);
    caption(2, 2);
    expect(embedJobsOf(db).map((job) => (job as { state: string }).state)).toEqual(['done', 'queued']);

    finishEmbedding();
    db.exec(`INSERT INTO photos (folder_id, path, rel_path, file_name, file_type, size, mtime_ms, fingerprint, indexed_at, embedded_caption)
      VALUES (1, '/photos/c.jpg', 'c.jpg', 'c.jpg', 'JPEG', 1, 1, '${'d'.repeat(32)}', 'now', 'Orange glow')`);
    expect(embedJobsOf(db)).toHaveLength(3);
    finishEmbedding();
    db.prepare(`UPDATE photos SET embedded_caption = 'Amber light' WHERE id = 3`).run();
    expect(embedJobsOf(db)).toHaveLength(4);

    // Another model of the same provider: its unfinished job serves; another provider gets its own.
    db.prepare(`UPDATE embedding_model SET model = 'mxbai'`).run();
    expect(embedJobsOf(db)).toHaveLength(4);
    db.prepare(`UPDATE embedding_model SET provider = 'cloud'`).run();
    expect(embedJobsOf(db).slice(-2)).toEqual([
      { provider: 'local', state: 'queued', photoId: null },
      { provider: 'cloud', state: 'queued', photoId: null },
    ]);
    db.close();
  });
});
