import type { Database } from 'better-sqlite3';
import type { CaptionStatus, PhotoStatus, PhotoSummary } from '../../shared/domain';

export interface PhotoSearch {
  /** An FTS5 MATCH expression (see toFtsQuery), or null to list every photo. */
  match: string | null;
  folderId?: number;
  includeMissing: boolean;
  limit: number;
  offset: number;
}

interface SummaryRow {
  id: number;
  path: string;
  file_name: string;
  file_type: string;
  fingerprint: string;
  has_thumbnail: number;
  width: number | null;
  height: number | null;
  captured_at: string | null;
  status: PhotoStatus;
  caption: string | null;
  title: string | null;
  keywords: string;
  caption_status: CaptionStatus | null;
}

const summaryColumns = `
  p.id, p.path, p.file_name, p.file_type, p.fingerprint, p.has_thumbnail, p.width, p.height,
  p.captured_at, p.status,
  coalesce(c.caption, p.embedded_caption) AS caption,
  coalesce(c.title, p.embedded_title) AS title,
  CASE WHEN c.id IS NULL THEN p.embedded_keywords ELSE c.keywords END AS keywords,
  c.status AS caption_status`;

const newestCaption = `
  LEFT JOIN captions c ON c.id = (
    SELECT id FROM captions WHERE photo_id = p.id ORDER BY version DESC LIMIT 1
  )`;

/** Title and keywords weigh most, then what describes the picture, then where the file is. */
const rank = 'bm25(photo_search, 10.0, 8.0, 5.0, 4.0, 4.0, 2.0, 1.0)';

function toSummary(row: SummaryRow): PhotoSummary {
  return {
    id: row.id,
    path: row.path,
    fileName: row.file_name,
    fileType: row.file_type,
    fingerprint: row.fingerprint,
    hasThumbnail: row.has_thumbnail === 1,
    width: row.width,
    height: row.height,
    capturedAt: row.captured_at,
    status: row.status,
    caption: row.caption,
    title: row.title,
    keywords: JSON.parse(row.keywords) as string[],
    captionStatus: row.caption_status,
  };
}

export class SearchRepository {
  constructor(private readonly db: Database) {}

  search(query: PhotoSearch): { total: number; results: PhotoSummary[] } {
    const conditions: string[] = [];
    const params: (string | number)[] = [];
    if (query.match !== null) {
      conditions.push('photo_search MATCH ?');
      params.push(query.match);
    }
    if (query.folderId !== undefined) {
      conditions.push('p.folder_id = ?');
      params.push(query.folderId);
    }
    if (!query.includeMissing) conditions.push(`p.status = 'present'`);
    const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    const from =
      query.match !== null ? 'photo_search JOIN photos p ON p.id = photo_search.rowid' : 'photos p';
    const order = query.match !== null ? `${rank}, p.id` : 'p.captured_at DESC, p.path';

    const { total } = this.db.prepare(`SELECT count(*) AS total FROM ${from} ${where}`).get(...params) as {
      total: number;
    };
    const rows = this.db
      .prepare(`SELECT ${summaryColumns} FROM ${from} ${newestCaption} ${where} ORDER BY ${order} LIMIT ? OFFSET ?`)
      .all(...params, query.limit, query.offset) as SummaryRow[];
    return { total, results: rows.map(toSummary) };
  }
}
