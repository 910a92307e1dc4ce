import { z } from 'zod';
import { SearchHitSchema, SearchQuerySchema, SearchResultsSchema } from './domain';

/** Text ranks by words, meaning by embeddings, hybrid fuses both. */
export const SearchModeSchema = z.enum(['hybrid', 'text', 'meaning']);
export type SearchMode = z.infer<typeof SearchModeSchema>;

export const MatchedBySchema = z.array(z.enum(['text', 'meaning']));

export const EmbeddingsStatusSchema = z.object({
  /** Null until `embeddings use` chose a provider. */
  provider: z.string().nullable(),
  model: z.string().nullable(),
  /** Known after the provider's first answer. */
  dimensions: z.number().int().nullable(),
  embedded: z.number().int(),
  pending: z.number().int(),
  /** The dimensions asked of the model (`--dimensions`), null for the model's own. */
  requestedDimensions: z.number().int().nullable(),
  /** The price set for the model, per million input tokens; null when none is. */
  usdPerMillionTokens: z.number().nullable(),
  /** Input tokens the provider counted for embeddings (answers without usage count none). */
  inputTokens: z.number().int(),
  /** What they cost at the prices set; null when no price was ever set. */
  costUsd: z.number().nullable(),
});
export type EmbeddingsStatus = z.infer<typeof EmbeddingsStatusSchema>;

export const EmbeddingsUseSchema = z.object({
  provider: z.string().trim().min(1).max(200),
  model: z.string().trim().min(1).max(200).optional(),
  /** Sent as the request's `dimensions` (OpenAI's text-embedding-3 models shorten their vectors). */
  dimensions: z.number().int().min(1).max(16_384).optional(),
  usdPerMillionTokens: z.number().min(0).max(10_000).optional(),
});

export const EmbeddingsRunSchema = z.object({ paths: z.array(z.string().min(1).max(4096)).max(10_000).default([]) });

export const EmbeddingsProgressSchema = z.object({ done: z.number().int(), total: z.number().int() });

/** A search as `photos:search` takes it: the text search's query, a mode, or a photo to find others like. */
export const MeaningSearchQuerySchema = SearchQuerySchema.extend({
  /** Hybrid when embeddings are set up, text otherwise. */
  mode: SearchModeSchema.optional(),
  /** A photo's id or path: photos whose captions mean the same, most alike first. */
  similarTo: z.union([z.number().int(), z.string().min(1).max(4096)]).optional(),
});

export const RankedHitSchema = SearchHitSchema.extend({
  /** Higher is better; comparable within one answer only. */
  score: z.number().optional(),
  matchedBy: MatchedBySchema.optional(),
});

export const RankedResultsSchema = SearchResultsSchema.extend({
  results: z.array(RankedHitSchema),
  /** The mode that ran (text when meaning was asked for but could not be had). */
  mode: SearchModeSchema.optional(),
  /** Why the search ran otherwise than asked (the provider offline), in words for the photographer. */
  note: z.string().optional(),
});
export type RankedResults = z.infer<typeof RankedResultsSchema>;
export type RankedHit = z.infer<typeof RankedHitSchema>;
