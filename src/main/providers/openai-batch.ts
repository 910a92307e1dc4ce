import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import type { FormData } from 'undici';
import type { ProviderConfig } from '../../shared/captioning';
import { httpError, ProviderError, providerDetail, retryAfterFrom } from './errors';
import { answerTooLarge, asRecord, isSuccess, maxAnswerBytes } from './http';
import type { HttpClient, HttpResponse } from './http';
import { presetFor, typeDefaults } from './presets';

/** The Batch API's states; the last four are final. */
export type RemoteBatchStatus =
  | 'validating'
  | 'in_progress'
  | 'finalizing'
  | 'completed'
  | 'failed'
  | 'expired'
  | 'cancelling'
  | 'cancelled';

const finalStatuses = new Set<string>(['completed', 'failed', 'expired', 'cancelled']);

export interface RemoteBatch {
  id: string;
  status: string;
  outputFileId: string | null;
  errorFileId: string | null;
  total: number;
  completed: number;
  failed: number;
  /** Why a batch failed as a whole (its input file did not validate), with the line when given. */
  errors: { message: string; line: number | null }[];
  /** The value we put in `metadata.captionist_batch`, if any. */
  clientRef: string | null;
  /** Unix seconds. */
  createdAt: number;
}

export function isFinalStatus(status: string): boolean {
  return finalStatuses.has(status);
}

/** One line of a batch output or error file. */
export interface BatchResultLine {
  customId: string;
  /** The HTTP status the request got; null when the line carries only an `error`. */
  statusCode: number | null;
  body: unknown;
  error: { code: string | null; message: string } | null;
}

/** What the Batch API accepts (OpenAI's limits; Inference.net documents none lower). */
export const batchFileLimits = { maxLines: 50_000, maxBytes: 200_000_000 } as const;

/**
 * The most a result file may hold. Its lines are a few KB each and a batch holds at most 5,000
 * photos, so an honest file stays far below; a line is an answer, capped like a direct one.
 */
export const maxResultFileBytes = 128 * 1024 * 1024;

/** The code of a line too long to read, in place of the service's own error. */
const answerTooLargeCode = 'captionist_answer_too_large';

/** The endpoint every line targets, as OpenAI spells it in `url` and `endpoint`. */
export const batchEndpoint = '/v1/chat/completions';

/**
 * Where the provider's Batch API lives, or null when it has none we know of. An OpenAI-compatible
 * provider needs a batch base URL; one inherited from the type's defaults (Inference.net's) is
 * trusted only while the base URL is Inference.net's too, so a local server's key never travels
 * to a batch host it did not choose.
 */
export function batchBaseUrlFor(config: ProviderConfig): string | null {
  if (config.type !== 'openai-compatible' || !config.batchBaseUrl) return null;
  const preset = config.preset ? presetFor(config.preset) : undefined;
  const inherited = typeDefaults['openai-compatible'];
  const fromDefaults = !preset?.batchBaseUrl && config.batchBaseUrl === inherited.batchBaseUrl;
  if (fromDefaults && config.baseUrl !== inherited.baseUrl) return null;
  return config.batchBaseUrl.replace(/\/+$/, '');
}

/**
 * The Batch API of an OpenAI-compatible service (OpenAI, Inference.net): files up, batches
 * created, polled and listed, result files down. Our HttpClient rather than the openai SDK:
 * the upload streams a file from disk as undici's own multipart (the SDK's FormData and undici's
 * fetch come from different undici builds), and every failure is classified the way the direct
 * calls' are, so the batch lane reacts to 401, 429, 5xx and the network as the scheduler does.
 */
export class OpenAiBatchApi {
  constructor(
    private readonly label: string,
    private readonly baseUrl: string,
    private readonly apiKey: string | null,
    private readonly http: HttpClient,
    private readonly timeoutMs: number,
  ) {}

  /** Uploads a JSONL file with purpose "batch"; returns the file id. */
  async uploadInputFile(path: string, signal?: AbortSignal): Promise<string> {
    // undici's own multipart (its fetch sends it), loaded with the first request like undici itself.
    const { FormData } = await import('undici');
    const form = new FormData();
    form.append('purpose', 'batch');
    form.append('file', await openAsBlob(path, { type: 'application/jsonl' }), basename(path));
    // A 200 MB file takes a while on a slow uplink.
    const body = await this.call('POST', '/files', { body: form, timeoutMs: Math.max(this.timeoutMs, 30 * 60_000), signal });
    const id = body.id;
    if (typeof id !== 'string' || !id) throw this.unreadable('its answer to the file upload');
    return id;
  }

  async createBatch(inputFileId: string, clientRef: string, signal?: AbortSignal): Promise<RemoteBatch> {
    const body = await this.call('POST', '/batches', {
      json: {
        input_file_id: inputFileId,
        endpoint: batchEndpoint,
        completion_window: '24h',
        metadata: { captionist_batch: clientRef },
      },
      signal,
    });
    return this.batchFrom(body);
  }

  async getBatch(id: string, signal?: AbortSignal): Promise<RemoteBatch> {
    return this.batchFrom(await this.call('GET', `/batches/${encodeURIComponent(id)}`, { signal }));
  }

  /**
   * The batch we tagged with `clientRef`, looked for among those created since `since` (Unix
   * seconds, newest first, a page of 100 at a time). Null when it is certainly not there.
   */
  async findBatch(clientRef: string, since: number, signal?: AbortSignal): Promise<RemoteBatch | null> {
    let after: string | null = null;
    for (let page = 0; page < 50; page++) {
      const query: string = `/batches?limit=100${after ? `&after=${encodeURIComponent(after)}` : ''}`;
      const body = await this.call('GET', query, { signal });
      const items = Array.isArray(body.data) ? body.data.map((item) => this.batchFrom(item)) : [];
      const match = items.find((item) => item.clientRef === clientRef);
      if (match) return match;
      const oldest = items.at(-1);
      // Lists come newest first: once past the moment we tried to create it, it is not there.
      if (body.has_more !== true || !oldest || (oldest.createdAt && oldest.createdAt < since)) return null;
      after = oldest.id;
    }
    return null;
  }

  /**
   * The lines of a result file (output or error), read as they arrive so the file is never held
   * whole. A line too long to read counts as a failed answer for its photo, when its start names it.
   */
  async resultLines(fileId: string, signal?: AbortSignal): Promise<BatchResultLine[]> {
    const lines: BatchResultLine[] = [];
    await this.send(
      'GET',
      `/files/${encodeURIComponent(fileId)}/content`,
      { timeoutMs: Math.max(this.timeoutMs, 30 * 60_000), maxBytes: maxResultFileBytes, signal },
      (text, cut) => {
        const line = cut ? tooLongLine(text) : this.resultLine(text);
        if (line) lines.push(line);
      },
    );
    return lines;
  }

  private resultLine(text: string): BatchResultLine | null {
    const record = asRecord(safeJson(text));
    const customId = record?.custom_id;
    if (!record || typeof customId !== 'string') return null;
    const response = asRecord(record.response);
    const error = asRecord(record.error);
    const statusCode = typeof response?.status_code === 'number' ? response.status_code : null;
    return {
      customId,
      statusCode,
      body: response?.body ?? null,
      error: error
        ? {
            code: typeof error.code === 'string' ? error.code : null,
            message: providerDetail(error.message, [this.apiKey]) ?? 'no reason given',
          }
        : null,
    };
  }

  /** The error a failed line stands for, classified like a direct call's HTTP error. */
  lineError(line: BatchResultLine): ProviderError {
    if (line.error?.code === answerTooLargeCode) return answerTooLarge(this.label, maxAnswerBytes);
    const bodyError = asRecord(asRecord(line.body)?.error);
    const detail = providerDetail(bodyError?.message ?? line.error?.message, [this.apiKey]);
    if (line.statusCode !== null && line.statusCode !== 200) return httpError(this.label, line.statusCode, { detail });
    return new ProviderError('bad-request', this.label, `${this.label} did not process this photo in the batch`, {
      detail: detail ?? line.error?.code ?? undefined,
    });
  }

  private async call(
    method: 'GET' | 'POST',
    path: string,
    options: { json?: unknown; body?: FormData; timeoutMs?: number; signal?: AbortSignal },
  ): Promise<Record<string, unknown>> {
    const response = await this.send(method, path, options);
    const body = asRecord(response.json);
    if (!body) throw this.unreadable(`its answer to ${method} ${path.split('?')[0]}`);
    return body;
  }

  /** One call; with `onLine`, a successful answer goes to it line by line instead of into the response's text. */
  private async send(
    method: 'GET' | 'POST',
    path: string,
    options: { json?: unknown; body?: FormData; timeoutMs?: number; maxBytes?: number; signal?: AbortSignal },
    onLine?: (line: string, cut: boolean) => void,
  ): Promise<HttpResponse> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.apiKey || 'not-needed'}` };
    if (options.json !== undefined) headers['content-type'] = 'application/json';
    const url = `${this.baseUrl}${path}`;
    const request = {
      method,
      headers,
      body: options.json !== undefined ? JSON.stringify(options.json) : options.body,
      timeoutMs: options.timeoutMs ?? this.timeoutMs,
      maxBytes: options.maxBytes,
      signal: options.signal,
      secrets: [this.apiKey],
    };
    const response = onLine
      ? await this.http.requestLines(this.label, url, { ...request, maxLineLength: maxAnswerBytes }, onLine)
      : await this.http.request(this.label, url, request);
    if (isSuccess(response.status)) return response;
    const error = asRecord(asRecord(response.json)?.error);
    throw httpError(this.label, response.status, {
      detail: providerDetail(error?.message ?? asRecord(response.json)?.message ?? response.text.slice(0, 300), [this.apiKey]),
      retryAfterMs: retryAfterFrom((name) => response.header(name)),
    });
  }

  private batchFrom(value: unknown): RemoteBatch {
    const body = asRecord(value);
    if (!body || typeof body.id !== 'string' || typeof body.status !== 'string') throw this.unreadable('a batch it described');
    const counts = asRecord(body.request_counts) ?? {};
    const errors = Array.isArray(asRecord(body.errors)?.data) ? (asRecord(body.errors)!.data as unknown[]) : [];
    const clientRef = asRecord(body.metadata)?.captionist_batch;
    const count = (name: string) => (typeof counts[name] === 'number' ? counts[name] : 0);
    return {
      id: body.id,
      status: body.status,
      outputFileId: typeof body.output_file_id === 'string' && body.output_file_id ? body.output_file_id : null,
      errorFileId: typeof body.error_file_id === 'string' && body.error_file_id ? body.error_file_id : null,
      total: count('total'),
      completed: count('completed'),
      failed: count('failed'),
      errors: errors.map((item) => {
        const error = asRecord(item) ?? {};
        return {
          message: providerDetail(error.message, [this.apiKey]) ?? String(error.code ?? 'invalid line'),
          line: typeof error.line === 'number' ? error.line : null,
        };
      }),
      clientRef: typeof clientRef === 'string' ? clientRef : null,
      createdAt: typeof body.created_at === 'number' ? body.created_at : 0,
    };
  }

  private unreadable(what: string): ProviderError {
    return new ProviderError('invalid-response', this.label, `${this.label} sent ${what} in a form Captionist could not read`);
  }
}

/**
 * A line too long to read, as a failed line of the photo it names: OpenAI writes `custom_id`
 * near the start. Null when the start does not say.
 */
function tooLongLine(start: string): BatchResultLine | null {
  const quoted = /"custom_id"\s*:\s*("(?:[^"\\]|\\.)*")/.exec(start.slice(0, 4096))?.[1];
  const customId = quoted === undefined ? undefined : safeJson(quoted);
  if (typeof customId !== 'string') return null;
  return { customId, statusCode: null, body: null, error: { code: answerTooLargeCode, message: 'answer too large' } };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
