import type { ProviderConfig } from '../../shared/captioning';
import { httpError, ProviderError, providerDetail, retryAfterFrom } from './errors';
import { asRecord, isSuccess, rateLimitFrom } from './http';
import { captionOnlyAnswer } from './provider';
import type { CaptionProvider, CaptionRequest, ProviderAnswer, ProviderDeps } from './provider';

interface ApiVerveEnvelope {
  status?: unknown;
  error?: unknown;
  data?: { caption?: unknown } | null;
}

/** APIVerve says its quota is gone with any status, 200 included ("tokens"/"credits have been depleted"). */
const depletedPattern = /have been depleted/i;

/** APIVerve's Image Caption: one multipart upload, one caption back, nothing structured. */
export class ApiVerveProvider implements CaptionProvider {
  readonly type = 'apiverve';
  readonly label = 'APIVerve';
  readonly model = null;
  private readonly endpoint: string;
  private readonly secrets: readonly (string | null)[];

  constructor(
    private readonly config: ProviderConfig,
    private readonly apiKey: string | null,
    private readonly deps: ProviderDeps,
  ) {
    this.endpoint = `${config.baseUrl.replace(/\/+$/, '')}/v1/imagecaption`;
    this.secrets = [apiKey];
  }

  async caption(request: CaptionRequest): Promise<ProviderAnswer> {
    // undici's own multipart (its fetch sends it), loaded with the first request like undici itself.
    const { FormData } = await import('undici');
    const form = new FormData();
    form.append('image', new Blob([request.image.data], { type: 'image/jpeg' }), 'photo.jpg');
    const response = await this.deps.http.request(this.label, this.endpoint, {
      method: 'POST',
      // Only a JSON answer can be read, so that is what is asked for.
      headers: { accept: 'application/json', ...(this.apiKey ? { 'X-API-Key': this.apiKey } : {}) },
      body: form,
      timeoutMs: this.config.timeoutMs,
      signal: request.signal,
      secrets: this.secrets,
    });
    const rateLimit = rateLimitFrom(response);
    const envelope = (asRecord(response.json) ?? undefined) as ApiVerveEnvelope | undefined;
    const problem = typeof envelope?.error === 'string' ? envelope.error : envelope ? undefined : response.text;
    const detail = providerDetail(problem, this.secrets);

    const ok = isSuccess(response.status);
    if (!ok || envelope?.status === 'error') {
      const depleted = depletedPattern.test(problem ?? '');
      if (ok && !depleted) {
        throw new ProviderError('unprocessable', this.label, `${this.label} could not caption this photo`, {
          status: response.status,
          detail,
        });
      }
      const retryAfterMs = retryAfterFrom(response.header);
      // APIVerve's 403 means no credits left, what other services say with 402.
      throw httpError(this.label, depleted || response.status === 403 ? 402 : response.status, {
        detail,
        retryAfterMs: response.status === 429 ? (retryAfterMs ?? rateLimit.resetMs ?? undefined) : retryAfterMs,
      });
    }
    if (envelope?.status !== 'ok') {
      throw new ProviderError('invalid-response', this.label, `${this.label} sent an answer Captionist could not read`, {
        status: response.status,
        detail,
      });
    }
    const caption = typeof envelope.data?.caption === 'string' ? envelope.data.caption.trim() : '';
    if (!caption) {
      throw new ProviderError('invalid-response', this.label, `${this.label} answered with an empty caption`, {
        status: response.status,
      });
    }
    return { ...captionOnlyAnswer(caption, null), rateLimit };
  }
}
