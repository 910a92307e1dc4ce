import type { Database, Statement } from 'better-sqlite3';
import { KeptUntilChange } from './statements';

/**
 * The photos whose files are missing, which unfiltered searches leave out: read again only after
 * the library changed, since at a million photos with 10,000 missing the read takes 3 to 15 ms.
 */
export class MissingPhotos {
  private readonly kept: KeptUntilChange<ReadonlySet<number>>;

  constructor(
    db: Database,
    private readonly sql: (text: string) => Statement,
  ) {
    this.kept = new KeptUntilChange(db, sql);
  }

  ids(): ReadonlySet<number> {
    // Named: at a million photos the planner would rather scan photos_folder (3 ms, and more when busy).
    return this.kept.get(() => new Set(this.sql(`SELECT id FROM photos INDEXED BY photos_missing WHERE status = 'missing'`).pluck().all() as number[]));
  }
}
