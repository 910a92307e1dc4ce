import { beforeAll, describe, expect, it } from 'vitest';
import { captionSchema } from '../../../src/main/captions/prompt';
import { AnthropicProvider } from '../../../src/main/providers/anthropic.provider';
import type { ProviderError } from '../../../src/main/providers/errors';
import type { CaptionRequest } from '../../../src/main/providers/provider';
import type { ProviderConfig } from '../../../src/shared/captioning';
import { closedPortUrl, jsonBody } from '../../helpers/loopback';
import { providerFailure, testJpeg, testProviderConfig, testProviderDeps } from '../../helpers/providers';
import { anthropicModel, defaultAnswer, servedModel, startAnthropicServer } from '../../provider-servers/anthropic.server';
import type { AnthropicScenario } from '../../provider-servers/anthropic.server';

const apiKey = 'sk-ant-api03-test-8d1f5c0a9e';
let jpeg: Buffer;

beforeAll(async () => {
  jpeg = await testJpeg();
});

function config(baseUrl: string, overrides: Partial<ProviderConfig> = {}): ProviderConfig {
  return testProviderConfig('anthropic', baseUrl, { name: 'claude', ...overrides });
}

const prompt = { system: 'Answer with JSON only.', user: 'Caption this photo.', version: 'test', schema: captionSchema };

function captionRequest(): CaptionRequest {
  return {
    image: { data: jpeg, width: 64, height: 48 },
    prompt,
    options: { detail: 'medium', includeFolderName: true, includePlace: true },
  };
}

/** Runs one caption call against a server in `scenario` and returns the error it must end in. */
async function failure(scenario: AnthropicScenario, key = apiKey): Promise<ProviderError> {
  const server = await startAnthropicServer({ apiKey, scenario });
  return providerFailure(new AnthropicProvider(config(server.url), key, testProviderDeps()).caption(captionRequest()), key);
}

describe('Anthropic provider', () => {
  it('sends the prompt, the exact JPEG as a base64 image block and the caption schema, and returns the parsed fields and usage', async () => {
    const server = await startAnthropicServer({ apiKey });
    const provider = new AnthropicProvider(config(server.url), apiKey, testProviderDeps());
    expect(provider.model).toBe('claude-haiku-5-5');

    const answer = await provider.caption(captionRequest());

    expect(answer.fields).toEqual(defaultAnswer);
    expect(JSON.parse(answer.text!)).toEqual(defaultAnswer);
    expect(answer.model).toBe(servedModel);
    expect(answer.usage).toEqual({ inputTokens: 1612, outputTokens: 87 });

    expect(server.requests).toHaveLength(1);
    const sent = server.requests[0]!;
    expect(sent.path).toBe('/v1/messages');
    expect(sent.headers['x-api-key']).toBe(apiKey);
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.headers.authorization).toBeUndefined();
    const body = jsonBody(sent);
    expect(body).toMatchObject({ model: 'claude-haiku-5-5', max_tokens: 4096, system: prompt.system });
    // Structured outputs, as the SDK's MessageCreateParams spell them: the same schema the OpenAI path sends.
    expect(body.output_config).toEqual({ format: { type: 'json_schema', schema: captionSchema } });
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: jpeg.toString('base64') } },
          { type: 'text', text: prompt.user },
        ],
      },
    ]);
  });

  it("reads the requests window of Anthropic's rate-limit headers, whatever their casing", async () => {
    const resetAt = new Date(Date.now() + 30_000);
    const server = await startAnthropicServer({ apiKey, resetAt });
    const { rateLimit } = await new AnthropicProvider(config(server.url), apiKey, testProviderDeps()).caption(captionRequest());
    expect(rateLimit).toMatchObject({ limit: 50, remaining: 49 });
    // The header carries whole seconds of an RFC 3339 time, and the clock moved on since.
    expect(rateLimit!.resetMs).toBeGreaterThan(27_000);
    expect(rateLimit!.resetMs).toBeLessThanOrEqual(30_000);
  });

  it('asks for the configured model', async () => {
    const server = await startAnthropicServer({ apiKey });
    const provider = new AnthropicProvider(config(server.url, { model: 'claude-haiku-4-5' }), apiKey, testProviderDeps());
    await provider.caption(captionRequest());
    expect(provider.model).toBe('claude-haiku-4-5');
    expect(jsonBody(server.requests[0]!).model).toBe('claude-haiku-4-5');
  });

  it('falls back to plain text, for good, when the model rejects output_config', async () => {
    const server = await startAnthropicServer({ apiKey, scenario: 'rejects-output-config' });
    const provider = new AnthropicProvider(config(server.url), apiKey, testProviderDeps());

    const first = await provider.caption(captionRequest());

    // One rejected structured request, then the same request without output_config.
    expect(server.requests).toHaveLength(2);
    const [structured, plain] = server.requests.map(jsonBody);
    expect(structured!.output_config).toBeDefined();
    const { output_config: _format, ...rest } = structured!;
    expect(plain).toEqual(rest);
    expect(first.fields).toEqual(defaultAnswer);

    await provider.caption(captionRequest());

    expect(server.requests).toHaveLength(3);
    expect(jsonBody(server.requests[2]!).output_config).toBeUndefined();
  });

  it('does not resend a request whose 400 is about the image rather than the output format', async () => {
    const server = await startAnthropicServer({ apiKey });
    const provider = new AnthropicProvider(config(server.url), apiKey, testProviderDeps());
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

    const error = await providerFailure(provider.caption({ ...captionRequest(), image: { data: png, width: 1, height: 1 } }), apiKey);

    expect(error).toMatchObject({ kind: 'bad-request', retryable: false, detail: 'Could not process image' });
    expect(server.requests).toHaveLength(1);
    // The model still gets the schema next time: nothing showed it does not take it.
    await provider.caption(captionRequest());
    expect(jsonBody(server.requests[1]!).output_config).toBeDefined();
  });

  it('lists the models of the account page by page, with what each says of image input', async () => {
    const older = Array.from({ length: 130 }, (_, index) => anthropicModel(`claude-legacy-${index}`, index % 2 === 0));
    const models = [anthropicModel('claude-haiku-5-5'), anthropicModel('claude-text-only', false), anthropicModel('claude-quiet', null), ...older];
    const server = await startAnthropicServer({ apiKey, models });

    const list = await new AnthropicProvider(config(server.url), apiKey, testProviderDeps()).listModels();

    expect(list.truncated).toBe(false);
    expect(list.models).toHaveLength(133);
    expect(list.models.slice(0, 3)).toEqual([
      { id: 'claude-haiku-5-5', name: 'Claude haiku 5 5', vision: true },
      { id: 'claude-text-only', name: 'Claude text only', vision: false },
      { id: 'claude-quiet', name: 'Claude quiet', vision: null },
    ]);
    expect(list.models.at(-1)!.id).toBe('claude-legacy-129');
    // Two pages of 100, the second after the last id of the first, each with the key and version headers.
    const pages = server.requests.map((request) => new URL(request.path, server.url));
    expect(pages.map((page) => page.pathname)).toEqual(['/v1/models', '/v1/models']);
    expect(pages.map((page) => page.searchParams.get('limit'))).toEqual(['100', '100']);
    expect(pages.map((page) => page.searchParams.get('after_id'))).toEqual([null, 'claude-legacy-96']);
    expect(server.requests[1]!.headers['anthropic-version']).toBe('2023-06-01');
  });

  it('names models the account has, once looked up, when the configured one is unknown', async () => {
    const models = [anthropicModel('claude-text-only', false), anthropicModel('claude-quiet', null), anthropicModel('claude-haiku-5-5')];
    const server = await startAnthropicServer({ apiKey, models });
    const provider = new AnthropicProvider(config(server.url, { model: 'claude-sonnet-4-5' }), apiKey, testProviderDeps());

    const error = await providerFailure(provider.caption(captionRequest()), apiKey);

    expect(error).toMatchObject({ kind: 'not-found', retryable: false, status: 404, detail: 'model: claude-sonnet-4-5' });
    // Models that take images first, none that do not.
    expect(error.message).toBe(
      'Anthropic does not know this model or endpoint: check the model name and base URL (model: claude-sonnet-4-5). ' +
        'Models it offers: claude-haiku-5-5, claude-quiet ("captionist provider models claude" lists them)',
    );
    const again = await providerFailure(provider.caption(captionRequest()), apiKey);
    expect(again.message).toBe(error.message);
    // Two captions, one listing.
    expect(server.requests.map((request) => `${request.method} ${new URL(request.path, server.url).pathname}`)).toEqual([
      'POST /v1/messages',
      'GET /v1/models',
      'POST /v1/messages',
    ]);
  });

  it('finds the JSON inside a ```json fence with a sentence before it', async () => {
    const server = await startAnthropicServer({ apiKey, scenario: 'fenced-json' });
    const answer = await new AnthropicProvider(config(server.url), apiKey, testProviderDeps()).caption(captionRequest());
    expect(answer.fields).toEqual(defaultAnswer);
    expect(answer.text).toMatch(/^Here is the caption:\n```json\n/);
  });

  it('passes a plain-text answer on as text, with no fields', async () => {
    const server = await startAnthropicServer({ apiKey, scenario: 'plain-text' });
    const answer = await new AnthropicProvider(config(server.url), apiKey, testProviderDeps()).caption(captionRequest());
    expect(answer).toMatchObject({ fields: null, text: 'A flat field of steel blue.' });
  });

  it('reports a refusal as final, naming Anthropic', async () => {
    const error = await failure('refusal');
    expect(error).toMatchObject({ kind: 'refused', retryable: false });
    expect(error.message).toMatch(/^Anthropic declined to caption this photo/);
  });

  it('reports a rejected key as an auth failure without repeating the key', async () => {
    const error = await failure('success', 'sk-ant-wrong-5b7e1d');
    expect(error).toMatchObject({ kind: 'auth', retryable: false, status: 401 });
    expect(error.message).toMatch(/^API key rejected by Anthropic/);
    expect(error.detail).toContain('[redacted]');
  });

  it('treats "credit balance is too low" as exhausted credits, for good', async () => {
    const error = await failure('no-credits');
    expect(error).toMatchObject({ kind: 'credits', retryable: false, status: 400 });
    expect(error.message).toMatch(/^Anthropic credits exhausted/);
  });

  it('retries a 429 after the time retry-after gives', async () => {
    const error = await failure('rate-limited');
    expect(error).toMatchObject({ kind: 'rate-limited', retryable: true, status: 429, retryAfterMs: 12_000 });
  });

  it('retries api_error (500) and overloaded_error (529)', async () => {
    expect(await failure('server-error')).toMatchObject({ kind: 'server', retryable: true, status: 500 });
    const overloaded = await failure('overloaded');
    expect(overloaded).toMatchObject({ kind: 'server', retryable: true, status: 529 });
    expect(overloaded.message).toBe('Anthropic is overloaded (Overloaded)');
  });

  it('retries a 200 whose body is not JSON', async () => {
    const error = await failure('malformed-json');
    expect(error).toMatchObject({ kind: 'invalid-response', retryable: true, status: 200 });
  });

  it('gives up on a slow answer after the configured timeout', async () => {
    const server = await startAnthropicServer({ apiKey, scenario: 'slow', delayMs: 3_000 });
    const started = Date.now();
    const provider = new AnthropicProvider(config(server.url, { timeoutMs: 1_000 }), apiKey, testProviderDeps());
    await expect(provider.caption(captionRequest())).rejects.toMatchObject({
      kind: 'timeout',
      retryable: true,
      message: 'Anthropic did not answer within 1 s',
    });
    expect(Date.now() - started).toBeLessThan(1_900);
  });

  it('reports a refused connection as a retryable network error that never reached the server', async () => {
    const provider = new AnthropicProvider(config(await closedPortUrl()), apiKey, testProviderDeps());
    const error = await provider.caption(captionRequest()).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'network', retryable: true, mayHaveReachedServer: false });
    expect((error as ProviderError).message).toMatch(/^Could not reach Anthropic at 127\.0\.0\.1:\d+/);
  });
});
