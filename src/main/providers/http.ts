import type { EnvHttpProxyAgent, fetch as undiciFetch, RequestInit, Response } from 'undici';
import { ProviderError, redact } from './errors';

export interface HttpRequest {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: RequestInit['body'];
  timeoutMs: number;
  signal?: AbortSignal;
  /** Removed from any text that leaves this module. */
  secrets?: readonly (string | null | undefined)[];
}

export interface HttpResponse {
  status: number;
  header(name: string): string | null;
  headerNames(): string[];
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

/** Failures that happen before a single byte of the request leaves the machine. */
const neverSentCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * The adapter for undici: one pooled agent for every provider (it honours HTTP(S)_PROXY and
 * NO_PROXY), timeouts, and transport failures turned into ProviderErrors. HTTP statuses are left
 * to each provider, since several report errors inside a 200.
 */
export class HttpClient {
  /** Loaded on first use: a command that calls no provider (status, search) never loads undici. */
  private transport: Promise<{ agent: EnvHttpProxyAgent; fetch: typeof undiciFetch }> | undefined;

  /** Loads undici now, if it is not yet, so that the time it takes counts against no request's timeout. */
  async load(): Promise<void> {
    await this.undici();
  }

  /** undici's fetch on the shared agent; the OpenAI SDK takes this (mixing fetch implementations fails). */
  readonly fetch = async (input: string | URL, init?: RequestInit): Promise<Response> => {
    const { agent, fetch } = await this.undici();
    return fetch(input, { ...init, dispatcher: agent });
  };

  async request(provider: string, url: string, request: HttpRequest): Promise<HttpResponse> {
    await this.load();
    const timeout = AbortSignal.timeout(request.timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    try {
      const response = await this.fetch(url, {
        method: request.method ?? 'GET',
        headers: request.headers,
        body: request.body,
        signal,
      });
      const text = await response.text();
      return {
        status: response.status,
        header: (name) => response.headers.get(name),
        headerNames: () => [...response.headers.keys()],
        text,
        json: parseJson(text),
      };
    } catch (error) {
      if (request.signal?.aborted) throw error;
      throw transportError(provider, url, request.timeoutMs, error, timeout.aborted, request.secrets ?? []);
    }
  }

  async close(): Promise<void> {
    // Never used: there is no agent to close.
    if (this.transport) await (await this.transport).agent.close();
  }

  private undici() {
    this.transport ??= import('undici').then(({ EnvHttpProxyAgent, fetch }) => ({
      agent: new EnvHttpProxyAgent({ keepAliveTimeout: 10_000, headersTimeout: 0, bodyTimeout: 0 }),
      fetch,
    }));
    return this.transport;
  }
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
  const host = safeHost(url);
  return new ProviderError('network', provider, `Could not reach ${provider} at ${host}`, {
    detail: redact(code ?? (error instanceof Error ? error.message : String(error)), secrets),
    mayHaveReachedServer: !(code && neverSentCodes.has(code)),
  });
}

function errorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
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
