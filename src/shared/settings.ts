import { z } from 'zod';
import { CaptionOptionOverridesSchema } from './captioning';
import { FieldPolicySchema, WriteOptionsSchema } from './metadata';
import { unmatchedKeywordPolicies } from './keyword-vocabulary';

const WriteDefaultsSchema = WriteOptionsSchema.omit({ dryRun: true });

/** The app's own settings; API keys are never among them (see providers:setApiKey). */
export const AppSettingsSchema = z.object({
  /** The provider the UI offers first for captioning; null until one is chosen. */
  defaultProvider: z.string().nullable().default(null),
  /** Library-wide caption options (language, detail, prompt ...); a folder's and a run's own override them. */
  captionDefaults: CaptionOptionOverridesSchema.default({}),
  /** How write-back treats text already in the files, and where it writes. */
  write: WriteDefaultsSchema.default({
    policies: { caption: 'skip', title: 'skip', altText: 'skip', longDescription: 'skip' },
    sidecar: 'auto',
    sidecarNaming: 'auto',
  }),
  /** Set once the first-run flow is finished or skipped. */
  onboarded: z.boolean().default(false),
  /**
   * Name the place a photo was taken from its GPS, offline. Off: no new lookups, and the places
   * already named are forgotten (the GPS stays; turning it on names them again at the next index).
   */
  placeNames: z.boolean().default(true),
  /** How write-back treats a location already in the files; under skip a person's location is never touched. */
  placePolicy: FieldPolicySchema.default('skip'),
  /**
   * What happens to a suggested keyword that matches nothing in the keyword vocabulary (no effect
   * without one). `suggest` by default: a photographer imports a vocabulary to keep keywords
   * outside it out of their files, yet a keyword silently dropped is lost; a suggestion is never
   * written and is one click from being added.
   */
  unmatchedKeywords: z.enum(unmatchedKeywordPolicies).default('suggest'),
});
export type AppSettings = z.infer<typeof AppSettingsSchema>;

/** A change to some settings; what it leaves out stays as it was. */
export const AppSettingsPatchSchema = z.object({
  defaultProvider: z.string().min(1).nullable().optional(),
  captionDefaults: CaptionOptionOverridesSchema.optional(),
  write: WriteDefaultsSchema.optional(),
  onboarded: z.boolean().optional(),
  placeNames: z.boolean().optional(),
  placePolicy: FieldPolicySchema.optional(),
  unmatchedKeywords: z.enum(unmatchedKeywordPolicies).optional(),
});
export type AppSettingsPatch = z.input<typeof AppSettingsPatchSchema>;
