import type { ProviderConfig } from '../../shared/captioning';
import { parseStructuredAnswer } from './structured-answer';
import { reportedModel, tokenCount } from './answer-values';
import { httpError, ProviderError, providerDetail, retryAfterFrom } from './errors';
import { asRecord, isSuccess } from './http';
import type { HttpResponse } from './http';
import { anthropicModels, AvailableModels } from './model-list';
import type { ModelList } from './model-list';
import { typeDefaults } from './presets';
import { StructuredOutputs } from './structured-output';
import type { RateLimitInfo } from '../base/failure';
import type { CaptionProvider, CaptionRequest, ProviderAnswer, ProviderDeps } from './provider';

interface AnthropicMessage {
  model?: unknown;
  content?: unknown;
  stop_reason?: unknown;
  usage?: { input_tokens?: unknown; output_tokens?: unknown };
  error?: { type?: unknown; message?: unknown };
}

/** The Messages API version every request names. */
const anthropicVersion = '2023-06-01';

/**
 * Room for the answer: current models think before they answer (adaptive thinking is on by
 * default), and that spends output tokens too. Only what is written is paid for.
 */
const maxOutputTokens = 4096;

/**
 * Anthropic's Messages API: the photo as a base64 image block, the answer as JSON following the
 * caption schema (`output_config.format`), or in plain text from a model that does not take it.
 */
export class AnthropicProvider implements CaptionProvider {
  readonly type = 'anthropic';
  readonly label = 'Anthropic';
  readonly model: string;
  private readonly baseUrl: string;
  private readonly secrets: readonly (string | null)[];
  private readonly headers: Record<string, string>;
  private readonly structuredOutputs = new StructuredOutputs();
  /** The account's models, for an error about one it does not have. */
  private readonly availableModels: AvailableModels;

  constructor(
    private readonly config: ProviderConfig,
    apiKey: string | null,
    private readonly deps: ProviderDeps,
  ) {
    this.model = config.model ?? typeDefaults.anthropic.model!;
    this.baseUrl = config.baseUrl.replace(/\/+$/, '');
    this.secrets = [apiKey];
    this.headers = { ...(apiKey ? { 'x-api-key': apiKey } : {}), 'anthropic-version': anthropicVersion };
    this.availableModels = new AvailableModels((signal) => this.listModels(signal), config.name);
  }

  async caption(request: CaptionRequest): Promise<ProviderAnswer> {
    try {
      return await this.structuredOutputs.send((structured) => this.send(request, structured));
    } catch (error) {
      throw await this.availableModels.explain(error);
    }
  }

  /** `GET /v1/models`, every page, marked with what each model's capabilities say of images. */
  listModels(signal?: AbortSignal): Promise<ModelList> {
    const source = {
      label: this.label,
      http: this.deps.http,
      headers: this.headers,
      secrets: this.secrets,
      timeoutMs: this.config.timeoutMs,
    };
    return anthropicModels(source, this.baseUrl, signal);
  }

  private async send(request: CaptionRequest, structured: boolean): Promise<ProviderAnswer> {
    const body = {
      model: this.model,
      max_tokens: maxOutputTokens,
      system: request.prompt.system,
      messages: [
        {
          role: 'user',
          content: [
            {
              type: 'image',
              source: { type: 'base64', media_type: 'image/jpeg', data: request.image.data.toString('base64') },
            },
            { type: 'text', text: request.prompt.user },
          ],
        },
      ],
      // The same schema the OpenAI-compatible path asks for; Anthropic takes it as is.
      ...(structured && { output_config: { format: { type: 'json_schema', schema: request.prompt.schema } } }),
    };
    const response = await this.deps.http.request(this.label, `${this.baseUrl}/v1/messages`, {
      method: 'POST',
      headers: { ...this.headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      timeoutMs: this.config.timeoutMs,
      signal: request.signal,
      secrets: this.secrets,
    });
    const message = (asRecord(response.json) ?? undefined) as AnthropicMessage | undefined;

    if (!isSuccess(response.status)) {
      throw httpError(this.label, response.status, {
        detail: providerDetail(message ? message.error?.message : response.text, this.secrets),
        retryAfterMs: retryAfterFrom(response.header),
      });
    }
    if (!Array.isArray(message?.content)) {
      throw new ProviderError('invalid-response', this.label, `${this.label} sent an answer Captionist could not read`, {
        status: response.status,
        detail: providerDetail(response.text, this.secrets),
      });
    }
    if (message.stop_reason === 'refusal') {
      throw new ProviderError('refused', this.label, `${this.label} declined to caption this photo under its content policy`, {
        status: response.status,
      });
    }
    const text = (message.content as { type?: unknown; text?: unknown }[])
      .flatMap((block) => (block?.type === 'text' && typeof block.text === 'string' ? [block.text] : []))
      .join('')
      .trim();
    if (!text) throw new ProviderError('invalid-response', this.label, `${this.label} answered with an empty caption`);
    return {
      fields: parseStructuredAnswer(text),
      text,
      model: reportedModel(message.model, this.model),
      usage: {
        inputTokens: tokenCount(asRecord(message.usage)?.input_tokens),
        outputTokens: tokenCount(asRecord(message.usage)?.output_tokens),
      },
      rateLimit: requestRateLimit(response),
    };
  }
}

/**
 * The requests window of Anthropic's rate-limit headers. Not rateLimitFrom: Anthropic sends one
 * window each for requests, tokens, input and output tokens, and its reset is an RFC 3339 time.
 */
function requestRateLimit(response: HttpResponse): RateLimitInfo {
  const number = (name: string) => {
    const value = Number.parseFloat(response.header(`anthropic-ratelimit-requests-${name}`) ?? '');
    return Number.isFinite(value) ? value : null;
  };
  const resetAt = Date.parse(response.header('anthropic-ratelimit-requests-reset') ?? '');
  return {
    limit: number('limit'),
    remaining: number('remaining'),
    resetMs: Number.isFinite(resetAt) ? Math.max(0, resetAt - Date.now()) : null,
  };
}
