import type { ProviderConfig } from '../../shared/captioning';
import { ProviderError, httpError, providerDetail, retryAfterFrom } from './errors';
import { asRecord, isHttpUrl, isSuccess } from './http';
import type { HttpResponse } from './http';
import { taskIdFrom } from './answer-values';
import { maybeSubmittedError, pollUntilSettled, submitPaidTask } from './async-task';
import { captionOnlyAnswer } from './provider';
import type { CaptionProvider, CaptionRequest, ProviderAnswer, ProviderDeps } from './provider';

export interface WaveSpeedSettings {
  /** Ask for the caption in the submit's own answer; a slow task still falls back to polling. */
  syncMode?: boolean;
}

interface Prediction {
  id: string | null;
  status: string | null;
  outputs: unknown[];
  error: unknown;
}

/** Where a photographer can see whether a submit whose answer was lost created a task. */
const whereToCheckTasks = 'the task list on WaveSpeed';

/** WaveSpeed's answer when sync mode gave up waiting: the task exists and goes on running. */
const syncTimeoutCode = 5004;
const creditsWords = /balance|credit|quota|top[ -]?up|recharge/i;

/** The WaveSpeedAI image-captioner: upload the photo, submit a paid task, poll it for the caption. */
export class WaveSpeedProvider implements CaptionProvider {
  readonly type = 'wavespeed';
  readonly label = 'WaveSpeed';
  readonly model = 'wavespeed-ai/image-captioner';
  private readonly baseUrl: string;
  private readonly secrets: readonly (string | null)[];

  constructor(
    private readonly config: ProviderConfig,
    private readonly apiKey: string | null,
    private readonly deps: ProviderDeps,
    private readonly settings: WaveSpeedSettings = {},
  ) {
    this.baseUrl = config.baseUrl.replace(/\/+$/, '');
    this.secrets = [apiKey];
  }

  async caption(request: CaptionRequest): Promise<ProviderAnswer> {
    const caption = request.resumeTaskId
      ? await this.pollUntilSettled(request.resumeTaskId, 0, request.signal)
      : await this.submitAndFollow(request);
    return captionOnlyAnswer(caption, this.model);
  }

  private async submitAndFollow(request: CaptionRequest): Promise<string> {
    const imageUrl = await this.upload(request);
    const prediction = await this.submit(imageUrl, request);
    // Stored before anything else can fail, so a retry polls this task instead of paying for another.
    if (prediction.id) request.onTaskId?.(prediction.id);
    const caption = await this.settledCaption(prediction, request.signal);
    if (caption !== null) return caption;
    if (!prediction.id) throw maybeSubmittedError(this.label, `${this.label} accepted the photo but sent no task id to follow`, whereToCheckTasks);
    return this.pollUntilSettled(prediction.id, this.deps.poll.intervalMs, request.signal);
  }

  private async upload(request: CaptionRequest): Promise<string> {
    // undici's own multipart (its fetch sends it), loaded with the first request like undici itself.
    const { FormData } = await import('undici');
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(request.image.data)], { type: 'image/jpeg' }), 'photo.jpg');
    const response = await this.deps.http.request(this.label, `${this.baseUrl}/api/v3/media/upload/binary`, {
      method: 'POST',
      headers: this.authHeaders(),
      body: form,
      timeoutMs: this.config.timeoutMs,
      signal: request.signal,
      secrets: this.secrets,
    });
    // The upload endpoint answers `download_url`; its newer version answers `url`.
    const uploaded = this.dataFrom(response);
    const link = [uploaded.download_url, uploaded.url].find((value) => typeof value === 'string' && isHttpUrl(value));
    if (typeof link !== 'string') {
      throw new ProviderError('invalid-response', this.label, `${this.label} did not return a link for the uploaded photo`);
    }
    return link;
  }

  private async submit(imageUrl: string, request: CaptionRequest): Promise<Prediction> {
    const { detail, focus } = request.options;
    const body = {
      image: imageUrl,
      detail_level: detail,
      ...(focus ? { focus } : {}),
      ...(this.settings.syncMode ? { enable_sync_mode: true } : {}),
    };
    const response = await submitPaidTask(this.label, whereToCheckTasks, () =>
      this.deps.http.request(this.label, `${this.baseUrl}/api/v3/wavespeed-ai/image-captioner`, {
        method: 'POST',
        headers: { ...this.authHeaders(), 'content-type': 'application/json' },
        body: JSON.stringify(body),
        timeoutMs: this.config.timeoutMs,
        signal: request.signal,
        secrets: this.secrets,
      }),
    );
    return predictionFrom(this.dataFrom(response, [syncTimeoutCode]));
  }

  /** Polls until the task settles or the deadline passes; a resumed task is checked at once. */
  private pollUntilSettled(taskId: string, firstWaitMs: number, signal?: AbortSignal): Promise<string> {
    return pollUntilSettled(
      this.label,
      this.deps,
      firstWaitMs,
      async () => this.settledCaption(await this.fetchPrediction(taskId, signal), signal),
      signal,
    );
  }

  private async fetchPrediction(taskId: string, signal?: AbortSignal): Promise<Prediction> {
    const url = `${this.baseUrl}/api/v3/predictions/${encodeURIComponent(taskId)}/result`;
    const response = await this.deps.http.request(this.label, url, {
      headers: this.authHeaders(),
      timeoutMs: this.config.timeoutMs,
      signal,
      secrets: this.secrets,
    });
    return predictionFrom(this.dataFrom(response));
  }

  /** The caption of a finished task, null while it runs. */
  private async settledCaption(prediction: Prediction, signal?: AbortSignal): Promise<string | null> {
    if (prediction.status === 'failed') {
      throw new ProviderError('task-failed', this.label, `${this.label} could not caption this photo`, {
        detail: providerDetail(prediction.error, this.secrets),
      });
    }
    if (prediction.status !== 'completed') return null;
    const output = prediction.outputs[0];
    const text = typeof output === 'string' && isHttpUrl(output.trim()) ? await this.download(output.trim(), signal) : output;
    const caption = typeof text === 'string' ? text.trim() : '';
    if (!caption) throw new ProviderError('invalid-response', this.label, `${this.label} finished the task without a caption`);
    return caption;
  }

  /** Outputs may be stored as files; their links are public storage, so the key is not sent along. */
  private async download(url: string, signal?: AbortSignal): Promise<string> {
    const response = await this.deps.http.request(this.label, url, {
      timeoutMs: this.config.timeoutMs,
      signal,
      secrets: this.secrets,
    });
    if (!isSuccess(response.status)) throw httpError(this.label, response.status);
    return typeof response.json === 'string' ? response.json : response.text;
  }

  /** The envelope's `data`, after checking both the HTTP status and the envelope's own `code`. */
  private dataFrom(response: HttpResponse, pendingCodes: readonly number[] = []): Record<string, unknown> {
    const body = asRecord(response.json);
    if (!isSuccess(response.status)) throw this.failure(response, body);
    if (!body) {
      throw new ProviderError('invalid-response', this.label, `${this.label} sent an answer that is not JSON (HTTP ${response.status})`);
    }
    const code = body.code === undefined ? 200 : Number(body.code);
    if (code !== 200 && !pendingCodes.includes(code)) throw this.failure(response, body);
    return asRecord(body.data) ?? {};
  }

  private failure(response: HttpResponse, body: Record<string, unknown> | null): ProviderError {
    const detail = providerDetail(body?.message ?? body?.error, this.secrets);
    const retryAfterMs = retryAfterFrom((name) => response.header(name));
    const code = Number(body?.code);
    const status = !isSuccess(response.status) ? response.status : code;
    if (status >= 400 && status < 600) return httpError(this.label, status, { detail, retryAfterMs });
    if (detail && creditsWords.test(detail)) return httpError(this.label, 402, { detail });
    return new ProviderError('server', this.label, `${this.label} reported an error (code ${body?.code ?? 'missing'})`, {
      detail,
      retryAfterMs,
    });
  }


  private authHeaders(): Record<string, string> {
    return this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {};
  }
}

function predictionFrom(data: Record<string, unknown>): Prediction {
  return {
    id: taskIdFrom(data.id) ?? idFromResultUrl(data.urls),
    status: typeof data.status === 'string' ? data.status : null,
    outputs: Array.isArray(data.outputs) ? data.outputs : [],
    error: data.error,
  };
}

/** Sync-mode timeouts are not documented in full: fall back to the id inside `urls.get`. */
function idFromResultUrl(urls: unknown): string | null {
  const get = asRecord(urls)?.get;
  const match = typeof get === 'string' ? /\/predictions\/([^/]+)\/result/.exec(get) : null;
  return match ? taskIdFrom(safeDecode(match[1]!)) : null;
}

function safeDecode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}
