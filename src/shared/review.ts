import { z } from 'zod';
import { CaptionOptionOverridesSchema, captionLimits } from './captioning';
import { CaptionStatusSchema, PhotoSummarySchema } from './domain';
import { PlaceSchema } from './places';

/** Who wrote a caption version: a provider, or a person editing one. */
export const CaptionSourceSchema = z.enum(['generated', 'edited']);
export type CaptionSource = z.infer<typeof CaptionSourceSchema>;

/** One version in a photo's caption history, newest first in `PhotoDetail.versions`. */
export const CaptionVersionSchema = z.object({
  id: z.number().int(),
  version: z.number().int(),
  source: CaptionSourceSchema,
  status: CaptionStatusSchema,
  /** Null for a person's edit. */
  provider: z.string().nullable(),
  model: z.string().nullable(),
  /** The options it was made with (detail, focus, language ...), empty for an edit. */
  options: CaptionOptionOverridesSchema,
  title: z.string().nullable(),
  caption: z.string(),
  altText: z.string().nullable(),
  longDescription: z.string().nullable(),
  keywords: z.array(z.string()),
  /** Suggested keywords that match nothing in the keyword vocabulary: shown, never written. */
  keywordSuggestions: z.array(z.string()),
  costUsd: z.number().nullable(),
  createdAt: z.string(),
});
export type CaptionVersion = z.infer<typeof CaptionVersionSchema>;

/** What the file itself held when it was last indexed: the photographer's own words. */
export const EmbeddedTextSchema = z.object({
  title: z.string().nullable(),
  caption: z.string().nullable(),
  altText: z.string().nullable(),
  keywords: z.array(z.string()),
});
export type EmbeddedText = z.infer<typeof EmbeddedTextSchema>;

/** Everything the inspector shows of one photo. */
export const PhotoDetailSchema = PhotoSummarySchema.extend({
  folderId: z.number().int(),
  altText: z.string().nullable(),
  longDescription: z.string().nullable(),
  fileSize: z.number().int(),
  orientation: z.number().int().nullable(),
  cameraMake: z.string().nullable(),
  cameraModel: z.string().nullable(),
  lens: z.string().nullable(),
  gpsLatitude: z.number().nullable(),
  gpsLongitude: z.number().nullable(),
  embedded: EmbeddedTextSchema,
  /** Named from the GPS, offline; null without GPS, at sea, or with place names off. */
  place: PlaceSchema.nullable(),
  /** Caption history, newest first; empty when Captionist has not captioned the photo. */
  versions: z.array(CaptionVersionSchema),
});
export type PhotoDetail = z.infer<typeof PhotoDetailSchema>;

/** A person's edit of a photo's caption fields; stored as a new version with source `edited`. */
export const CaptionEditSchema = z.object({
  title: z.string().trim().max(captionLimits.title).nullable(),
  caption: z.string().trim().min(1, 'a caption cannot be empty').max(captionLimits.caption),
  altText: z.string().trim().min(1, 'alt text cannot be empty').max(captionLimits.altText),
  longDescription: z.string().trim().max(captionLimits.longDescription).nullable(),
  keywords: z
    .array(
      z
        .string()
        .trim()
        .min(1)
        // Each level of a path ("Animals|Birds|Puffin") is a keyword of its own, within the limit.
        .refine((keyword) => keyword.split('|').every((level) => level.trim().length <= captionLimits.keyword), {
          message: `a keyword, or each level of a keyword path, may have at most ${captionLimits.keyword} characters`,
        }),
    )
    .max(captionLimits.keywords),
});
export type CaptionEdit = z.infer<typeof CaptionEditSchema>;
