import type { Database, Statement } from 'better-sqlite3';
import { changeStamp } from './statements';

/**
 * The photos whose files are missing, which unfiltered searches leave out: read again only after
 * the library changed (see `changeStamp`), since at a million photos with 10,000 missing the read
 * takes 3 to 15 ms.
 */
export class MissingPhotos {
  private read: { stamp: string; ids: ReadonlySet<number> } | undefined;

  constructor(
    private readonly db: Database,
    private readonly sql: (text: string) => Statement,
  ) {}

  ids(): ReadonlySet<number> {
    const stamp = changeStamp(this.sql);
    if (this.read?.stamp === stamp) return this.read.ids;
    // Named: at a million photos the planner would rather scan photos_folder (3 ms, and more when busy).
    const ids = new Set(this.sql(`SELECT id FROM photos INDEXED BY photos_missing WHERE status = 'missing'`).pluck().all() as number[]);
    // Inside a transaction that may yet roll back, keep nothing: the stamp would not move.
    this.read = this.db.inTransaction ? undefined : { stamp, ids };
    return ids;
  }
}
