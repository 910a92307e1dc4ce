import { setTimeout as delay } from 'node:timers/promises';
import sharp from 'sharp';
import { expect, onTestFinished } from 'vitest';
import { ProviderError } from '../../src/main/providers/errors';
import { HttpClient } from '../../src/main/providers/http';
import type { ProviderDeps } from '../../src/main/providers/provider';
import type { ProviderConfig, ProviderType } from '../../src/shared/captioning';

/** A small real JPEG, the kind of bytes a provider receives. */
export function testJpeg(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: '#336699' } }).jpeg().toBuffer();
}

/** Real HTTP with fast polling; the client closes when the current test ends. */
export function testProviderDeps(poll: Partial<ProviderDeps['poll']> = {}): ProviderDeps {
  const http = new HttpClient();
  onTestFinished(() => http.close());
  return {
    http,
    poll: { intervalMs: 20, maxIntervalMs: 50, deadlineMs: 2000, ...poll },
    sleep: (ms, signal) => delay(ms, undefined, { signal }),
  };
}

export function testProviderConfig(type: ProviderType, baseUrl: string, overrides: Partial<ProviderConfig> = {}): ProviderConfig {
  return {
    name: type,
    type,
    baseUrl,
    concurrency: 4,
    imageLongEdge: 1024,
    imageMaxBytes: 1_000_000,
    timeoutMs: 5_000,
    requiresApiKey: true,
    pricing: {},
    ...overrides,
  };
}

/** The ProviderError a call fails with, checked to carry the API key nowhere. */
export async function providerFailure(call: Promise<unknown>, key: string): Promise<ProviderError> {
  const error: unknown = await call.then(
    () => new Error('the call succeeded'),
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ProviderError);
  const providerError = error as ProviderError;
  expect(`${providerError.message} ${providerError.detail ?? ''} ${providerError.stack ?? ''}`).not.toContain(key);
  return providerError;
}
