import type { CaptionFields, CaptionOptions, ProviderType } from '../../shared/captioning';
import type { RateLimitInfo } from '../base/failure';
import type { HttpClient } from './http';
import type { ModelList } from './model-list';
import type { OpenAiBatchApi } from './openai-batch';

/** The caption-ready JPEG: upright, within the provider's limits, no metadata at all. */
export interface CaptionImage {
  data: Buffer;
  width: number;
  height: number;
}

/** Instructions built from the caption options (see captions/prompt.ts). */
export interface CaptionPrompt {
  /** For chat models: answer with JSON only, following `schema`. */
  system: string;
  /** The request itself: detail, focus, language, context. */
  user: string;
  /** Changes whenever the built-in wording changes, so stored captions say which prompt made them. */
  version: string;
  /** JSON Schema of the structured answer (caption, alt text, title, keywords). */
  schema: Record<string, unknown>;
}

export interface CaptionRequest {
  image: CaptionImage;
  prompt: CaptionPrompt;
  options: CaptionOptions;
  /** A task id an earlier attempt stored: poll it instead of submitting (and paying) again. */
  resumeTaskId?: string | null;
  /** Called as soon as an asynchronous provider has a task id, before any polling; must persist it. */
  onTaskId?: (taskId: string) => void;
  signal?: AbortSignal;
}

export interface TokenUsage {
  inputTokens: number | null;
  outputTokens: number | null;
}

/**
 * What came back, before validation. Chat models answer with structured fields; caption-only
 * services answer with one text, from which the caption service derives the rest.
 */
export interface ProviderAnswer {
  fields: Partial<Record<keyof CaptionFields, unknown>> | null;
  text: string | null;
  model: string | null;
  usage: TokenUsage;
  /** Rate-limit headers of the last response, for the scheduler. */
  rateLimit?: RateLimitInfo;
}

/** The answer of a service that returns one caption text and reports no tokens. */
export function captionOnlyAnswer(caption: string, model: string | null): ProviderAnswer {
  return { fields: null, text: caption, model, usage: { inputTokens: null, outputTokens: null } };
}

export interface CaptionProvider {
  readonly type: ProviderType;
  /** The name users know the service by, for messages: "Inference.net", "WaveSpeed". */
  readonly label: string;
  /** The model asked for, when the provider has a choice. */
  readonly model: string | null;
  caption(request: CaptionRequest): Promise<ProviderAnswer>;
  /** The models the server offers, where the provider has a choice of them (OpenAI-compatible servers, Anthropic). */
  listModels?(signal?: AbortSignal): Promise<ModelList>;
  /** The service's Batch API, when it has one Captionist can use; null when it has none. */
  batchApi?(): BatchApi | null;
}

/** Captioning through a Batch API: one file of requests, answered within hours at a lower price. */
export interface BatchApi {
  /** Files up, batches created, polled and found, result files down (OpenAI's protocol, which the services offering one speak). */
  readonly service: OpenAiBatchApi;
  /** The request of one line of the batch file for this photo. */
  requestBody(request: Pick<CaptionRequest, 'image' | 'prompt'>): unknown;
  /** Reads one answered line's body as a direct answer is read: refusals and unreadable answers throw. */
  answerFrom(body: unknown): ProviderAnswer;
}

/** What every provider implementation is built from, besides its config and key. */
export interface ProviderDeps {
  http: HttpClient;
  /** How asynchronous tasks are polled: first wait, longest wait, and when to give up. */
  poll: { intervalMs: number; maxIntervalMs: number; deadlineMs: number };
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}
