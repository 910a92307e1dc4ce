import type { Database, Statement } from 'better-sqlite3';
import { statementCache } from './statements';
import type { CaptureFacts, PhotoStatus } from '../../shared/domain';

/** Everything the indexer learns about a file; stored as one photo row. */
export interface PhotoRecord extends CaptureFacts {
  folderId: number;
  path: string;
  relPath: string;
  fileName: string;
  fileType: string;
  mimeType: string | null;
  size: number;
  mtimeMs: number;
  fingerprint: string;
  hasThumbnail: boolean;
  embeddedTitle: string | null;
  embeddedCaption: string | null;
  embeddedAltText: string | null;
  embeddedKeywords: string[];
  indexedAt: string;
}

/** The little the indexer needs to decide whether a known file changed. */
export interface KnownPhoto {
  id: number;
  path: string;
  size: number;
  mtimeMs: number;
  fingerprint: string;
  status: PhotoStatus;
}

const recordColumns = `
  folder_id = @folderId, path = @path, rel_path = @relPath, file_name = @fileName,
  file_type = @fileType, mime_type = @mimeType, size = @size, mtime_ms = @mtimeMs,
  fingerprint = @fingerprint, has_thumbnail = @hasThumbnail, width = @width, height = @height,
  orientation = @orientation, captured_at = @capturedAt, camera_make = @cameraMake,
  camera_model = @cameraModel, lens = @lens, gps_latitude = @gpsLatitude,
  gps_longitude = @gpsLongitude, gps_altitude = @gpsAltitude, embedded_title = @embeddedTitle,
  embedded_caption = @embeddedCaption, embedded_alt_text = @embeddedAltText,
  embedded_keywords = @embeddedKeywords, indexed_at = @indexedAt,
  status = 'present', missing_since = NULL`;

/** What captioning needs to know of a photo. */
export interface CaptionTarget {
  id: number;
  path: string;
  fileName: string;
  fingerprint: string;
  width: number | null;
  height: number | null;
  capturedAt: string | null;
  status: PhotoStatus;
  folderId: number;
}

const captionTargetColumns = `p.id, p.path, p.file_name AS fileName, p.fingerprint, p.width, p.height,
  p.captured_at AS capturedAt, p.status, p.folder_id AS folderId`;

const knownColumns = 'id, path, size, mtime_ms AS mtimeMs, fingerprint, status';

function toParams(record: PhotoRecord) {
  return {
    ...record,
    hasThumbnail: record.hasThumbnail ? 1 : 0,
    embeddedKeywords: JSON.stringify(record.embeddedKeywords),
  };
}

export class PhotosRepository {
  private readonly insertStatement;
  private readonly updateStatement;
  private readonly byPathStatement;
  private readonly sql: (sql: string) => Statement;

  constructor(private readonly db: Database) {
    this.sql = statementCache(db);
    // The INSERT is built from the UPDATE's column list, so the two cannot drift apart.
    const columns = recordColumns.split(',').map((pair) => pair.split('=').map((s) => s.trim()));
    this.insertStatement = db.prepare(
      `INSERT INTO photos (${columns.map(([column]) => column).join(', ')})
       VALUES (${columns.map(([, value]) => value).join(', ')})`,
    );
    this.updateStatement = db.prepare(`UPDATE photos SET ${recordColumns} WHERE id = @id`);
    this.byPathStatement = db.prepare(`SELECT ${knownColumns} FROM photos WHERE path = ?`);
  }

  insert(record: PhotoRecord): number {
    return Number(this.insertStatement.run(toParams(record)).lastInsertRowid);
  }

  /** Replaces a photo's file facts, keeping its id and so its captions and jobs. */
  update(id: number, record: PhotoRecord): void {
    this.updateStatement.run({ ...toParams(record), id });
  }

  findByPath(path: string): KnownPhoto | undefined {
    return this.byPathStatement.get(path) as KnownPhoto | undefined;
  }

  /** Photos of a folder at or below `pathPrefix` (the folder path, or a subfolder ending in a separator). */
  knownUnder(folderId: number, pathPrefix: string): KnownPhoto[] {
    return this.sql(
        `SELECT ${knownColumns} FROM photos
         WHERE folder_id = ? AND substr(path, 1, length(?)) = ?`,
      )
      .all(folderId, pathPrefix, pathPrefix) as KnownPhoto[];
  }

  /** Photos with this content, each with the path of its library folder. */
  withFingerprint(fingerprint: string): (KnownPhoto & { folderPath: string })[] {
    return this.sql(
        `SELECT p.id, p.path, p.size, p.mtime_ms AS mtimeMs, p.fingerprint, p.status, f.path AS folderPath
         FROM photos p JOIN folders f ON f.id = p.folder_id WHERE p.fingerprint = ?`,
      )
      .all(fingerprint) as (KnownPhoto & { folderPath: string })[];
  }

  isFingerprintUsed(fingerprint: string): boolean {
    return this.sql('SELECT 1 FROM photos WHERE fingerprint = ? LIMIT 1').get(fingerprint) !== undefined;
  }

  markMissing(ids: readonly number[], at: string): void {
    const statement = this.sql(
      `UPDATE photos SET status = 'missing', missing_since = ? WHERE id = ? AND status = 'present'`,
    );
    this.db.transaction(() => {
      for (const id of ids) statement.run(at, id);
    })();
  }

  /** Hands every photo of one folder to another (a parent folder added later absorbs it). */
  reparent(fromFolderId: number, toFolderId: number, relPathPrefix: string): void {
    this.sql('UPDATE photos SET folder_id = ?, rel_path = ? || rel_path WHERE folder_id = ?')
      .run(toFolderId, relPathPrefix, fromFolderId);
  }

  /** From the counts the triggers keep: counting a million photos takes a tenth of a second. */
  counts(): { photos: number; missing: number; captioned: number } {
    return this.sql(
        `SELECT
           coalesce(sum(present), 0) AS photos,
           coalesce(sum(missing), 0) AS missing,
           (SELECT captioned FROM library_totals) AS captioned
         FROM photo_dirs`,
      )
      .get() as { photos: number; missing: number; captioned: number };
  }

  captionTarget(id: number): CaptionTarget | undefined {
    return this.sql(`SELECT ${captionTargetColumns} FROM photos p WHERE p.id = ?`)
      .get(id) as CaptionTarget | undefined;
  }

  /**
   * Present photos that are, or lie below, one of `scopes` (a file path, or a folder path ending
   * in a separator), or the whole library when there are none; without a caption of ours unless
   * `includeCaptioned`. In path order, so a run works through folders as the user sees them.
   */
  awaitingCaption(scopes: readonly string[], includeCaptioned: boolean): CaptionTarget[] {
    const inScope = scopes.map(() => '(p.path = ? OR substr(p.path, 1, length(?)) = ?)').join(' OR ');
    return this.sql(
        `SELECT ${captionTargetColumns} FROM photos p
         WHERE p.status = 'present'
           ${scopes.length ? `AND (${inScope})` : ''}
           ${includeCaptioned ? '' : 'AND NOT EXISTS (SELECT 1 FROM captions c WHERE c.photo_id = p.id)'}
         ORDER BY p.path`,
      )
      .all(...scopes.flatMap((scope) => [scope, scope, scope])) as CaptionTarget[];
  }

  /** Those of these photos that are present and have no caption of ours yet. */
  withoutCaption(photoIds: readonly number[]): number[] {
    const statement = this.sql(
      `SELECT id FROM photos p WHERE id = ? AND status = 'present' AND NOT EXISTS (SELECT 1 FROM captions c WHERE c.photo_id = p.id)`,
    );
    return photoIds.filter((id) => statement.get(id) !== undefined);
  }
}
