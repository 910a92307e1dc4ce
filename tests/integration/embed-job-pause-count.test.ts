import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/main/db/database';
import { JobsRepository } from '../../src/main/db/jobs.repo';
import { tempDir } from '../helpers/files';

describe('the embed job under a pause of everything', () => {
  it('is counted as paused, not queued, since a pause of everything holds it back', () => {
    const db = openDatabase(join(tempDir(), 'library.db'));
    try {
      // Choosing a model queues the library's embed job (a job with no photo) through its trigger.
      db.prepare(`INSERT INTO embedding_model (id, provider, model, chosen_at) VALUES (1, 'local', 'synonyms', '2026-12-04T00:00:00Z')`).run();
      const jobs = new JobsRepository(db);
      expect(jobs.counts()).toMatchObject({ queued: 1, paused: 0 });

      jobs.pause('', '2026-12-04T00:00:01Z');
      expect(jobs.counts()).toMatchObject({ queued: 0, paused: 1 });
    } finally {
      db.close();
    }
  });
});
