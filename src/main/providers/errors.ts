import { storableText } from '../../shared/text';
import type { ClassifiedFailure, FailureKind } from '../base/failure';

/** Why a provider call failed, in the terms the queue acts on. */
export type ProviderErrorKind =
  | 'network'
  | 'timeout'
  | 'rate-limited'
  | 'server'
  | 'auth'
  | 'credits'
  | 'forbidden'
  | 'bad-request'
  | 'not-found'
  | 'too-large'
  | 'unprocessable'
  | 'refused'
  | 'invalid-response'
  | 'task-failed'
  | 'maybe-submitted';

/** How the queue treats each kind (see base/failure.ts); a kind not named here fails its job. */
const failureKinds: Partial<Record<ProviderErrorKind, FailureKind>> = {
  network: 'offline',
  'rate-limited': 'rate-limited',
  auth: 'stops-lane',
  credits: 'stops-lane',
  forbidden: 'stops-lane',
  'not-found': 'stops-lane',
  timeout: 'transient',
  server: 'transient',
  'invalid-response': 'transient',
};

export interface ProviderErrorDetails {
  status?: number;
  /** How long the provider asked us to wait (retry-after), uncapped. */
  retryAfterMs?: number;
  /** The provider's own words, secrets already removed; for the log and the message's tail. */
  detail?: string;
  /** False only when the request certainly never left (connection refused, host not found). */
  mayHaveReachedServer?: boolean;
  /** A sentence of ours after the provider's words: what else Captionist found out. */
  note?: string;
  /** Overrides what the kind says: an answer too large to read is not worth asking (and paying) for again. */
  retryable?: false;
}

/** A failed provider call with a message a photographer understands. Never carries a secret. */
export class ProviderError extends Error implements ClassifiedFailure {
  override name = 'ProviderError';
  readonly failureKind: FailureKind;
  /** Whether asking again may succeed (after a wait, or once the user acted). */
  readonly retryable: boolean;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly detail: string | undefined;
  readonly mayHaveReachedServer: boolean;

  constructor(
    readonly kind: ProviderErrorKind,
    readonly provider: string,
    private readonly summary: string,
    private readonly details: ProviderErrorDetails = {},
  ) {
    const withDetail = details.detail ? `${summary} (${details.detail})` : summary;
    super(details.note ? `${withDetail}${/[.!?]$/.test(withDetail) ? '' : '.'} ${details.note}` : withDetail);
    this.failureKind = details.retryable === false ? 'permanent' : (failureKinds[kind] ?? 'permanent');
    this.retryable = this.failureKind !== 'permanent' && this.failureKind !== 'stops-lane';
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
    this.detail = details.detail;
    this.mayHaveReachedServer = details.mayHaveReachedServer ?? true;
  }

  /** An answer that could not be read says nothing of the task behind it: that task is not polled again. */
  get taskMayFinish(): boolean {
    return this.retryable && this.kind !== 'invalid-response';
  }

  /** The same failure with a sentence of ours added to its message. */
  withNote(note: string): ProviderError {
    return new ProviderError(this.kind, this.provider, this.summary, { ...this.details, note });
  }
}

/**
 * An account out of money or quota, as opposed to a passing rate limit. Rate-limit messages
 * mention quotas and billing too ("Resource has been exhausted (e.g. check quota)"), so only
 * phrases that mean an empty account count.
 */
const quotaPattern =
  /insufficient[_ ]quota|exceeded your current quota|(credits?|tokens?|quota) (have|has) been (depleted|exhausted)|credit balance is too low|insufficient (credits?|balance|funds)|balance is insufficient|billing hard limit|out of credits|no credits left|payment required/i;
const refusalPattern = /content[_ ]?(policy|filter|moderation)|safety|nsfw|refus/i;

/**
 * The error for an HTTP failure, classified by status and, where providers reuse a status for
 * two things (OpenAI's 429 for an empty quota, Anthropic's 400 for low credit), by their words.
 */
export function httpError(
  provider: string,
  status: number,
  options: { detail?: string; retryAfterMs?: number } = {},
): ProviderError {
  const { detail, retryAfterMs } = options;
  const make = (kind: ProviderErrorKind, summary: string) =>
    new ProviderError(kind, provider, summary, { status, detail, retryAfterMs });
  // A 429 that says when to come back is a rate limit, however it is worded (Gemini's per-minute
  // limit reads "You exceeded your current quota"); OpenAI's empty account sends no retry-after.
  const rateLimitWithRetry = status === 429 && retryAfterMs !== undefined;
  if ((status === 429 || status === 400 || status === 403) && !rateLimitWithRetry && detail && quotaPattern.test(detail)) {
    return make('credits', `${provider} credits exhausted: add credits or raise the quota, then retry`);
  }
  if (status === 400 && detail && refusalPattern.test(detail)) {
    return make('refused', `${provider} declined to caption this photo under its content policy`);
  }
  switch (status) {
    case 401:
      return make('auth', `API key rejected by ${provider}: check that the key is correct and active`);
    case 402:
      return make('credits', `${provider} credits exhausted: add credits or raise the quota, then retry`);
    case 403:
      return make('forbidden', `${provider} refused access: the key or plan may not include this model or endpoint`);
    case 404:
      return make('not-found', `${provider} does not know this model or endpoint: check the model name and base URL`);
    case 408:
      return make('timeout', `${provider} timed out handling the request`);
    case 409:
      return make('server', `${provider} reported a conflict; the request can be retried`);
    case 413:
      return make('too-large', `The image was too large for ${provider}: lower the provider's image size limit`);
    case 422:
      return make('unprocessable', `${provider} could not process this request`);
    case 429:
      return make('rate-limited', `${provider} is rate limiting requests`);
    case 529:
      return make('server', `${provider} is overloaded`);
  }
  if (status >= 500) return make('server', `${provider} had a server error (HTTP ${status})`);
  if (status >= 400) return make('bad-request', `${provider} rejected the request (HTTP ${status})`);
  return make('invalid-response', `${provider} sent an unexpected answer (HTTP ${status})`);
}

const maxRetryAfterMs = 24 * 60 * 60 * 1000;

/** Reads `retry-after-ms` or `retry-after` (seconds or an HTTP date), as milliseconds. */
export function retryAfterFrom(get: (name: string) => string | null | undefined, now = Date.now()): number | undefined {
  const milliseconds = Number.parseFloat(get('retry-after-ms') ?? '');
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return Math.min(milliseconds, maxRetryAfterMs);
  const value = get('retry-after')?.trim();
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, maxRetryAfterMs);
  const date = Date.parse(value);
  if (Number.isFinite(date)) return Math.min(Math.max(0, date - now), maxRetryAfterMs);
  return undefined;
}

/** Removes each secret from text that came from outside, before it reaches a message or a log. */
export function redact(text: string, secrets: readonly (string | null | undefined)[]): string {
  let clean = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) clean = clean.split(secret).join('[redacted]');
  }
  return clean;
}

/** A provider's own error text, shortened and cleaned for a message (which may be stored). */
export function providerDetail(text: unknown, secrets: readonly (string | null | undefined)[]): string | undefined {
  if (typeof text !== 'string') return undefined;
  const oneLine = storableText(redact(text, secrets)).replace(/\s+/g, ' ').trim();
  if (!oneLine) return undefined;
  // The cut never leaves half of a character behind.
  return oneLine.length > 300 ? `${oneLine.slice(0, 299).replace(/[\uD800-\uDBFF]$/, '')}…` : oneLine;
}
