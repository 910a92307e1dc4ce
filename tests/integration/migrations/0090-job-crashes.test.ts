import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../src/main/db/migrate';
import { migrations } from '../../../src/main/db/migrations';
import { jobCrashes } from '../../../src/main/db/migrations/0090-job-crashes';

const before = migrations.filter((migration) => migration.version < jobCrashes.version);

describe('migration 0090 job crashes', () => {
  it('keeps every job, counts no crash yet, and orders a lane\'s due jobs by their crashes through the due index', () => {
    const db = new Sqlite(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, before);
    db.exec(`
      INSERT INTO folders (path, name, added_at) VALUES ('/photos', 'photos', 'then');
      INSERT INTO photos (folder_id, path, rel_path, file_name, file_type, size, mtime_ms, fingerprint, indexed_at) VALUES
        (1, '/photos/a.jpg', 'a.jpg', 'a.jpg', 'JPEG', 1, 1, '${'a'.repeat(32)}', 'then'),
        (1, '/photos/b.jpg', 'b.jpg', 'b.jpg', 'JPEG', 1, 1, '${'b'.repeat(32)}', 'then');
      INSERT INTO jobs (kind, photo_id, provider, state, attempts, priority, last_error, created_at, updated_at) VALUES
        ('caption', 1, 'svc', 'queued', 0, 0, NULL, 't0', 't0'),
        ('caption', 2, 'svc', 'waiting-for-retry', 2, 100, 'svc was busy', 't0', 't1');
    `);
    const jobs = () => db.prepare('SELECT id, state, attempts, priority, last_error FROM jobs ORDER BY id').all();
    const kept = jobs();

    migrate(db, [...before, jobCrashes]);

    expect(db.pragma('user_version', { simple: true })).toBe(90);
    expect(jobs()).toEqual(kept);
    expect(db.prepare('SELECT crashes FROM jobs').pluck().all()).toEqual([0, 0]);
    db.prepare('UPDATE jobs SET crashes = 1 WHERE id = 1').run();
    db.exec(`INSERT INTO jobs (kind, photo_id, provider, created_at, updated_at) VALUES ('caption', 2, 'svc', 't2', 't2')`);
    const due = `SELECT id FROM jobs WHERE kind = 'caption' AND provider = 'svc' AND via_batch = 0
      AND state IN ('queued', 'waiting-for-retry') ORDER BY priority DESC, crashes, id`;
    expect(db.prepare(due).pluck().all()).toEqual([2, 3, 1]);
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${due}`).all() as { detail: string }[]).map((row) => row.detail).join('\n');
    expect(plan).toMatch(/USING INDEX jobs_due/);
    expect(plan).not.toMatch(/TEMP B-TREE/);
  });
});
