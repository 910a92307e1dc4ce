import type { ProviderConfig } from '../../shared/captioning';
import { parseStructuredAnswer } from '../captions/structured-answer';
import { reportedModel, tokenCount } from './answer-values';
import { httpError, ProviderError, providerDetail, retryAfterFrom } from './errors';
import { asRecord, isSuccess } from './http';
import type { HttpResponse } from './http';
import type { CaptionProvider, CaptionRequest, ProviderAnswer, ProviderDeps, RateLimitInfo } from './provider';

interface AnthropicMessage {
  model?: unknown;
  content?: unknown;
  stop_reason?: unknown;
  usage?: { input_tokens?: unknown; output_tokens?: unknown };
  error?: { type?: unknown; message?: unknown };
}

/** Anthropic's Messages API: the photo as a base64 image block, the answer as JSON in text blocks. */
export class AnthropicProvider implements CaptionProvider {
  readonly type = 'anthropic';
  readonly label = 'Anthropic';
  readonly model: string;
  private readonly endpoint: string;
  private readonly secrets: readonly (string | null)[];

  constructor(
    private readonly config: ProviderConfig,
    private readonly apiKey: string | null,
    private readonly deps: ProviderDeps,
  ) {
    this.model = config.model ?? 'claude-sonnet-4-5';
    this.endpoint = `${config.baseUrl.replace(/\/+$/, '')}/v1/messages`;
    this.secrets = [apiKey];
  }

  async caption(request: CaptionRequest): Promise<ProviderAnswer> {
    const body = {
      model: this.model,
      max_tokens: 1024,
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
    };
    const response = await this.deps.http.request(this.label, this.endpoint, {
      method: 'POST',
      headers: {
        ...(this.apiKey ? { 'x-api-key': this.apiKey } : {}),
        'anthropic-version': '2023-06-01',
        'content-type': 'application/json',
      },
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
