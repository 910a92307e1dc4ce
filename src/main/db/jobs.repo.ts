import type { Database } from 'better-sqlite3';

export class JobsRepository {
  constructor(private readonly db: Database) {}

  counts(): { queued: number; failed: number } {
    return this.db
      .prepare(
        `SELECT
           count(*) FILTER (WHERE state IN ('queued', 'running', 'waiting')) AS queued,
           count(*) FILTER (WHERE state = 'failed') AS failed
         FROM jobs`,
      )
      .get() as { queued: number; failed: number };
  }
}
