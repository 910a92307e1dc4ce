import { z } from 'zod';
import { LaneStateSchema } from './queue';

export const providerTypes = ['openai-compatible', 'wavespeed', 'apiverve', 'modelslab', 'anthropic'] as const;
export const ProviderTypeSchema = z.enum(providerTypes);
export type ProviderType = z.infer<typeof ProviderTypeSchema>;

export const DetailLevelSchema = z.enum(['low', 'medium', 'high']);
export type DetailLevel = z.infer<typeof DetailLevelSchema>;

/**
 * Caption options as a run or a folder's defaults state them: every field optional, so a run
 * overrides only what the user set and the folder's defaults fill in the rest.
 */
export const CaptionOptionOverridesSchema = z.object({
  detail: DetailLevelSchema.optional(),
  /** What to pay attention to: "the product", "the architecture", "people's actions" ... */
  focus: z.string().trim().min(1).max(200).optional(),
  /** Output language, as a name or a BCP 47 tag ("German", "pt-BR"). */
  language: z.string().trim().min(1).max(40).optional(),
  /** Product or event name, client, assignment: facts the pixels cannot show. */
  context: z.string().trim().min(1).max(500).optional(),
  /** Tell the model the folder's name and the place (the file's own, else named from its GPS), when known. */
  includeFolderName: z.boolean().optional(),
  includePlace: z.boolean().optional(),
  /** Replaces the built-in request; may use {detail} {focus} {language} {context} {folder} {place} {date} {file}. */
  promptTemplate: z.string().trim().min(1).max(4000).optional(),
});
export type CaptionOptionOverrides = z.infer<typeof CaptionOptionOverridesSchema>;

/** The options a caption is made with, once run and folder defaults are merged. */
export const CaptionOptionsSchema = CaptionOptionOverridesSchema.extend({
  detail: DetailLevelSchema.default('medium'),
  includeFolderName: z.boolean().default(true),
  includePlace: z.boolean().default(true),
});
export type CaptionOptions = z.infer<typeof CaptionOptionsSchema>;
export type CaptionOptionsInput = z.input<typeof CaptionOptionsSchema>;

/** Prices are the user's to set: providers change them and we never guess. */
export const PricingSchema = z.object({
  perImageUsd: z.number().min(0).optional(),
  perMillionInputTokensUsd: z.number().min(0).optional(),
  perMillionOutputTokensUsd: z.number().min(0).optional(),
});
export type Pricing = z.infer<typeof PricingSchema>;

const providerNamePattern = /^[a-z0-9][a-z0-9._-]{0,39}$/i;

const providerFields = {
  name: z
    .string()
    .regex(providerNamePattern, 'a provider name is 1 to 40 letters, digits, dots, dashes or underscores'),
  type: ProviderTypeSchema,
  preset: z.string().optional(),
  /** For openai-compatible the base includes the version path; for the others it is scheme and host. */
  baseUrl: z.url({ protocol: /^https?$/, error: 'the base URL must be an http or https URL' }),
  /** Where Batch API calls go (Inference.net serves them from their own host). */
  batchBaseUrl: z.url({ protocol: /^https?$/, error: 'the batch base URL must be an http or https URL' }).optional(),
  model: z.string().trim().min(1).max(200).optional(),
  /** Environment variable the CLI reads the key from. */
  apiKeyEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')
    .optional(),
  requiresApiKey: z.boolean(),
  concurrency: z.number().int().min(1).max(64),
  /** The caption-ready JPEG sent: long edge in pixels and size in bytes. */
  imageLongEdge: z.number().int().min(256).max(4096),
  imageMaxBytes: z.number().int().min(50_000).max(20_000_000),
  timeoutMs: z.number().int().min(1000).max(3_600_000),
  /** Local servers load the model on the first call, which can take minutes. */
  firstTimeoutMs: z.number().int().min(1000).max(3_600_000).optional(),
  /** WaveSpeed only: wait for the caption in the submit call instead of polling. */
  syncMode: z.boolean().optional(),
  pricing: PricingSchema,
  /** Spending cap in USD over everything captioned with this provider; the queue stops short of it. */
  budgetUsd: z.number().positive().max(1_000_000).optional(),
};

/** A provider as the user configured it. Never holds an API key: only where to find one. */
export const ProviderConfigSchema = z.object(providerFields);
export type ProviderConfig = z.infer<typeof ProviderConfigSchema>;

/** What a user sets when adding or changing a provider; a preset or the type's defaults fill in the rest. */
export const ProviderSettingsSchema = z
  .object(providerFields)
  .partial()
  .extend({ name: providerFields.name, type: providerFields.type });
export type ProviderSettings = z.infer<typeof ProviderSettingsSchema>;

export const ProviderSummarySchema = ProviderConfigSchema.extend({
  /** Where the key comes from, never the key: "environment variable X", "stored securely", or null. */
  apiKeySource: z.string().nullable(),
  captions: z.number().int(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  costUsd: z.number().nullable(),
});
export type ProviderSummary = z.infer<typeof ProviderSummarySchema>;

/** A model a provider's server offers. */
export const ProviderModelSchema = z.object({
  id: z.string(),
  /** The server's display name for it, when it gives one. */
  name: z.string().nullable(),
  /** Whether the server says the model takes images; null when it does not say. */
  vision: z.boolean().nullable(),
});
export type ProviderModel = z.infer<typeof ProviderModelSchema>;

/** The models a provider's server offers, as `providers:models` lists them. */
export const ProviderModelListSchema = z.object({
  provider: z.string(),
  /** The model the provider is set to ask for, when it has a choice. */
  model: z.string().nullable(),
  models: z.array(ProviderModelSchema),
  /** True when the server offers more models than were listed. */
  truncated: z.boolean(),
});
export type ProviderModelList = z.infer<typeof ProviderModelListSchema>;

/** Limits of what we store, so a runaway model cannot fill the database or the IIM fields. */
export const captionLimits = {
  title: 120,
  caption: 2000,
  altText: 120,
  longDescription: 4000,
  keyword: 64,
  keywords: 30,
} as const;

/** One caption version's text, validated and normalised. */
export const CaptionFieldsSchema = z.object({
  title: z.string().nullable(),
  caption: z.string().min(1),
  altText: z.string().min(1).max(captionLimits.altText),
  longDescription: z.string().nullable(),
  keywords: z.array(z.string()).max(captionLimits.keywords),
});
export type CaptionFields = z.infer<typeof CaptionFieldsSchema>;

export const CaptionRunResultSchema = z.object({
  runId: z.number().int(),
  provider: z.string(),
  total: z.number().int(),
  captioned: z.number().int(),
  failed: z.array(z.object({ path: z.string(), message: z.string() })),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  /** Null when the provider has no price set. */
  costUsd: z.number().nullable(),
  /** Why the run stopped before the end (a rejected key, an unreachable server); its photos stay queued. */
  stoppedBecause: z.string().nullable(),
});
export type CaptionRunResult = z.infer<typeof CaptionRunResultSchema>;

export const CaptionProgressSchema = z.object({
  runId: z.number().int(),
  provider: z.string(),
  done: z.number().int(),
  failed: z.number().int(),
  total: z.number().int(),
  costUsd: z.number().nullable(),
  /** What the provider's lane is doing (running, offline, rate-limited ...), and why in words. */
  providerState: LaneStateSchema,
  providerMessage: z.string().nullable(),
});
export type CaptionProgress = z.infer<typeof CaptionProgressSchema>;

export const ProviderTestResultSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    provider: z.string(),
    model: z.string().nullable(),
    caption: CaptionFieldsSchema,
    latencyMs: z.number(),
    inputTokens: z.number().int().nullable(),
    outputTokens: z.number().int().nullable(),
    costUsd: z.number().nullable(),
  }),
  z.object({
    ok: z.literal(false),
    provider: z.string(),
    /** What went wrong, naming the provider. */
    message: z.string(),
    /** What to do about it. */
    hint: z.string(),
  }),
]);
export type ProviderTestResult = z.infer<typeof ProviderTestResultSchema>;

export const CostEstimateSchema = z.object({
  photos: z.number().int(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  /** Null when the provider has no price set. */
  costUsd: z.number().nullable(),
});
export type CostEstimate = z.infer<typeof CostEstimateSchema>;
