import type OpenAI from 'openai';
import type { ClientOptions } from 'openai';
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import type { ProviderConfig } from '../../shared/captioning';
import { parseStructuredAnswer } from '../captions/structured-answer';
import { httpError, ProviderError, providerDetail, retryAfterFrom } from './errors';
import { asRecord, transportError } from './http';
import type { HttpClient } from './http';
import { batchBaseUrlFor, OpenAiBatchApi } from './openai-batch';
import { presetFor } from './presets';
import type { CaptionProvider, CaptionRequest, ProviderAnswer, ProviderDeps } from './provider';

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
  private structuredOutputs: 'untried' | 'supported' | 'unsupported' = 'untried';
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
    this.http = deps.http;
    this.clientOptions = {
      // Local servers ignore the key but the SDK insists on one.
      apiKey: apiKey || 'not-needed',
      baseURL: config.baseUrl,
      maxRetries: 0,
      timeout: config.timeoutMs,
      fetch: errorBodiesAsOpenAi(deps.http.fetch) as unknown as typeof globalThis.fetch,
    };
    const batchBaseUrl = batchBaseUrlFor(config);
    this.batch = batchBaseUrl ? new OpenAiBatchApi(this.label, batchBaseUrl, apiKey, deps.http, config.timeoutMs) : null;
  }

  async caption(request: CaptionRequest): Promise<ProviderAnswer> {
    const body = chatCompletionBody(this.model, request, false);
    if (this.structuredOutputs === 'unsupported') return this.complete(body, request);
    try {
      const answer = await this.complete(chatCompletionBody(this.model, request, true), request);
      this.structuredOutputs = 'supported';
      return answer;
    } catch (error) {
      // Servers that do not know Structured Outputs say so in a 400 or 422 naming the parameter;
      // any other 400 (an image too large, say) is not worth a second request.
      const rejectedFormat =
        this.structuredOutputs === 'untried' &&
        error instanceof ProviderError &&
        (error.kind === 'bad-request' || error.kind === 'unprocessable') &&
        /response_format|json_schema|json schema|structured|schema|grammar|format/i.test(error.detail ?? '');
      if (!rejectedFormat) throw error;
      const answer = await this.complete(body, request);
      this.structuredOutputs = 'unsupported';
      return answer;
    }
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
    return chatCompletionBody(this.model, request, this.structuredOutputs !== 'unsupported');
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
    const text = (choice.message.content ?? '').trim();
    if (!text) throw new ProviderError('invalid-response', this.label, `${this.label} answered with an empty caption`);
    return {
      fields: parseStructuredAnswer(text),
      text,
      model: (typeof model === 'string' && model) || this.model,
      usage: {
        inputTokens: usage?.prompt_tokens ?? null,
        outputTokens: usage?.completion_tokens ?? null,
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
    if (deadline.aborted || error instanceof sdk.APIConnectionTimeoutError) {
      return transportError(this.label, this.config.baseUrl, timeoutMs, error, true, this.secrets);
    }
    if (error instanceof sdk.APIConnectionError) {
      return transportError(this.label, this.config.baseUrl, timeoutMs, error.cause ?? error, false, this.secrets);
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
 * only `{error:{message}}`, so error bodies are reshaped into that before it sees them.
 */
function errorBodiesAsOpenAi(fetch: HttpClient['fetch']): HttpClient['fetch'] {
  return async (input, init) => {
    const response = await fetch(input, init);
    if (response.ok) return response;
    // Loaded already: fetch is undici's.
    const { Headers, Response } = await import('undici');
    const text = await response.text();
    const body = asRecord(safeJson(text));
    const reshaped =
      body && typeof body.error === 'string'
        ? { error: { message: body.error } }
        : body && body.error === undefined && typeof body.message === 'string'
          ? { error: body }
          : null;
    const headers = new Headers(response.headers);
    headers.delete('content-length');
    return new Response(reshaped ? JSON.stringify(reshaped) : text, {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
