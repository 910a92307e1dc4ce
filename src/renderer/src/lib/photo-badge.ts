import type { CaptionStatus, PhotoSummary } from '../../../shared/domain';

// A module of its own: the first screen, painted before the rest of the app loads, shows badges too.
const statusWords: Record<CaptionStatus, string> = { draft: 'Draft caption', approved: 'Approved', written: 'Written to file' };

/** What a tile's badge says: a missing file first, then the caption's status; null for neither. */
export function photoBadge(photo: Pick<PhotoSummary, 'status' | 'captionStatus'>): { text: string; kind: string } | null {
  if (photo.status === 'missing') return { text: 'File missing', kind: 'missing' };
  if (photo.captionStatus) return { text: statusWords[photo.captionStatus], kind: photo.captionStatus };
  return null;
}
