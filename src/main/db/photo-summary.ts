import type { CaptionStatus, PhotoStatus, PhotoSummary } from '../../shared/domain';

/**
 * A photo as the grid, the search results and the inspector show it: our newest caption, else
 * what the file holds. One definition, so a photo reads the same wherever it is listed.
 */
export interface SummaryRow {
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

export const summaryColumns = `
  p.id, p.path, p.file_name, p.file_type, p.fingerprint, p.has_thumbnail, p.width, p.height,
  p.captured_at, p.status,
  coalesce(c.caption, p.embedded_caption) AS caption,
  coalesce(c.title, p.embedded_title) AS title,
  CASE WHEN c.id IS NULL THEN p.embedded_keywords ELSE c.keywords END AS keywords,
  c.status AS caption_status`;

export const currentCaption = 'LEFT JOIN captions c ON c.id = p.current_caption_id';

export function toSummary(row: SummaryRow): PhotoSummary {
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
