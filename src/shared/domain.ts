import { z } from 'zod';
import { CaptionOptionOverridesSchema } from './captioning';
import { maxPhotoIds } from './limits';


/** Photos by id: the UI's selection, which may be the whole of a 100,000-photo search. */
export const PhotoIdsSchema = z.array(z.number().int()).min(1).max(maxPhotoIds);

/** What a selection holds, for bulk actions to ask before they act. */
export const SelectionSummarySchema = z.object({
  /** Selected ids the library no longer has (their folder was removed). */
  gone: z.array(z.number().int()),
  /** Selected photos whose file is missing. */
  missing: z.number().int(),
  /** Present photos by the status of their newest caption of ours; `none` have none. */
  draft: z.number().int(),
  approved: z.number().int(),
  written: z.number().int(),
  none: z.number().int(),
});
export type SelectionSummary = z.infer<typeof SelectionSummarySchema>;

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

/** A day, month or year: `2024-06-01`, `2024-06` or `2024`. */
const PeriodSchema = z
  .string()
  .regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'expected a date such as 2024-06-01, 2024-06 or 2024')
  .refine((text) => {
    const [year, month = 1, day = 1] = text.split('-').map(Number) as [number, number?, number?];
    const date = new Date(Date.UTC(year, month - 1, day));
    return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  }, 'no such date');

export const SearchSortSchema = z.enum(['relevance', 'date']);
export type SearchSort = z.infer<typeof SearchSortSchema>;

export const OrientationSchema = z.enum(['landscape', 'portrait', 'square']);
export type Orientation = z.infer<typeof OrientationSchema>;

/** What narrows a search besides its text; every filter combines with every other. */
export const SearchFiltersSchema = z.object({
  /** A library folder, by id. */
  folderId: z.number().int().optional(),
  /** A folder path inside the library; its subfolders are included. */
  folder: z.string().min(1).max(4096).optional(),
  /** Captured on or after the start of this day, month or year. */
  from: PeriodSchema.optional(),
  /** Captured on or before the end of this day, month or year. */
  to: PeriodSchema.optional(),
  /** Part of the camera's make or model, any case ("R5", "nikon"). */
  camera: z.string().trim().min(1).max(200).optional(),
  /** Part of the lens name, any case. */
  lens: z.string().trim().min(1).max(200).optional(),
  /** True: only photos with a caption of Captionist's; false: only photos without one. */
  hasCaption: z.boolean().optional(),
  /** Status of the newest caption. */
  captionStatus: CaptionStatusSchema.optional(),
  /** Provider that wrote the newest caption, by name. */
  provider: z.string().trim().min(1).max(200).optional(),
  /** A whole keyword, any case, of the newest caption (or the last level of one of its keyword paths) or embedded in the file. */
  keyword: z.string().trim().min(1).max(200).optional(),
  orientation: OrientationSchema.optional(),
  /** File type as indexed (JPEG, NEF, HEIC ...) or file extension, any case. */
  fileType: z.string().trim().min(1).max(32).optional(),
  /** Include photos whose file is missing. */
  includeMissing: z.boolean().default(false),
  /** Only photos whose file is missing. */
  onlyMissing: z.boolean().default(false),
});
export type SearchFilters = z.input<typeof SearchFiltersSchema>;

/**
 * Text (see the README for its syntax) and filters. The text may be long: only its first
 * 4,000 characters and 64 words are read.
 */
export const SearchCriteriaSchema = SearchFiltersSchema.extend({
  text: z.string().max(1_000_000).default(''),
  sort: SearchSortSchema.default('relevance'),
});
export type SearchCriteria = z.input<typeof SearchCriteriaSchema>;

export const SearchQuerySchema = SearchCriteriaSchema.extend({
  limit: z.number().int().min(1).max(1000).default(100),
  offset: z.number().int().min(0).default(0),
});
export type SearchQuery = z.input<typeof SearchQuerySchema>;

/** Text around a match; `match` parts are what the search found, to be shown highlighted. */
export const SnippetSchema = z.array(z.object({ text: z.string(), match: z.boolean() }));
export type Snippet = z.infer<typeof SnippetSchema>;

export const SearchHitSchema = PhotoSummarySchema.extend({
  /** Null when the search had no text to match. */
  snippet: SnippetSchema.nullable(),
});
export type SearchHit = z.infer<typeof SearchHitSchema>;

export const SearchResultsSchema = z.object({
  /** How many photos match, counted up to a limit; see `totalIsExact`. */
  total: z.number().int(),
  /** False when more photos match than were counted: show "10,000+". */
  totalIsExact: z.boolean(),
  results: z.array(SearchHitSchema),
});
export type SearchResults = z.infer<typeof SearchResultsSchema>;

/** Matching photos in one folder of the library, for the sidebar. */
export const FolderCountSchema = z.object({
  folderId: z.number().int(),
  /** The folder's path; every folder between a library folder and a folder with matches is listed. */
  path: z.string(),
  /** Matching photos directly in this folder. */
  photos: z.number().int(),
  /** Matching photos in this folder and all its subfolders. */
  total: z.number().int(),
});
export type FolderCount = z.infer<typeof FolderCountSchema>;

/** A smart album: a named search that is run again whenever it is opened. */
export const SavedSearchSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  criteria: SearchCriteriaSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SavedSearch = z.infer<typeof SavedSearchSchema>;

export const SavedSearchNameSchema = z.string().trim().min(1).max(200);
