import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/main/base/errors';
import { classifiedFailure } from '../../src/main/base/failure';
import { answerTooLarge } from '../../src/main/providers/http';
import { httpError, ProviderError } from '../../src/main/providers/errors';

const kindOfStatus = (status: number, detail?: string, retryAfterMs?: number) =>
  classifiedFailure(httpError('Vision', status, { detail, retryAfterMs }))?.failureKind;

describe('how a failure says what the queue does about it', () => {
  it('gives every HTTP failure of a provider the kind the queue acts on', () => {
    expect([401, 402, 403, 404].map((status) => kindOfStatus(status))).toEqual(['stops-lane', 'stops-lane', 'stops-lane', 'stops-lane']);
    expect(kindOfStatus(429, undefined, 2000)).toBe('rate-limited');
    // OpenAI's empty account answers 429 without retry-after: the lane stops instead of waiting for money.
    expect(kindOfStatus(429, 'You exceeded your current quota, please check your plan and billing details')).toBe('stops-lane');
    expect([408, 409, 500, 503, 529].map((status) => kindOfStatus(status))).toEqual(['transient', 'transient', 'transient', 'transient', 'transient']);
    expect([400, 413, 422].map((status) => kindOfStatus(status))).toEqual(['permanent', 'permanent', 'permanent']);
    expect(kindOfStatus(400, 'blocked by the content policy')).toBe('permanent');
  });

  it('takes an unreachable service for offline, and an answer too large to read for permanent though unreadable answers are transient', () => {
    expect(new ProviderError('network', 'Vision', 'connection refused').failureKind).toBe('offline');
    expect(new ProviderError('invalid-response', 'Vision', 'garbled').failureKind).toBe('transient');
    const tooLarge = answerTooLarge('Vision', 64 * 1024 * 1024);
    expect(tooLarge.failureKind).toBe('permanent');
    expect(tooLarge.retryable).toBe(false);
  });

  it('keeps a paid task only when it may yet finish', () => {
    expect(new ProviderError('timeout', 'Vision', 'slow').taskMayFinish).toBe(true);
    expect(new ProviderError('server', 'Vision', '502').taskMayFinish).toBe(true);
    expect(new ProviderError('invalid-response', 'Vision', 'garbled').taskMayFinish).toBe(false);
    expect(new ProviderError('task-failed', 'Vision', 'failed').taskMayFinish).toBe(false);
  });

  it('finds no kind in an error that does not declare one, and takes one that does', () => {
    expect(classifiedFailure(new Error('ENOENT: no such file'))).toBeNull();
    expect(classifiedFailure(new UserError('No such folder'))).toBeNull();
    expect(classifiedFailure(Object.assign(new Error('odd'), { failureKind: 'sometimes' }))).toBeNull();
    expect(classifiedFailure('a string')).toBeNull();
    const declared = Object.assign(new Error('the licence server refused'), { failureKind: 'stops-lane', taskMayFinish: false });
    expect(classifiedFailure(declared)).toBe(declared);
  });
});
