import { z } from 'zod';
import { CaptionOptionOverridesSchema } from './captioning';

/** A folder the user added to the library; everything below it is indexed. */
export const FolderSchema = z.object({
  id: z.number().int(),
  path: z.string(),
  name: z.string(),
  /** The provider that captions new photos as they arrive, or null when auto-caption is off. */
  autoCaptionProvider: z.string().nullable(),
  /** Caption options every run on this folder starts from. */
  captionOptions: CaptionOptionOverridesSchema,
  addedAt: z.string(),
  lastIndexedAt: z.string().nullable(),
  photoCount: z.number().int(),
  missingCount: z.number().int(),
});
export type Folder = z.infer<typeof FolderSchema>;

/** What a photo's own metadata says about how it was taken. */
export interface CaptureFacts {
  width: number | null;
  height: number | null;
  /** EXIF orientation, 1 to 8. */
  orientation: number | null;
  /** ISO 8601 wall-clock time, with an offset only when the camera recorded one. */
  capturedAt: string | null;
  cameraMake: string | null;
  cameraModel: string | null;
  lens: string | null;
  gpsLatitude: number | null;
  gpsLongitude: number | null;
  gpsAltitude: number | null;
}

export const CaptionStatusSchema = z.enum(['draft', 'approved', 'written']);
export type CaptionStatus = z.infer<typeof CaptionStatusSchema>;

export const PhotoStatusSchema = z.enum(['present', 'missing']);
export type PhotoStatus = z.infer<typeof PhotoStatusSchema>;

/** What the grid, the search results and the CLI show of a photo. */
export const PhotoSummarySchema = z.object({
  id: z.number().int(),
  path: z.string(),
  fileName: z.string(),
  fileType: z.string(),
  fingerprint: z.string(),
  hasThumbnail: z.boolean(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  capturedAt: z.string().nullable(),
  status: PhotoStatusSchema,
  /** The newest caption Captionist holds, or else the one already embedded in the file. */
  caption: z.string().nullable(),
  title: z.string().nullable(),
  keywords: z.array(z.string()),
  captionStatus: CaptionStatusSchema.nullable(),
});
export type PhotoSummary = z.infer<typeof PhotoSummarySchema>;

export const FileErrorSchema = z.object({ path: z.string(), message: z.string() });
export type FileError = z.infer<typeof FileErrorSchema>;

export const IndexResultSchema = z.object({
  added: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  /** Photos whose file was gone in this run (their captions are kept). */
  missing: z.number().int(),
  /** Photos found again under a new name or folder, captions carried along. */
  moved: z.number().int(),
  errors: z.array(FileErrorSchema),
});
export type IndexResult = z.infer<typeof IndexResultSchema>;

export const IndexProgressSchema = z.object({
  folder: z.string(),
  phase: z.enum(['listing', 'indexing', 'done']),
  done: z.number().int(),
  total: z.number().int(),
  currentPath: z.string().nullable(),
});
export type IndexProgress = z.infer<typeof IndexProgressSchema>;

export const LibraryStatusSchema = z.object({
  folders: z.number().int(),
  photos: z.number().int(),
  missing: z.number().int(),
  captioned: z.number().int(),
  /** Jobs waiting their turn (paused and retrying ones included), running, and failed. */
  queued: z.number().int(),
  running: z.number().int(),
  failed: z.number().int(),
  /** Files whose last indexing ended in an error (see `errorList`). */
  errors: z.number().int(),
  errorList: z.array(FileErrorSchema),
});
export type LibraryStatus = z.infer<typeof LibraryStatusSchema>;

export const SearchQuerySchema = z.object({
  text: z.string().max(10_000).default(''),
  folderId: z.number().int().optional(),
  includeMissing: z.boolean().default(false),
  limit: z.number().int().min(1).max(1000).default(100),
  offset: z.number().int().min(0).default(0),
});
export type SearchQuery = z.input<typeof SearchQuerySchema>;

export const SearchResultsSchema = z.object({
  total: z.number().int(),
  results: z.array(PhotoSummarySchema),
});
export type SearchResults = z.infer<typeof SearchResultsSchema>;
