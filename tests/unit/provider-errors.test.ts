import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ProviderErrorKind } from '../../src/main/providers/errors';
import { httpError, ProviderError, providerDetail, redact, retryAfterFrom } from '../../src/main/providers/errors';
import type { HttpResponse } from '../../src/main/providers/http';
import { rateLimitFrom } from '../../src/main/providers/http';
import type { RetryPolicy } from '../../src/main/base/retry';
import { defaultRetryPolicy, retryDelay } from '../../src/main/base/retry';

describe('httpError', () => {
  const byStatus: [number, ProviderErrorKind, boolean][] = [
    [400, 'bad-request', false],
    [401, 'auth', false],
    [402, 'credits', false],
    [403, 'forbidden', false],
    [404, 'not-found', false],
    [408, 'timeout', true],
    [409, 'server', true],
    [413, 'too-large', false],
    [418, 'bad-request', false],
    [422, 'unprocessable', false],
    [429, 'rate-limited', true],
    [500, 'server', true],
    [503, 'server', true],
    [529, 'server', true],
    [200, 'invalid-response', true],
  ];

  it.each(byStatus)('classifies HTTP %i as %s (retryable: %s)', (status, kind, retryable) => {
    const error = httpError('Acme', status);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.kind).toBe(kind);
    expect(error.retryable).toBe(retryable);
    expect(error.status).toBe(status);
    expect(error.provider).toBe('Acme');
    expect(error.message).toContain('Acme');
  });

  it('treats quota words on 429, 400 and 403 as exhausted credits, which are final', () => {
    const cases: [number, string][] = [
      [429, 'You exceeded your current quota (insufficient_quota)'],
      [400, 'Your credit balance is too low to access the Anthropic API'],
      [403, 'Your tokens have been depleted'],
      [429, 'Billing hard limit reached'],
    ];
    for (const [status, detail] of cases) {
      const error = httpError('Acme', status, { detail });
      expect(error.kind).toBe('credits');
      expect(error.retryable).toBe(false);
      expect(error.message).toBe(`Acme credits exhausted: add credits or raise the quota, then retry (${detail})`);
    }
  });

  it('keeps rate limits retryable however their message mentions quotas or billing', () => {
    const messages = [
      'Rate limit reached for gpt-4o in organization org-1 on requests per min. Please try again in 20s. Visit https://platform.openai.com/account/billing to add a payment method.',
      'Resource has been exhausted (e.g. check quota).',
      'You exceeded your current quota, please check your plan and billing details. https://ai.google.dev/gemini-api/docs/rate-limits',
    ];
    for (const detail of messages) {
      const error = httpError('Gemini', 429, { detail, retryAfterMs: 20_000 });
      expect(error.kind, detail).toBe('rate-limited');
      expect(error.retryable).toBe(true);
    }
    expect(httpError('Gemini', 429, { detail: 'Resource has been exhausted (e.g. check quota).' }).kind).toBe('rate-limited');
  });

  it('ignores quota words on statuses that are not reused for them', () => {
    expect(httpError('Acme', 500, { detail: 'quota service down' }).kind).toBe('server');
    expect(httpError('Acme', 401, { detail: 'billing account disabled' }).kind).toBe('auth');
    expect(httpError('Acme', 429, { detail: 'Too many requests, slow down' }).kind).toBe('rate-limited');
  });

  it('recognises a content-policy refusal on 400', () => {
    const error = httpError('Acme', 400, { detail: 'content_policy_violation' });
    expect(error.kind).toBe('refused');
    expect(error.retryable).toBe(false);
    expect(httpError('Acme', 400, { detail: 'flagged by the safety system' }).kind).toBe('refused');
  });

  it('carries retry-after and the detail', () => {
    const error = httpError('Acme', 429, { detail: 'slow down', retryAfterMs: 5000 });
    expect(error.retryAfterMs).toBe(5000);
    expect(error.detail).toBe('slow down');
    expect(error.message).toBe('Acme is rate limiting requests (slow down)');
    expect(error.mayHaveReachedServer).toBe(true);
  });
});

describe('retryAfterFrom', () => {
  const headers = (values: Record<string, string>) => (name: string) => values[name];
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('prefers retry-after-ms', () => {
    expect(retryAfterFrom(headers({ 'retry-after-ms': '1500', 'retry-after': '9' }))).toBe(1500);
    expect(retryAfterFrom(headers({ 'retry-after-ms': '0' }))).toBe(0);
  });

  it('falls back to retry-after when retry-after-ms is unusable', () => {
    expect(retryAfterFrom(headers({ 'retry-after-ms': 'soon', 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterFrom(headers({ 'retry-after-ms': '-5', 'retry-after': '2' }))).toBe(2000);
  });

  it('reads retry-after in seconds, fractions included', () => {
    expect(retryAfterFrom(headers({ 'retry-after': '3' }))).toBe(3000);
    expect(retryAfterFrom(headers({ 'retry-after': ' 1.5 ' }))).toBe(1500);
  });

  it('reads retry-after as an HTTP date, never negative', () => {
    expect(retryAfterFrom(headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }), now)).toBe(30_000);
    expect(retryAfterFrom(headers({ 'retry-after': 'Wed, 31 Dec 2025 23:00:00 GMT' }), now)).toBe(0);
  });

  it('caps absurd waits at a day', () => {
    expect(retryAfterFrom(headers({ 'retry-after': '999999999' }))).toBe(24 * 60 * 60 * 1000);
    expect(retryAfterFrom(headers({ 'retry-after-ms': '1e12' }))).toBe(24 * 60 * 60 * 1000);
  });

  it('is undefined when there is nothing usable', () => {
    expect(retryAfterFrom(headers({}))).toBeUndefined();
    expect(retryAfterFrom(headers({ 'retry-after': '' }))).toBeUndefined();
    expect(retryAfterFrom(headers({ 'retry-after': 'later' }))).toBeUndefined();
  });
});

describe('redact and providerDetail', () => {
  it('removes every occurrence of each secret, ignoring empty and very short ones', () => {
    expect(redact('key sk-abcdef and sk-abcdef again', ['sk-abcdef', null, undefined, '', 'and'])).toBe(
      'key [redacted] and [redacted] again',
    );
  });

  it('shortens provider text to one clean line without secrets', () => {
    expect(providerDetail('  bad\n key  sk-123456 ', ['sk-123456'])).toBe('bad key [redacted]');
    const long = providerDetail('x'.repeat(400), [])!;
    expect(long).toHaveLength(300);
    expect(long.endsWith('…')).toBe(true);
  });

  it('keeps no control characters, broken characters or half of an emoji cut at the end', () => {
    expect(providerDetail('bad\u0000 in\u0007put \ud800here\ufffd sk-123456\u0000', ['sk-123456'])).toBe('bad input here [redacted]');
    const cutInEmoji = providerDetail(`${'x'.repeat(298)}😀 more`, [])!;
    expect(cutInEmoji).toBe(`${'x'.repeat(298)}…`);
  });

  it('is undefined for non-text and blank text', () => {
    expect(providerDetail(undefined, [])).toBeUndefined();
    expect(providerDetail({ message: 'x' }, [])).toBeUndefined();
    expect(providerDetail(' \n ', [])).toBeUndefined();
  });
});

describe('rateLimitFrom', () => {
  const response = (headers: Record<string, string>): HttpResponse => ({
    status: 200,
    text: '',
    json: undefined,
    headerNames: () => Object.keys(headers).map((name) => name.toLowerCase()),
    header: (name) => Object.entries(headers).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1] ?? null,
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it("reads APIVerve's x-rate-limit-* headers", () => {
    expect(rateLimitFrom(response({ 'x-rate-limit-limit': '60', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': '30' }))).toEqual({
      limit: 60,
      remaining: 0,
      resetMs: 30_000,
    });
  });

  it("reads OpenAI's reset durations (6m0s, 1.5s, 20ms) and ignores what is neither number nor duration", () => {
    const reset = (value: string) => rateLimitFrom(response({ 'x-ratelimit-reset-requests': value })).resetMs;
    expect(reset('6m0s')).toBe(360_000);
    expect(reset('1.5s')).toBe(1500);
    expect(reset('20ms')).toBe(20);
    expect(reset('1h2m3s')).toBe(3_723_000);
    expect(reset('soon')).toBeNull();
    expect(reset('5 minutes')).toBeNull();
  });

  it("reads OpenAI's requests window, not its tokens window", () => {
    const limits = rateLimitFrom(
      response({
        'x-ratelimit-limit-tokens': '150000',
        'x-ratelimit-remaining-tokens': '149000',
        'x-ratelimit-limit-requests': '500',
        'x-ratelimit-remaining-requests': '499',
      }),
    );
    expect(limits).toMatchObject({ limit: 500, remaining: 499 });
  });

  it('matches other spellings loosely and case-insensitively', () => {
    expect(rateLimitFrom(response({ 'X-RateLimit-Limit': '100', 'X-RateLimit-Remaining': '7', 'X-RateLimit-Reset': '1.5' }))).toEqual({
      limit: 100,
      remaining: 7,
      resetMs: 1500,
    });
    expect(rateLimitFrom(response({ 'RateLimit-Limit': '10', 'RateLimit-Remaining': '4' }))).toEqual({
      limit: 10,
      remaining: 4,
      resetMs: null,
    });
  });

  it('reads a reset given as a Unix time in seconds as the time left', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
    const resetAt = Date.parse('2026-01-01T00:01:00Z') / 1000;
    expect(rateLimitFrom(response({ 'x-rate-limit-reset': String(resetAt) })).resetMs).toBe(60_000);
    const past = Date.parse('2025-12-31T23:00:00Z') / 1000;
    expect(rateLimitFrom(response({ 'x-rate-limit-reset': String(past) })).resetMs).toBe(0);
  });

  it('gives nulls when the headers are missing or not numbers', () => {
    expect(rateLimitFrom(response({ 'content-type': 'application/json' }))).toEqual({ limit: null, remaining: null, resetMs: null });
    expect(rateLimitFrom(response({ 'x-rate-limit-limit': 'many', 'x-rate-limit-remaining': '' }))).toEqual({
      limit: null,
      remaining: null,
      resetMs: null,
    });
  });
});

function policy(overrides: Partial<RetryPolicy> = {}): RetryPolicy & { sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    maxAttempts: 4,
    baseDelayMs: 1000,
    maxDelayMs: 10_000,
    random: () => 0,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...overrides,
    sleeps,
  };
}

const serverError = (retryAfterMs?: number) => new ProviderError('server', 'Acme', 'Acme had a server error', { retryAfterMs });

describe('retryDelay', () => {
  it('backs off exponentially from the base delay, jittered between half and all of it', () => {
    const low = policy({ random: () => 0 });
    const high = policy({ random: () => 1 });
    expect([1, 2, 3].map((attempt) => retryDelay(serverError(), attempt, low))).toEqual([500, 1000, 2000]);
    expect([1, 2, 3].map((attempt) => retryDelay(serverError(), attempt, high))).toEqual([1000, 2000, 4000]);
    expect(retryDelay(serverError(), 1, policy({ random: () => 0.5 }))).toBe(750);
  });

  it('caps the backoff at maxDelayMs', () => {
    expect(retryDelay(serverError(), 20, policy({ random: () => 1 }))).toBe(10_000);
    expect(retryDelay(serverError(), 20, policy({ random: () => 0 }))).toBe(5000);
  });

  it('honours retry-after with up to 10 % (at most 1 s) of jitter on top', () => {
    expect(retryDelay(serverError(2000), 1, policy({ random: () => 0 }))).toBe(2000);
    expect(retryDelay(serverError(2000), 1, policy({ random: () => 0.5 }))).toBe(2100);
    expect(retryDelay(serverError(2000), 5, policy({ random: () => 1 }))).toBe(2200);
    expect(retryDelay(serverError(9000), 1, policy({ random: () => 1, maxDelayMs: 60_000 }))).toBe(9900);
    expect(retryDelay(serverError(30_000), 1, policy({ random: () => 1, maxDelayMs: 60_000 }))).toBe(31_000);
    expect(retryDelay(serverError(0), 3, policy({ random: () => 1 }))).toBe(0);
  });

  it('caps retry-after at maxDelayMs', () => {
    expect(retryDelay(serverError(3_600_000), 1, policy({ random: () => 0 }))).toBe(10_000);
    expect(retryDelay(serverError(9_999), 1, policy({ random: () => 1 }))).toBe(10_000);
  });
});

describe('defaultRetryPolicy.sleep', () => {
  it('rejects at once when the signal is already aborted', async () => {
    const reason = new Error('stopped');
    await expect(defaultRetryPolicy.sleep(60_000, AbortSignal.abort(reason))).rejects.toBe(reason);
  });

  it('rejects when aborted while waiting', async () => {
    const controller = new AbortController();
    const reason = new Error('stopped');
    const sleeping = defaultRetryPolicy.sleep(60_000, controller.signal);
    controller.abort(reason);
    await expect(sleeping).rejects.toBe(reason);
  });

  it('resolves after the wait', async () => {
    await expect(defaultRetryPolicy.sleep(1)).resolves.toBeUndefined();
  });
});
