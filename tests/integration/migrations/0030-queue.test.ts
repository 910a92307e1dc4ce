import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../src/main/db/migrate';
import { init } from '../../../src/main/db/migrations/0010-init';
import { providers } from '../../../src/main/db/migrations/0020-providers';
import { queue } from '../../../src/main/db/migrations/0030-queue';

describe('migration 0030 queue', () => {
  it('keeps every job with its state, attempts and remote task, and adds what the durable queue needs', () => {
    const db = new Sqlite(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, [init, providers]);
    db.exec(`
      INSERT INTO folders (path, name, added_at, auto_caption) VALUES ('/photos/card', 'card', 'then', 1);
      INSERT INTO photos (folder_id, path, rel_path, file_name, file_type, size, mtime_ms, fingerprint, indexed_at) VALUES
        (1, '/photos/card/a.jpg', 'a.jpg', 'a.jpg', 'JPEG', 1, 1, '${'a'.repeat(32)}', 'then'),
        (1, '/photos/card/b.jpg', 'b.jpg', 'b.jpg', 'JPEG', 1, 1, '${'b'.repeat(32)}', 'then');
      INSERT INTO jobs (kind, photo_id, provider, payload, state, attempts, next_run_at, remote_task_id, last_error, created_at, updated_at) VALUES
        ('caption', 1, 'ws', '{"options":{}}', 'waiting', 2, '2026-11-20T10:00:00.000Z', 'task-77', 'WaveSpeed is busy', 't0', 't1'),
        ('caption', 2, 'ws', '{}', 'done', 1, NULL, NULL, NULL, 't0', 't2'),
        ('caption', NULL, 'ws', '{}', 'queued', 0, NULL, NULL, NULL, 't0', 't0');
    `);

    migrate(db, [init, providers, queue]);

    expect(db.pragma('user_version', { simple: true })).toBe(30);
    expect(
      db.prepare('SELECT id, photo_id, state, attempts, next_run_at, remote_task_id, last_error, finished_at, run_id, via_batch FROM jobs ORDER BY id').all(),
    ).toEqual([
      { id: 1, photo_id: 1, state: 'waiting-for-retry', attempts: 2, next_run_at: '2026-11-20T10:00:00.000Z', remote_task_id: 'task-77', last_error: 'WaveSpeed is busy', finished_at: null, run_id: null, via_batch: 0 },
      { id: 2, photo_id: 2, state: 'done', attempts: 1, next_run_at: null, remote_task_id: null, last_error: null, finished_at: 't2', run_id: null, via_batch: 0 },
    ]);
    const columns = db.prepare('SELECT name FROM pragma_table_info(?)').pluck();
    expect(columns.all('folders')).toContain('auto_caption_provider');
    expect(columns.all('folders')).not.toContain('auto_caption');
    expect(db.prepare('SELECT auto_caption_provider FROM folders').pluck().get()).toBeNull();
    expect(columns.all('queue_pauses')).toEqual(['scope', 'paused_at']);
    expect(columns.all('caption_batches')).toContain('remote_batch_id');

    // The new states are the only ones allowed, jobs still follow their photo, and the due index exists.
    expect(() => db.prepare(`UPDATE jobs SET state = 'waiting' WHERE id = 1`).run()).toThrow(/CHECK constraint/);
    expect(() => db.prepare(`INSERT INTO jobs (kind, photo_id, created_at, updated_at) VALUES ('thumbnail', 1, 't', 't')`).run()).toThrow(
      /CHECK constraint/,
    );
    db.prepare('DELETE FROM photos WHERE id = 2').run();
    expect(db.prepare('SELECT id FROM jobs').pluck().all()).toEqual([1]);
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'jobs' ORDER BY name`).pluck().all()).toEqual([
      'jobs_batch',
      'jobs_due',
      'jobs_finished',
      'jobs_photo',
      'jobs_run',
      'jobs_running',
    ]);
  });
});
