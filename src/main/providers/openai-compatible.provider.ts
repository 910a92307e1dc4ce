import type OpenAI from 'openai';
import type { ClientOptions } from 'openai';
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import type { ProviderConfig } from '../../shared/captioning';
import { parseStructuredAnswer } from '../captions/structured-answer';
import { httpError, ProviderError, providerDetail, retryAfterFrom } from './errors';
import { reportedModel, tokenCount } from './answer-values';
import { asRecord, isRedirect, redirectRefused, transportError } from './http';
import type { Fetch, HttpClient } from './http';
import { batchBaseUrlFor, OpenAiBatchApi } from './openai-batch';
import { presetFor } from './presets';
import type { CaptionProvider, CaptionRequest, ProviderAnswer, ProviderDeps } from './provider';
import { StructuredOutputs } from './structured-output';
import { AvailableModels, openAiCompatibleModels, withOllamaCapabilities } from './model-list';
import type { ModelList, ModelSource } from './model-list';

/**
 * Any server speaking OpenAI's chat/completions with images: Inference.net, OpenAI, Gemini,
 * OpenRouter, Ollama, LM Studio, llama.cpp, vLLM. Asks for Structured Outputs and falls back to
 * plain text, for good, on a server that rejects them.
 */
export class OpenAiCompatibleProvider implements CaptionProvider {
  readonly type = 'openai-compatible';
  readonly label: string;
  readonly model: string;
  /** The service's Batch API, when it has one (see batchBaseUrlFor). */
  readonly batch: OpenAiBatchApi | null;
  private readonly clientOptions: ClientOptions;
  private readonly http: HttpClient;
  /** The SDK loads with the first caption: a command that sends none never loads it. */
  private sdk: Promise<{ OpenAI: typeof OpenAI; client: OpenAI }> | undefined;
  private readonly secrets: readonly (string | null)[];
  private readonly structuredOutputs = new StructuredOutputs();
  private readonly modelSource: ModelSource;
  /** The server's models, for an error about one it does not have. */
  private readonly availableModels: AvailableModels;
  private answeredOnce = false;

  constructor(
    private readonly config: ProviderConfig,
    apiKey: string | null,
    deps: ProviderDeps,
  ) {
    const preset = config.preset ? presetFor(config.preset) : undefined;
    this.label = preset?.label ?? config.name;
    const model = config.model ?? preset?.model;
    if (!model) throw new ProviderError('bad-request', this.label, `${this.label} needs a model name: set one with --model`);
    this.model = model;
    this.secrets = [apiKey];
    // Local servers ignore the key, but the SDK insists on one, and some servers on a non-empty bearer.
    const bearer = apiKey || 'not-needed';
    this.http = deps.http;
    this.clientOptions = {
      apiKey: bearer,
      baseURL: config.baseUrl,
      maxRetries: 0,
      timeout: config.timeoutMs,
      fetch: errorBodiesAsOpenAi(deps.http.fetchFor(this.label)) as unknown as typeof globalThis.fetch,
    };
    this.modelSource = {
      label: this.label,
      http: deps.http,
      headers: { authorization: `Bearer ${bearer}` },
      secrets: this.secrets,
      timeoutMs: config.timeoutMs,
    };
    this.availableModels = new AvailableModels((signal) => this.listModels(signal), config.name);
    const batchBaseUrl = batchBaseUrlFor(config);
    this.batch = batchBaseUrl ? new OpenAiBatchApi(this.label, batchBaseUrl, apiKey, deps.http, config.timeoutMs) : null;
  }

  async caption(request: CaptionRequest): Promise<ProviderAnswer> {
    try {
      return await this.structuredOutputs.send((structured) => this.complete(chatCompletionBody(this.model, request, structured), request));
    } catch (error) {
      throw await this.availableModels.explain(error);
    }
  }

  /** `GET {base}/models`; for Ollama, marked with the capabilities its own API reports. */
  async listModels(signal?: AbortSignal): Promise<ModelList> {
    const list = await openAiCompatibleModels(this.modelSource, this.config.baseUrl, signal);
    return this.config.preset === 'ollama' ? withOllamaCapabilities(this.modelSource, this.config.baseUrl, list, signal) : list;
  }

  private async complete(body: ChatCompletionCreateParamsNonStreaming, request: CaptionRequest): Promise<ProviderAnswer> {
    // Loaded before any clock starts, undici included, so that loading counts against no timeout.
    this.sdk ??= Promise.all([import('openai'), this.http.load()]).then(([{ default: OpenAI }]) => ({
      OpenAI,
      client: new OpenAI(this.clientOptions),
    }));
    const { OpenAI, client } = await this.sdk;
    // Local servers load the model on the first call, which can take minutes.
    const timeout = this.answeredOnce ? this.config.timeoutMs : (this.config.firstTimeoutMs ?? this.config.timeoutMs);
    // The SDK's own timeout stops at the headers; ours covers a body that stalls too.
    const deadline = AbortSignal.timeout(timeout);
    const signal = request.signal ? AbortSignal.any([request.signal, deadline]) : deadline;
    let completion: ChatCompletion;
    try {
      completion = await client.chat.completions.create(body, { timeout, signal });
    } catch (error) {
      throw this.translate(error, timeout, request.signal, deadline, OpenAI);
    }
    this.answeredOnce = true;
    return this.answerFrom(completion);
  }

  /**
   * The body of one Batch API line for this photo: what `caption` would send first (Structured
   * Outputs, unless this server already showed it rejects them).
   */
  batchRequestBody(request: Pick<CaptionRequest, 'image' | 'prompt'>): ChatCompletionCreateParamsNonStreaming {
    return chatCompletionBody(this.model, request, this.structuredOutputs.wanted);
  }

  /**
   * Reads a chat completion (from a direct answer or a batch output line) as `caption` does:
   * refusals, content filters, empty and unreadable answers become ProviderErrors.
   */
  answerFrom(completion: unknown): ProviderAnswer {
    const { choices, model, usage } = (asRecord(completion) ?? {}) as Partial<ChatCompletion>;
    const choice = Array.isArray(choices) ? choices[0] : undefined;
    if (!choice?.message) {
      throw new ProviderError('invalid-response', this.label, `${this.label} sent an answer Captionist could not read`);
    }
    if (choice.message.refusal || choice.finish_reason === 'content_filter') {
      throw new ProviderError('refused', this.label, `${this.label} declined to caption this photo under its content policy`, {
        detail: providerDetail(choice.message.refusal, this.secrets),
      });
    }
    const content: unknown = choice.message.content ?? '';
    if (typeof content !== 'string') {
      throw new ProviderError('invalid-response', this.label, `${this.label} sent an answer Captionist could not read`);
    }
    const text = content.trim();
    if (!text) throw new ProviderError('invalid-response', this.label, `${this.label} answered with an empty caption`);
    return {
      fields: parseStructuredAnswer(text),
      text,
      model: reportedModel(model, this.model),
      usage: {
        inputTokens: tokenCount(asRecord(usage)?.prompt_tokens),
        outputTokens: tokenCount(asRecord(usage)?.completion_tokens),
      },
    };
  }

  private translate(
    error: unknown,
    timeoutMs: number,
    signal: AbortSignal | undefined,
    deadline: AbortSignal,
    sdk: typeof OpenAI,
  ): unknown {
    if (signal?.aborted) return error;
    // What our fetch refused (a status outside HTTP's range), which the SDK wraps as a connection error.
    if (error instanceof sdk.APIConnectionError && error.cause instanceof ProviderError) return error.cause;
    if (deadline.aborted || error instanceof sdk.APIConnectionTimeoutError) {
      return transportError(this.label, this.config.baseUrl, timeoutMs, error, true, this.secrets);
    }
    if (error instanceof sdk.APIConnectionError) {
      return transportError(this.label, this.config.baseUrl, timeoutMs, error.cause ?? error, false, this.secrets);
    }
    if (error instanceof sdk.APIError && error.status !== undefined && isRedirect(error.status)) {
      return redirectRefused(this.label, this.config.baseUrl, error.status, error.headers?.get('location'), this.secrets);
    }
    if (error instanceof sdk.APIError && error.status !== undefined) {
      const body = error.error as { message?: unknown } | undefined;
      return httpError(this.label, error.status, {
        detail: providerDetail(body?.message ?? error.message, this.secrets),
        retryAfterMs: retryAfterFrom((name) => error.headers?.get(name)),
      });
    }
    if (error instanceof SyntaxError) {
      return new ProviderError('invalid-response', this.label, `${this.label} sent an answer Captionist could not read`, {
        detail: providerDetail(error.message, this.secrets),
      });
    }
    // A connection lost while the body was arriving ("terminated"): the server had the request.
    if (error instanceof Error && !(error instanceof ProviderError)) {
      return transportError(this.label, this.config.baseUrl, timeoutMs, error, false, this.secrets);
    }
    return error;
  }
}

/**
 * The chat/completions request for one photo, the same for a direct call and a Batch API line:
 * the system prompt, the request text and the JPEG as a data URL (Inference.net takes no links),
 * and with `structured` the strict JSON schema of the answer.
 */
function chatCompletionBody(
  model: string,
  request: Pick<CaptionRequest, 'image' | 'prompt'>,
  structured: boolean,
): ChatCompletionCreateParamsNonStreaming {
  const dataUrl = `data:image/jpeg;base64,${request.image.data.toString('base64')}`;
  return {
    model,
    messages: [
      { role: 'system', content: request.prompt.system },
      {
        role: 'user',
        content: [
          { type: 'text', text: request.prompt.user },
          { type: 'image_url', image_url: { url: dataUrl } },
        ],
      },
    ],
    ...(structured && {
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'photo_caption', strict: true, schema: request.prompt.schema },
      },
    }),
  };
}

/**
 * Servers that speak the protocol loosely put an error's words at the top level (vLLM:
 * `{object:"error", message}`) or as a bare string (`{error:"model not found"}`). The SDK reads
 * only `{error:{message}}`, so a JSON error body reaches it as just that: its words, or the text
 * itself when it has none. The SDK never sees the rest, which it would turn back into text with
 * JSON.stringify (and a deeply nested body would overflow the stack there).
 */
function errorBodiesAsOpenAi(fetch: Fetch): Fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    if (response.ok) return response;
    // Loaded already: fetch is undici's.
    const { Headers, Response } = await import('undici');
    const text = await response.text();
    const body = safeJson(text);
    const headers = new Headers(response.headers);
    headers.delete('content-length');
    return new Response(body === undefined ? text : JSON.stringify({ error: { message: errorWords(body) ?? text } }), {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
  };
}

/** The words of an error body in any of the shapes servers use. */
function errorWords(body: unknown): string | undefined {
  const record = asRecord(body);
  const error = record?.error;
  const candidates = [asRecord(error)?.message, error, record?.message];
  return candidates.find((candidate): candidate is string => typeof candidate === 'string');
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
