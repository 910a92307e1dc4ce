import type { DetailLevel, ProviderConfig } from '../../shared/captioning';
import { ProviderError, httpError, providerDetail, retryAfterFrom } from './errors';
import { asRecord, isHttpUrl, isSuccess } from './http';
import type { HttpResponse } from './http';
import { taskIdFrom } from './answer-values';
import { maybeSubmittedError, pollUntilSettled, submitPaidTask } from './async-task';
import { captionOnlyAnswer } from './provider';
import type { CaptionProvider, CaptionRequest, ProviderAnswer, ProviderDeps } from './provider';

/** Which call an answer came from: an unexplained error means a bad request when submitting, a failed task when polling. */
type Stage = 'upload' | 'caption' | 'fetch';

/** Where a photographer can see whether a submit whose answer was lost created a request. */
const whereToCheckRequests = 'the request history on ModelsLab';

const captionLengths: Record<DetailLevel, 'short' | 'normal' | 'long'> = { low: 'short', medium: 'normal', high: 'long' };

/** ModelsLab often answers HTTP 200 with status "error": then only its words say what went wrong. */
const creditsWords = /credit|balance|wallet|subscription/i;
const badKeyWords = /api[ _-]?key|invalid key|unauthori[sz]ed/i;
const rateLimitWords = /rate[ _-]?limit|too many|queue (is )?full/i;

/** ModelsLab's image caption: upload the photo as a link, submit a paid request, fetch it if still running. */
export class ModelsLabProvider implements CaptionProvider {
  readonly type = 'modelslab';
  readonly label = 'ModelsLab';
  readonly model = 'image-caption';
  private readonly baseUrl: string;
  private readonly secrets: readonly (string | null)[];

  constructor(
    private readonly config: ProviderConfig,
    private readonly apiKey: string | null,
    private readonly deps: ProviderDeps,
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
    const imageLink = await this.upload(request);
    const answer = await this.submit(imageLink, request);
    if (answer.status !== 'processing') return this.captionFrom(answer);
    const taskId = taskIdFrom(answer.id);
    if (!taskId) throw maybeSubmittedError(this.label, `${this.label} is working on the photo but sent no request id to follow`, whereToCheckRequests);
    request.onTaskId?.(taskId);
    const etaSeconds = Number(answer.eta);
    const etaMs = etaSeconds > 0 ? etaSeconds * 1000 : 0;
    return this.pollUntilSettled(taskId, Math.max(etaMs, this.deps.poll.intervalMs), request.signal);
  }

  private async upload(request: CaptionRequest): Promise<string> {
    const response = await this.post('/api/v6/base64_to_url', {
      base64_string: `data:image/jpeg;base64,${request.image.data.toString('base64')}`,
    }, request.signal);
    const answer = this.answerFrom(response, 'upload');
    // The answer's shape is not documented: take the first link in any of the places seen in the wild.
    const data = asRecord(answer.data);
    const candidates = [Array.isArray(answer.output) ? answer.output[0] : undefined, answer.link, answer.url, data?.url, data?.link];
    const link = candidates.find((value): value is string => typeof value === 'string' && isHttpUrl(value));
    if (!link) throw new ProviderError('invalid-response', this.label, `${this.label} did not return a link for the uploaded photo`);
    return link;
  }

  private async submit(imageLink: string, request: CaptionRequest): Promise<Record<string, unknown>> {
    const response = await submitPaidTask(this.label, whereToCheckRequests, () =>
      this.post('/api/v6/image_editing/caption', {
        init_image: imageLink,
        length: captionLengths[request.options.detail],
        base64: false,
      }, request.signal),
    );
    return this.answerFrom(response, 'caption');
  }

  /** Polls until the request settles or the deadline passes; a resumed request is checked at once. */
  private pollUntilSettled(taskId: string, firstWaitMs: number, signal?: AbortSignal): Promise<string> {
    return pollUntilSettled(
      this.label,
      this.deps,
      firstWaitMs,
      async () => {
        const response = await this.post(`/api/v6/image_editing/fetch/${encodeURIComponent(taskId)}`, {}, signal);
        const answer = this.answerFrom(response, 'fetch');
        // Anything but success is still running ("processing", or a state we do not know yet).
        return answer.status === 'success' ? this.captionFrom(answer) : null;
      },
      signal,
    );
  }

  private captionFrom(answer: Record<string, unknown>): string {
    const output = Array.isArray(answer.output) ? answer.output[0] : undefined;
    const caption = typeof output === 'string' ? output.trim() : '';
    if (!caption) throw new ProviderError('invalid-response', this.label, `${this.label} answered without a caption`);
    return caption;
  }

  /** The key travels in the body, as ModelsLab requires; never in a header. */
  private post(path: string, body: Record<string, unknown>, signal?: AbortSignal): Promise<HttpResponse> {
    return this.deps.http.request(this.label, `${this.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: this.apiKey ?? '', ...body }),
      timeoutMs: this.config.timeoutMs,
      signal,
      secrets: this.secrets,
    });
  }

  /** The answer's body, after checking both the HTTP status and the body's own `status`. */
  private answerFrom(response: HttpResponse, stage: Stage): Record<string, unknown> {
    const answer = asRecord(response.json);
    if (!isSuccess(response.status)) throw this.failure(response, answer, stage);
    if (!answer) {
      throw new ProviderError('invalid-response', this.label, `${this.label} sent an answer that is not JSON (HTTP ${response.status})`);
    }
    if (answer.status === 'error' || answer.status === 'failed') throw this.failure(response, answer, stage);
    return answer;
  }

  private failure(response: HttpResponse, answer: Record<string, unknown> | null, stage: Stage): ProviderError {
    // Older endpoints spell the field "messege".
    const detail = providerDetail(answer?.message ?? answer?.messege ?? answer?.error, this.secrets);
    const retryAfterSeconds = Number(answer?.retry_after);
    const retryAfterMs =
      answer?.retry_after !== undefined && answer.retry_after !== null && retryAfterSeconds >= 0
        ? retryAfterSeconds * 1000
        : retryAfterFrom((name) => response.header(name));
    // A specific HTTP status says more than the words; a plain 400 or a 200 says less.
    const status = response.status > 400 ? response.status : statusFromWords(detail ?? '') ?? response.status;
    if (status >= 400) return httpError(this.label, status, { detail, retryAfterMs });
    if (stage === 'fetch') {
      return new ProviderError('task-failed', this.label, `${this.label} could not caption this photo`, { detail });
    }
    return httpError(this.label, 400, { detail });
  }

}

function statusFromWords(text: string): number | undefined {
  if (creditsWords.test(text)) return 402;
  if (badKeyWords.test(text)) return 401;
  if (rateLimitWords.test(text)) return 429;
  return undefined;
}
