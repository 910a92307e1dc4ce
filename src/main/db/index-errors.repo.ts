import type { Database } from 'better-sqlite3';
import type { FileError } from '../../shared/domain';

export class IndexErrorsRepository {
  constructor(private readonly db: Database) {}

  record(folderId: number, error: FileError, at: string): void {
    this.db
      .prepare(
        `INSERT INTO index_errors (path, folder_id, message, at) VALUES (?, ?, ?, ?)
         ON CONFLICT(path) DO UPDATE SET folder_id = excluded.folder_id, message = excluded.message, at = excluded.at`,
      )
      .run(error.path, folderId, error.message, at);
  }

  clear(path: string): void {
    this.db.prepare('DELETE FROM index_errors WHERE path = ?').run(path);
  }

  /** Paths with a recorded error at or below `pathPrefix` (a folder path ending in a separator). */
  pathsUnder(folderId: number, pathPrefix: string): string[] {
    const rows = this.db
      .prepare('SELECT path FROM index_errors WHERE folder_id = ? AND substr(path, 1, length(?)) = ?')
      .all(folderId, pathPrefix, pathPrefix) as { path: string }[];
    return rows.map((row) => row.path);
  }

  moveFolder(fromFolderId: number, toFolderId: number): void {
    this.db.prepare('UPDATE index_errors SET folder_id = ? WHERE folder_id = ?').run(toFolderId, fromFolderId);
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM index_errors').get() as { n: number }).n;
  }

  list(limit: number): FileError[] {
    return this.db
      .prepare('SELECT path, message FROM index_errors ORDER BY path LIMIT ?')
      .all(limit) as FileError[];
  }
}
