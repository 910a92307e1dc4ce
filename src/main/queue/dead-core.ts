import type { Database } from 'better-sqlite3';
import { CaptionBatchesRepository } from '../db/caption-batches.repo';
import { JobsRepository } from '../db/jobs.repo';
import { maxCrashes } from './scheduler';

/**
 * Gives back at once the work of a core that died while its process lives on (a worker thread
 * that crashed): its running jobs go back to the queue, each counting a crash as after any other
 * worker's death, and a batch it was preparing becomes anyone's to resume. Without this they would
 * wait for their lease to run out, since the process named in the owner is still alive.
 */
export function giveBackWorkOfDeadCore(db: Database, owner: string, now: Date): { requeued: number; failed: number } {
  const outcome = new JobsRepository(db).recoverAbandoned(now.toISOString(), (other) => other === owner, maxCrashes);
  new CaptionBatchesRepository(db).disown(owner);
  return outcome;
}
