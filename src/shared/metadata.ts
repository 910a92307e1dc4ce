import { z } from 'zod';
import { PhotoIdsSchema } from './domain';

/** What happens to a text field the file already holds: human text wins unless told otherwise. */
export const FieldPolicySchema = z.enum(['skip', 'append', 'replace']);
export type FieldPolicy = z.infer<typeof FieldPolicySchema>;

export const TextFieldSchema = z.enum(['caption', 'title', 'altText', 'longDescription']);
export type TextField = z.infer<typeof TextFieldSchema>;

export const FieldPoliciesSchema = z.object({
  caption: FieldPolicySchema.default('skip'),
  title: FieldPolicySchema.default('skip'),
  altText: FieldPolicySchema.default('skip'),
  longDescription: FieldPolicySchema.default('skip'),
});
export type FieldPolicies = z.infer<typeof FieldPoliciesSchema>;

/**
 * auto: embedded where the format carries XMP safely (JPEG, TIFF, DNG, PNG, WebP, HEIC), a sidecar
 * for proprietary RAW; always: sidecars only, originals never touched; never: no sidecars (RAW
 * files are then left alone).
 */
export const SidecarModeSchema = z.enum(['auto', 'always', 'never']);
export type SidecarMode = z.infer<typeof SidecarModeSchema>;

/**
 * How a sidecar is named: Adobe's BASENAME.xmp, darktable's and digiKam's BASENAME.EXT.xmp, or
 * auto: whichever the photo already has, else whichever its folder already uses, else BASENAME.xmp.
 */
export const SidecarNamingSchema = z.enum(['auto', 'basename', 'basename-ext']);
export type SidecarNaming = z.infer<typeof SidecarNamingSchema>;

export const WriteOptionsSchema = z.object({
  dryRun: z.boolean().default(false),
  policies: FieldPoliciesSchema.default({ caption: 'skip', title: 'skip', altText: 'skip', longDescription: 'skip' }),
  sidecar: SidecarModeSchema.default('auto'),
  sidecarNaming: SidecarNamingSchema.default('auto'),
});
export type WriteOptions = z.infer<typeof WriteOptionsSchema>;
export type WriteOptionsInput = z.input<typeof WriteOptionsSchema>;

export const WriteRequestSchema = WriteOptionsSchema.extend({
  /** Files or folders; the whole library when empty. */
  paths: z.array(z.string().min(1)).default([]),
  /** These photos instead of paths (the UI's selection). */
  photoIds: PhotoIdsSchema.optional(),
  /** Only captions a person approved. */
  approvedOnly: z.boolean().default(false),
  /** Write again photos whose newest caption was already written. */
  force: z.boolean().default(false),
});
export type WriteRequest = z.input<typeof WriteRequestSchema>;

export const FieldChangeSchema = z.object({
  field: z.enum(['caption', 'title', 'altText', 'longDescription', 'keywords', 'hierarchicalKeywords', 'city', 'state', 'country', 'countryCode']),
  /** set: the file had nothing there; kept: the file's own text stays (skip policy); unchanged: it already says this. */
  action: z.enum(['set', 'append', 'replace', 'merge', 'kept', 'unchanged']),
  before: z.union([z.string(), z.array(z.string())]).nullable(),
  after: z.union([z.string(), z.array(z.string())]).nullable(),
});
export type FieldChange = z.infer<typeof FieldChangeSchema>;

export const PhotoWriteStatusSchema = z.enum(['written', 'would-write', 'unchanged', 'failed']);
export type PhotoWriteStatus = z.infer<typeof PhotoWriteStatusSchema>;

export const PhotoWriteResultSchema = z.object({
  photoId: z.number().int(),
  path: z.string(),
  /** The file written (the photo itself or its sidecar), or that would be. */
  target: z.string().nullable(),
  targetKind: z.enum(['embedded', 'sidecar']).nullable(),
  status: PhotoWriteStatusSchema,
  changes: z.array(FieldChangeSchema),
  /** Why it failed, in words a photographer understands. */
  message: z.string().nullable(),
  warnings: z.array(z.string()),
});
export type PhotoWriteResult = z.infer<typeof PhotoWriteResultSchema>;

export const WriteRunResultSchema = z.object({
  dryRun: z.boolean(),
  total: z.number().int(),
  written: z.number().int(),
  unchanged: z.number().int(),
  failed: z.number().int(),
  photos: z.array(PhotoWriteResultSchema),
});
export type WriteRunResult = z.infer<typeof WriteRunResultSchema>;

export const WriteProgressSchema = z.object({
  done: z.number().int(),
  total: z.number().int(),
  failed: z.number().int(),
});
export type WriteProgress = z.infer<typeof WriteProgressSchema>;

export const RevertRequestSchema = z.object({ paths: z.array(z.string().min(1)).default([]) });
export type RevertRequest = z.input<typeof RevertRequestSchema>;

export const PhotoRevertResultSchema = z.object({
  photoId: z.number().int(),
  path: z.string(),
  target: z.string(),
  status: z.enum(['reverted', 'failed']),
  /** Tags restored to what the file held before Captionist wrote it. */
  restored: z.array(z.string()),
  /** Tags someone changed after Captionist wrote them: left as they are. */
  keptChanged: z.array(z.string()),
  /** True when the sidecar was Captionist's own and nothing else was left in it. */
  sidecarRemoved: z.boolean(),
  message: z.string().nullable(),
});
export type PhotoRevertResult = z.infer<typeof PhotoRevertResultSchema>;

export const RevertRunResultSchema = z.object({
  total: z.number().int(),
  reverted: z.number().int(),
  failed: z.number().int(),
  photos: z.array(PhotoRevertResultSchema),
});
export type RevertRunResult = z.infer<typeof RevertRunResultSchema>;

export const ExportFormatSchema = z.enum(['xmp', 'csv', 'json']);
export type ExportFormat = z.infer<typeof ExportFormatSchema>;

export const ExportRequestSchema = z.object({
  format: ExportFormatSchema,
  outDir: z.string().min(1),
  paths: z.array(z.string().min(1)).default([]),
  /** These photos instead of paths (the UI's selection). */
  photoIds: PhotoIdsSchema.optional(),
  sidecarNaming: SidecarNamingSchema.default('basename'),
});
export type ExportRequest = z.input<typeof ExportRequestSchema>;

export const ExportResultSchema = z.object({
  format: ExportFormatSchema,
  exported: z.number().int(),
  /** The CSV or JSON file, or the root of the sidecar tree. */
  output: z.string(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })),
});
export type ExportResult = z.infer<typeof ExportResultSchema>;

/** Tag values as ExifTool reads them, keyed by family-1 group and name ("XMP-dc:Title"). */
export type TagValue = string | string[];
export type TagValues = Record<string, TagValue>;
/** Tags to write; null deletes a tag. */
export type TagWrites = Record<string, TagValue | null>;
