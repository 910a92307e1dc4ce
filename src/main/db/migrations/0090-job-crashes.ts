import type { Database } from 'better-sqlite3';
import type { Migration } from '../migrate';

/**
 * Jobs count the times their worker died or hung while running them (a photo that crashes the
 * decoder, an answer that hangs the process), apart from the service's failures in `attempts`,
 * so a job that keeps killing its worker ends instead of being retried forever. The due index
 * takes the count into its order: a job that crashed waits behind the others of its lane.
 */
export const jobCrashes: Migration = {
  version: 90,
  name: 'job-crashes',
  up(db: Database) {
    db.exec(`
      ALTER TABLE jobs ADD COLUMN crashes INTEGER NOT NULL DEFAULT 0;
      DROP INDEX jobs_due;
      CREATE INDEX jobs_due ON jobs(kind, provider, via_batch, priority DESC, crashes, id)
        WHERE state IN ('queued', 'waiting-for-retry');
    `);
  },
};
