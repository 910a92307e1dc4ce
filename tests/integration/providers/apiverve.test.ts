import { beforeAll, describe, expect, it } from 'vitest';
import { ApiVerveProvider } from '../../../src/main/providers/apiverve.provider';
import type { ProviderError } from '../../../src/main/providers/errors';
import type { CaptionRequest } from '../../../src/main/providers/provider';
import type { ProviderConfig } from '../../../src/shared/captioning';
import { closedPortUrl } from '../../helpers/loopback';
import { providerFailure, testJpeg, testProviderConfig, testProviderDeps } from '../../helpers/providers';
import { multipartImage, startApiVerveServer } from '../../provider-servers/apiverve.server';
import type { ApiVerveScenario } from '../../provider-servers/apiverve.server';

const apiKey = 'av-test-4f9c2e71b0d8';
let jpeg: Buffer;

beforeAll(async () => {
  jpeg = await testJpeg();
});

function config(baseUrl: string, timeoutMs = 5_000): ProviderConfig {
  return testProviderConfig('apiverve', baseUrl, { timeoutMs });
}

function captionRequest(): CaptionRequest {
  return {
    image: { data: jpeg, width: 64, height: 48 },
    prompt: { system: 'Answer in JSON.', user: 'Describe this photo.', version: 'test', schema: {} },
    options: { detail: 'medium', includeFolderName: true, includePlace: true },
  };
}

/** Runs one caption call against a server in `scenario` and returns the error it must end in. */
async function failure(scenario: ApiVerveScenario, key = apiKey): Promise<ProviderError> {
  const server = await startApiVerveServer({ apiKey, scenario });
  return providerFailure(new ApiVerveProvider(config(server.url), key, testProviderDeps()).caption(captionRequest()), key);
}

describe('APIVerve provider', () => {
  it('uploads the JPEG as the multipart field "image" and returns the caption with its rate limits', async () => {
    const server = await startApiVerveServer({ apiKey, caption: '  A blue square on a plain background  ' });
    const provider = new ApiVerveProvider(config(`${server.url}/`), apiKey, testProviderDeps());

    const answer = await provider.caption(captionRequest());

    expect(answer).toEqual({
      fields: null,
      text: 'A blue square on a plain background',
      model: null,
      usage: { inputTokens: null, outputTokens: null },
      rateLimit: { limit: 60, remaining: 0, resetMs: 42_000 },
    });
    expect(server.requests).toHaveLength(1);
    const sent = server.requests[0]!;
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe('/v1/imagecaption');
    expect(sent.headers['x-api-key']).toBe(apiKey);
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.headers.accept).toBe('application/json');
    const image = await multipartImage(sent);
    expect(image?.name).toBe('photo.jpg');
    expect(image?.type).toBe('image/jpeg');
    expect(Buffer.from(await image!.arrayBuffer()).equals(jpeg)).toBe(true);
  });

  it('reports a rejected key as an auth failure without repeating the key', async () => {
    const error = await failure('success', 'av-wrong-key-93kd02');
    expect(error).toMatchObject({ kind: 'auth', retryable: false, status: 401 });
    expect(error.message).toMatch(/^API key rejected by APIVerve/);
    expect(error.message).not.toContain('av-wrong-key-93kd02');
    expect(error.detail).toContain('[redacted]');
  });

  it('treats 403 as exhausted credits, for good', async () => {
    const error = await failure('no-credits');
    expect(error).toMatchObject({ kind: 'credits', retryable: false });
    expect(error.message).toMatch(/^APIVerve credits exhausted/);
  });

  it('treats "have been depleted" as exhausted credits even on a 429 or a 200', async () => {
    for (const scenario of ['tokens-depleted', 'credits-depleted-in-200'] as const) {
      const error = await failure(scenario);
      expect(error, scenario).toMatchObject({ kind: 'credits', retryable: false });
      expect(error.message, scenario).toMatch(/^APIVerve credits exhausted/);
    }
  });

  it('retries a 429 after the time retry-after gives', async () => {
    const error = await failure('rate-limited');
    expect(error).toMatchObject({ kind: 'rate-limited', retryable: true, status: 429, retryAfterMs: 7_000 });
  });

  it('retries a 429 without retry-after when the rate-limit window resets', async () => {
    const server = await startApiVerveServer({ apiKey, scenario: 'rate-limited', retryAfterSeconds: null });
    await expect(new ApiVerveProvider(config(server.url), apiKey, testProviderDeps()).caption(captionRequest())).rejects.toMatchObject({
      kind: 'rate-limited',
      retryable: true,
      retryAfterMs: 42_000,
    });
  });

  it('retries 500 and 503, even when the 503 is an HTML page', async () => {
    expect(await failure('server-error')).toMatchObject({ kind: 'server', retryable: true, status: 500 });
    const unavailable = await failure('unavailable');
    expect(unavailable).toMatchObject({ kind: 'server', retryable: true, status: 503 });
    expect(unavailable.detail).toContain('Service Temporarily Unavailable');
  });

  it('checks the status field of a 200: an error inside it fails this photo for good', async () => {
    const error = await failure('error-in-200');
    expect(error).toMatchObject({ kind: 'unprocessable', retryable: false, status: 200 });
    expect(error.message).toContain('APIVerve could not caption this photo');
    expect(error.detail).toBe('Unable to generate a caption for this image');
  });

  it('retries an answer that is not JSON', async () => {
    const error = await failure('malformed-json');
    expect(error).toMatchObject({ kind: 'invalid-response', retryable: true });
  });

  it('rejects an empty caption', async () => {
    const server = await startApiVerveServer({ apiKey, caption: '   ' });
    await expect(new ApiVerveProvider(config(server.url), apiKey, testProviderDeps()).caption(captionRequest())).rejects.toMatchObject({
      kind: 'invalid-response',
      message: 'APIVerve answered with an empty caption',
    });
  });

  it('gives up on a slow answer after the configured timeout', async () => {
    const server = await startApiVerveServer({ apiKey, scenario: 'slow', delayMs: 3_000 });
    const started = Date.now();
    await expect(new ApiVerveProvider(config(server.url, 1_000), apiKey, testProviderDeps()).caption(captionRequest())).rejects.toMatchObject({
      kind: 'timeout',
      retryable: true,
      message: 'APIVerve did not answer within 1 s',
    });
    expect(Date.now() - started).toBeLessThan(1_900);
  });

  it('reports a refused connection as a retryable network error that never reached the server', async () => {
    const error = await new ApiVerveProvider(config(await closedPortUrl()), apiKey, testProviderDeps()).caption(captionRequest()).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'network', retryable: true, mayHaveReachedServer: false });
    expect((error as ProviderError).message).toMatch(/^Could not reach APIVerve at 127\.0\.0\.1:\d+/);
  });
});
