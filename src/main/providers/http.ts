import type { EnvHttpProxyAgent, fetch as undiciFetch, RequestInit, Response } from 'undici';
import { ProviderError, redact } from './errors';

type Secrets = readonly (string | null | undefined)[];

export interface HttpRequest {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: RequestInit['body'];
  /** For the whole exchange, the answer's last byte included. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Removed from any text that leaves this module. */
  secrets?: Secrets;
  /** The most a successful answer may hold; maxAnswerBytes unless said otherwise. */
  maxBytes?: number;
}

export interface HttpResponse {
  status: number;
  header(name: string): string | null;
  headerNames(): string[];
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export type Fetch = (input: string | URL, init?: RequestInit) => Promise<Response>;

/**
 * The most a provider's answer may hold. A caption answer is a few KB; one past this is broken or
 * hostile, and reading it whole could take all the memory there is.
 */
export const maxAnswerBytes = 2 * 1024 * 1024;

/** How much of an error answer is read: its start says what went wrong (a proxy's HTML page included). */
const maxErrorBytes = 64 * 1024;

/** The statuses fetch would otherwise follow to their Location. */
const redirectStatuses = new Set([301, 302, 303, 307, 308]);

/** Failures that happen before a single byte of the request leaves the machine. */
const neverSentCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * The adapter for undici: one pooled agent for every provider (it honours HTTP(S)_PROXY and
 * NO_PROXY), timeouts, answers of bounded size, no redirects, and transport failures turned into
 * ProviderErrors. HTTP statuses are left to each provider, since several report errors inside a 200.
 */
export class HttpClient {
  /** Loaded on first use: a command that calls no provider (status, search) never loads undici. */
  private transport: Promise<{ agent: EnvHttpProxyAgent; fetch: typeof undiciFetch; Response: typeof Response }> | undefined;

  /** Loads undici now, if it is not yet, so that the time it takes counts against no request's timeout. */
  async load(): Promise<void> {
    await this.undici();
  }

  /**
   * undici's fetch on the shared agent, under the rules of every provider call: a redirect is
   * never followed (an API key never goes to another address; the caller turns it into
   * redirectRefused), a successful answer fails past `maxBytes`, an error answer is read up to its
   * first 64 KB, and a connection lost in the middle of a successful answer is told apart from one
   * never made. The OpenAI SDK takes this too (mixing fetch implementations fails).
   */
  fetchFor(provider: string, maxBytes = maxAnswerBytes): Fetch {
    return async (input, init) => {
      const { agent, fetch, Response } = await this.undici();
      const response = await fetch(input, { ...init, redirect: 'manual', dispatcher: agent });
      if (response.status > 599) {
        await response.body?.cancel();
        throw new ProviderError('invalid-response', provider, `${provider} sent an unexpected answer (HTTP ${response.status})`, {
          status: response.status,
        });
      }
      if (!response.body) return response;
      const limit = response.ok ? maxBytes : maxErrorBytes;
      return new Response(limitedBody(provider, response, limit, init?.signal ?? undefined), {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    };
  }

  async request(provider: string, url: string, request: HttpRequest): Promise<HttpResponse> {
    return this.exchange(provider, url, request, (response) => response.text());
  }

  /**
   * Like request, for answers too large to hold as one text (Batch API result files): a
   * successful body goes to `onLine` a line at a time as it arrives, and the response's text stays
   * empty. Of a line longer than `maxLineLength` only its start comes, marked cut.
   */
  async requestLines(
    provider: string,
    url: string,
    request: HttpRequest & { maxLineLength: number },
    onLine: (line: string, cut: boolean) => void,
  ): Promise<HttpResponse> {
    return this.exchange(provider, url, request, async (response) => {
      if (!response.ok || !response.body) return response.text();
      await forEachLine(response.body, request.maxLineLength, onLine);
      return '';
    });
  }

  private async exchange(
    provider: string,
    url: string,
    request: HttpRequest,
    read: (response: Response) => Promise<string>,
  ): Promise<HttpResponse> {
    await this.load();
    const timeout = AbortSignal.timeout(request.timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    const secrets = request.secrets ?? [];
    try {
      const response = await this.fetchFor(provider, request.maxBytes)(url, {
        method: request.method ?? 'GET',
        headers: request.headers,
        body: request.body,
        signal,
      });
      if (isRedirect(response.status)) {
        await response.body?.cancel();
        throw redirectRefused(provider, url, response.status, response.headers.get('location'), secrets);
      }
      const text = await read(response);
      return {
        status: response.status,
        header: (name) => response.headers.get(name),
        headerNames: () => [...response.headers.keys()],
        text,
        json: parseJson(text),
      };
    } catch (error) {
      if (request.signal?.aborted || error instanceof ProviderError) throw error;
      throw transportError(provider, url, request.timeoutMs, error, timeout.aborted, secrets);
    }
  }

  async close(): Promise<void> {
    // Never used: there is no agent to close.
    if (this.transport) await (await this.transport).agent.close();
  }

  private undici() {
    this.transport ??= import('undici').then(({ EnvHttpProxyAgent, fetch, Response }) => ({
      agent: new EnvHttpProxyAgent({ keepAliveTimeout: 10_000, headersTimeout: 0, bodyTimeout: 0 }),
      fetch,
      Response,
    }));
    return this.transport;
  }
}

/** The error for an answer longer than `maxBytes`; its reading stops there. */
export function answerTooLarge(provider: string, maxBytes: number, status?: number): ProviderError {
  return new ProviderError(
    'invalid-response',
    provider,
    `${provider} sent an answer too large to read (over ${Math.round(maxBytes / 1024 / 1024)} MB); Captionist stopped reading it`,
    { status, retryable: false },
  );
}

/**
 * The body as it arrives, cut at `limit` bytes: a successful answer running past it fails with
 * answerTooLarge and its connection closes; an error answer just ends there. A connection lost
 * before a successful answer is complete fails as a server error (the server was reached), unless
 * the caller aborted (its timeout, Ctrl-C): then the abort's error passes through.
 */
function limitedBody(provider: string, response: Response, limit: number, signal?: AbortSignal): ReadableStream<Uint8Array> {
  const reader = response.body!.getReader();
  let received = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (error) {
        if (signal?.aborted) controller.error(error);
        else if (response.ok) controller.error(brokenOff(provider, response.status));
        else controller.close();
        return;
      }
      if (chunk.done) return controller.close();
      const room = limit - received;
      received += chunk.value.byteLength;
      if (chunk.value.byteLength <= room) return controller.enqueue(chunk.value);
      void reader.cancel().catch(() => undefined);
      if (response.ok) return controller.error(answerTooLarge(provider, limit, response.status));
      controller.enqueue(chunk.value.subarray(0, room));
      controller.close();
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

function brokenOff(provider: string, status: number): ProviderError {
  return new ProviderError('server', provider, `${provider} closed the connection before its answer was complete`, { status });
}

export function isRedirect(status: number): boolean {
  return redirectStatuses.has(status);
}

/**
 * The error for a redirect, which is never followed. It concerns every call alike (the base URL
 * is not the service's address any more, or something in between misleads), hence 'not-found',
 * which stops the provider instead of failing photo after photo.
 */
export function redirectRefused(provider: string, url: string, status: number, location: string | null | undefined, secrets: Secrets): ProviderError {
  return new ProviderError(
    'not-found',
    provider,
    `${provider} redirected the request to ${redact(redirectTarget(url, location), secrets)}, which Captionist does not ` +
      'follow so that the API key never goes to another address: check the base URL',
    { status },
  );
}

function redirectTarget(url: string, location: string | null | undefined): string {
  try {
    const target = new URL(location ?? '', url);
    return `${target.origin}${target.pathname}`.slice(0, 200);
  } catch {
    return 'another address';
  }
}

/**
 * Calls `onLine` for each line of a UTF-8 body as it arrives, so no more than one line is held;
 * of a line longer than `maxLength` only its start, marked cut.
 */
async function forEachLine(
  body: ReadableStream<Uint8Array>,
  maxLength: number,
  onLine: (line: string, cut: boolean) => void,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let line = '';
  let cut = false;
  const take = (text: string, ends: boolean) => {
    if (!cut) line += text;
    if (!cut && line.length > maxLength) {
      onLine(line.slice(0, maxLength), true);
      cut = true;
    }
    if (!ends) return;
    if (!cut) onLine(line, false);
    line = '';
    cut = false;
  };
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    const pieces = decoder.decode(chunk.value, { stream: true }).split('\n');
    pieces.forEach((piece, index) => take(piece, index < pieces.length - 1));
  }
  take(decoder.decode(), true);
}

export function transportError(
  provider: string,
  url: string,
  timeoutMs: number,
  error: unknown,
  timedOut: boolean,
  secrets: readonly (string | null | undefined)[],
): ProviderError {
  if (timedOut) {
    return new ProviderError('timeout', provider, `${provider} did not answer within ${Math.round(timeoutMs / 1000)} s`);
  }
  const code = errorCode(error);
  const notHttp = [...causes(error)].find(isNotHttp);
  if (notHttp) {
    // The server is there, so this is no reason to wait for it as for a lost network.
    return new ProviderError('server', provider, `${provider} sent an answer that is not valid HTTP`, {
      detail: redact(code ?? String((notHttp as Error).message), secrets),
    });
  }
  const host = safeHost(url);
  return new ProviderError('network', provider, `Could not reach ${provider} at ${host}`, {
    detail: redact(code ?? (error instanceof Error ? error.message : String(error)), secrets),
    mayHaveReachedServer: !(code && neverSentCodes.has(code)),
  });
}

/** The error and the errors it wraps, outermost first. */
function* causes(error: unknown): Generator<unknown> {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    yield current;
    current = (current as { cause?: unknown }).cause;
  }
}

function errorCode(error: unknown): string | undefined {
  for (const cause of causes(error)) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** undici's parser refusing the answer: not HTTP at all, or headers past what it reads. */
function isNotHttp(cause: unknown): boolean {
  return (cause as { name?: unknown }).name === 'HTTPParserError' || (cause as { code?: unknown }).code === 'UND_ERR_HEADERS_OVERFLOW';
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'its configured address';
  }
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Reads rate-limit headers however a provider spells them (x-ratelimit-*, x-rate-limit-*, ratelimit-*). */
export function rateLimitFrom(response: HttpResponse): { limit: number | null; remaining: number | null; resetMs: number | null } {
  const find = (part: string) => {
    // x-rate-limit-remaining, RateLimit-Remaining, or OpenAI's x-ratelimit-remaining-requests
    // (the requests window, not the tokens one).
    const names = response.headerNames().filter((header) => {
      const loose = header.toLowerCase().replace(/[^a-z]/g, '');
      const rest = loose.split('ratelimit')[1];
      return rest !== undefined && rest.startsWith(part) && !rest.includes('token');
    });
    const name = names.find((header) => !/request/i.test(header)) ?? names[0];
    const value = name ? secondsFrom(response.header(name) ?? '') : Number.NaN;
    return Number.isFinite(value) ? value : null;
  };
  const reset = find('reset');
  return {
    limit: find('limit'),
    remaining: find('remaining'),
    // Seconds until reset, or (when it looks like one) a Unix time in seconds.
    resetMs: reset === null ? null : reset > 1e9 ? Math.max(0, reset * 1000 - Date.now()) : reset * 1000,
  };
}

/** A plain number, or a duration as OpenAI writes its resets ("6m0s", "1.5s", "20ms", "1h2m"), in seconds. */
function secondsFrom(text: string): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (!parts.length || parts.map((part) => part[0]).join('') !== trimmed) return Number.NaN;
  const unit = { h: 3600, m: 60, s: 1, ms: 0.001 } as const;
  return parts.reduce((sum, part) => sum + Number(part[1]) * unit[part[2] as keyof typeof unit], 0);
}

export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** A JSON object, or null for anything else (arrays, text, nothing). */
export function asRecord(value: unknown): Record<string, unknown> | null {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

export function isHttpUrl(text: string): boolean {
  return /^https?:\/\/\S+$/i.test(text);
}
