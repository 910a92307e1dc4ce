import { beforeAll, describe, expect, it } from 'vitest';
import { buildPrompt, captionSchema } from '../../../src/main/captions/prompt';
import { ProviderError } from '../../../src/main/providers/errors';
import { OpenAiCompatibleProvider } from '../../../src/main/providers/openai-compatible.provider';
import { providerConfigFrom } from '../../../src/main/providers/presets';
import type { CaptionRequest } from '../../../src/main/providers/provider';
import { CaptionOptionsSchema } from '../../../src/shared/captioning';
import type { ProviderSettings } from '../../../src/shared/captioning';
import { closedPortUrl, jsonBody, loopbackServer, sendJson } from '../../helpers/loopback';
import { testJpeg, testProviderDeps } from '../../helpers/providers';
import type { RecordedRequest } from '../../helpers/loopback';
import { defaultAnswer, proseAnswer, startOpenAiServer, usage } from '../../provider-servers/openai-compatible.server';
import type { OpenAiScenario, OpenAiServerOptions } from '../../provider-servers/openai-compatible.server';

const apiKey = 'inf-live-3c9e71a05bd24f68';
const inferenceModel = 'google/gemma-3-27b-instruct/bf-16';
const options = CaptionOptionsSchema.parse({});
const prompt = buildPrompt(options, { fileName: 'a.jpg', folderName: null, place: null, capturedAt: null });
let jpeg: Buffer;

beforeAll(async () => {
  jpeg = await testJpeg();
});

type Overrides = Partial<Pick<ProviderSettings, 'timeoutMs' | 'firstTimeoutMs' | 'model'>>;

/** The provider as `captionist providers add --preset ...` configures it, pointed at the loopback server; its HttpClient closes when the test ends. */
function provider(baseUrl: string, key: string | null = apiKey, overrides: Overrides = {}, preset = 'inference-net'): OpenAiCompatibleProvider {
  const config = providerConfigFrom({
    name: preset === 'inference-net' ? 'inference' : preset,
    type: 'openai-compatible',
    preset,
    baseUrl: `${baseUrl}/v1`,
    timeoutMs: 1_000,
    ...overrides,
  });
  return new OpenAiCompatibleProvider(config, key, testProviderDeps());
}

function ollama(baseUrl: string, overrides: Overrides = {}): OpenAiCompatibleProvider {
  return provider(baseUrl, null, overrides, 'ollama');
}

function captionRequest(): CaptionRequest {
  return { image: { data: jpeg, width: 64, height: 48 }, prompt, options };
}

const sentFormat = (request: RecordedRequest) => jsonBody(request).response_format;

/**
 * Runs one caption call against a server in `scenario` and returns the error it must end in,
 * checked to come from a single request (no hidden SDK retries) and to carry no API key.
 */
async function failure(scenario: OpenAiScenario, serverOptions: Partial<OpenAiServerOptions> = {}): Promise<ProviderError> {
  const server = await startOpenAiServer({ apiKey, scenario, ...serverOptions });
  const error = await provider(server.url).caption(captionRequest()).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ProviderError);
  expect(server.requests).toHaveLength(1);
  expectNoKey(error as ProviderError, apiKey);
  return error as ProviderError;
}

function expectNoKey(error: ProviderError, key: string): void {
  expect(error.message).not.toContain(key);
  expect(error.detail ?? '').not.toContain(key);
  expect(JSON.stringify(error)).not.toContain(key);
}

async function ollamaFailure(scenario: OpenAiScenario): Promise<ProviderError> {
  const server = await startOpenAiServer({ apiKey: null, scenario });
  const error = await ollama(server.url).caption(captionRequest()).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ProviderError);
  expect(server.requests).toHaveLength(1);
  return error as ProviderError;
}

describe('OpenAI-compatible provider: requests and answers', () => {
  it('posts the model, the prompt and a data URL of exactly the JPEG, asking for strict Structured Outputs', async () => {
    const server = await startOpenAiServer({ apiKey });
    await provider(server.url).caption(captionRequest());

    expect(server.requests).toHaveLength(1);
    const sent = server.requests[0]!;
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.headers.authorization).toBe(`Bearer ${apiKey}`);
    expect(sent.headers['content-type']).toBe('application/json');
    const body = jsonBody(sent);
    expect(body.model).toBe(inferenceModel);
    expect(body.stream ?? false).toBe(false);
    expect(body.messages).toEqual([
      { role: 'system', content: prompt.system },
      {
        role: 'user',
        content: [
          { type: 'text', text: prompt.user },
          { type: 'image_url', image_url: { url: `data:image/jpeg;base64,${jpeg.toString('base64')}` } },
        ],
      },
    ]);
    const url = ((body.messages as { content: { image_url?: { url: string } }[] }[])[1]!.content[1]!.image_url!).url;
    expect(Buffer.from(url.slice('data:image/jpeg;base64,'.length), 'base64').equals(jpeg)).toBe(true);
    expect(body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'photo_caption', strict: true, schema: captionSchema },
    });
    // The system prompt says "JSON" too, as servers honouring only json_object mode need.
    expect(prompt.system).toMatch(/JSON/);
  });

  it('returns the parsed fields, the raw text, the token usage and the model that answered', async () => {
    const server = await startOpenAiServer({ apiKey, servedModel: 'google/gemma-3-27b-instruct/bf-16:2025-06' });
    const captioner = provider(server.url);
    expect(captioner.model).toBe(inferenceModel);
    expect(captioner.label).toBe('Inference.net');

    const answer = await captioner.caption(captionRequest());

    expect(answer.fields).toEqual(defaultAnswer);
    expect(JSON.parse(answer.text!)).toEqual(defaultAnswer);
    expect(answer.model).toBe('google/gemma-3-27b-instruct/bf-16:2025-06');
    expect(answer.usage).toEqual({ inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens });
  });

  it('asks for the configured model instead of the preset one', async () => {
    const server = await startOpenAiServer({ apiKey, models: ['meta-llama/llama-3.2-11b-vision-instruct/fp-16'] });
    const captioner = provider(server.url, apiKey, { model: 'meta-llama/llama-3.2-11b-vision-instruct/fp-16' });
    const answer = await captioner.caption(captionRequest());
    expect(captioner.model).toBe('meta-llama/llama-3.2-11b-vision-instruct/fp-16');
    expect(jsonBody(server.requests[0]!).model).toBe('meta-llama/llama-3.2-11b-vision-instruct/fp-16');
    expect(answer.model).toBe('meta-llama/llama-3.2-11b-vision-instruct/fp-16');
  });

  it('talks to a local Ollama-style server without a key, asking for the preset model', async () => {
    const server = await startOpenAiServer({ apiKey: null, models: ['gemma4'] });
    const captioner = ollama(server.url);
    expect(captioner.label).toBe('Ollama');

    const answer = await captioner.caption(captionRequest());

    expect(answer.fields).toEqual(defaultAnswer);
    const sent = server.requests[0]!;
    // Local servers ignore the key, but an empty bearer token is refused by some and by the SDK.
    expect(sent.headers.authorization).toMatch(/^Bearer \S+$/);
    expect(jsonBody(sent).model).toBe('gemma4');
  });

  it('falls back to plain text, for good, when the server rejects response_format', async () => {
    const server = await startOpenAiServer({ apiKey, scenario: 'rejects-response-format' });
    const captioner = provider(server.url);

    const first = await captioner.caption(captionRequest());

    // One rejected structured request, then the same request without response_format.
    expect(server.requests).toHaveLength(2);
    const [structured, plain] = server.requests.map(jsonBody);
    expect(structured!.response_format).toMatchObject({ type: 'json_schema' });
    expect(plain!.response_format).toBeUndefined();
    const { response_format: _format, ...rest } = structured!;
    expect(plain).toEqual(rest);
    // The model followed the system prompt and wrapped its JSON in a fence.
    expect(first.fields).toEqual(defaultAnswer);
    expect(first.text).toMatch(/^Here is the metadata:\n```json\n/);

    const second = await captioner.caption(captionRequest());

    expect(server.requests).toHaveLength(3);
    expect(sentFormat(server.requests[2]!)).toBeUndefined();
    expect(second.fields).toEqual(defaultAnswer);
  });

  it("falls back to plain text when OpenAI says in its own words that the model has no Structured Outputs", async () => {
    const server = await startOpenAiServer({ apiKey, scenario: 'rejects-json-schema' });
    const captioner = provider(server.url);

    const answer = await captioner.caption(captionRequest());

    expect(server.requests.map(sentFormat)).toEqual([expect.objectContaining({ type: 'json_schema' }), undefined]);
    expect(answer.fields).toEqual(defaultAnswer);
    await captioner.caption(captionRequest());
    expect(sentFormat(server.requests[2]!)).toBeUndefined();
  });

  it("does not resend without Structured Outputs when OpenAI cannot read the image, although its words name formats", async () => {
    const error = await failure('unsupported-image');
    expect(error).toMatchObject({ kind: 'bad-request', retryable: false, status: 400 });
    expect(error.detail).toMatch(/^You uploaded an unsupported image\. Please make sure your image has of one the following formats/);
  });

  it('keeps asking for Structured Outputs after an image error, which said nothing about them', async () => {
    const server = await startOpenAiServer({ apiKey, scenario: 'unsupported-image' });
    const captioner = provider(server.url);
    await expect(captioner.caption(captionRequest())).rejects.toMatchObject({ kind: 'bad-request' });

    server.scenario = 'structured';
    await captioner.caption(captionRequest());

    expect(server.requests.map(sentFormat)).toEqual([expect.objectContaining({ type: 'json_schema' }), expect.objectContaining({ type: 'json_schema' })]);
  });

  it('keeps asking for Structured Outputs after a server error that said nothing about them', async () => {
    const server = await startOpenAiServer({ apiKey, scenario: 'server-error' });
    const captioner = provider(server.url);
    await expect(captioner.caption(captionRequest())).rejects.toMatchObject({ kind: 'server', retryable: true });
    expect(server.requests).toHaveLength(1);

    server.scenario = 'structured';
    const answer = await captioner.caption(captionRequest());

    expect(server.requests).toHaveLength(2);
    expect(sentFormat(server.requests[1]!)).toMatchObject({ type: 'json_schema' });
    expect(answer.fields).toEqual(defaultAnswer);
  });

  it('does not drop Structured Outputs over a 400 once the server has honoured them', async () => {
    const server = await startOpenAiServer({ apiKey });
    const captioner = provider(server.url);
    await captioner.caption(captionRequest());

    server.scenario = 'rejects-response-format';
    const error = await captioner.caption(captionRequest()).catch((e: unknown) => e);

    expect(error).toMatchObject({ kind: 'bad-request', retryable: false, status: 400 });
    expect(server.requests).toHaveLength(2);
  });

  it('passes a prose answer on as text, with no fields', async () => {
    const server = await startOpenAiServer({ apiKey, scenario: 'prose' });
    const answer = await provider(server.url).caption(captionRequest());
    expect(answer).toMatchObject({ fields: null, text: proseAnswer, model: inferenceModel });
    expect(server.requests).toHaveLength(1);
  });

  it('passes an answer that only looks like JSON on as text, with no fields', async () => {
    const server = await startOpenAiServer({ apiKey, scenario: 'invalid-json' });
    const answer = await provider(server.url).caption(captionRequest());
    expect(answer.fields).toBeNull();
    expect(answer.text).toBe("{title: 'Blue square', caption: 'A flat field of steel blue.'}");
  });
});

describe('OpenAI-compatible provider: failures', () => {
  it('reports a rejected key as an auth failure naming the service, without repeating the key', async () => {
    const server = await startOpenAiServer({ apiKey });
    const wrongKey = 'inf-live-0000wrong1111';
    const error = (await provider(server.url, wrongKey).caption(captionRequest()).catch((e: unknown) => e)) as ProviderError;

    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'auth', retryable: false, status: 401, provider: 'Inference.net' });
    expect(error.message).toMatch(/^API key rejected by Inference\.net: check that the key is correct and active/);
    expect(error.detail).toBe('Incorrect API key provided: [redacted]');
    expectNoKey(error, wrongKey);
    expect(server.requests).toHaveLength(1);
  });

  it("treats OpenRouter's 402 as exhausted credits, for good", async () => {
    const error = await failure('no-credits');
    expect(error).toMatchObject({ kind: 'credits', retryable: false, status: 402, detail: 'Insufficient credits' });
    expect(error.message).toMatch(/^Inference\.net credits exhausted/);
  });

  it("treats OpenAI's 429 insufficient_quota as exhausted credits, not a rate limit", async () => {
    const error = await failure('quota-exceeded');
    expect(error).toMatchObject({ kind: 'credits', retryable: false, status: 429 });
    expect(error.retryAfterMs).toBeUndefined();
  });

  it('retries a 429 after the time retry-after-ms gives, preferring it to retry-after', async () => {
    const error = await failure('rate-limited', { rateLimitHeaders: { 'retry-after-ms': '1500', 'retry-after': '2' } });
    expect(error).toMatchObject({ kind: 'rate-limited', retryable: true, status: 429, retryAfterMs: 1500 });
    expect(error.message).toMatch(/^Inference\.net is rate limiting requests/);
  });

  it('reads retry-after in seconds when retry-after-ms is missing', async () => {
    const error = await failure('rate-limited', { rateLimitHeaders: { 'retry-after': '7' } });
    expect(error).toMatchObject({ kind: 'rate-limited', retryable: true, retryAfterMs: 7_000 });
  });

  it('leaves the wait to the queue when a 429 gives no retry-after', async () => {
    const error = await failure('rate-limited', { rateLimitHeaders: {} });
    expect(error).toMatchObject({ kind: 'rate-limited', retryable: true, retryAfterMs: undefined });
  });

  it("makes one request for a 500 or a proxy's 502 and leaves the retry to the queue", async () => {
    expect(await failure('server-error')).toMatchObject({ kind: 'server', retryable: true, status: 500 });
    const badGateway = await failure('bad-gateway');
    expect(badGateway).toMatchObject({ kind: 'server', retryable: true, status: 502 });
    expect(badGateway.message).toMatch(/^Inference\.net had a server error \(HTTP 502\)/);
  });

  it("retries Ollama's 503 when its queue is full", async () => {
    const error = await ollamaFailure('busy');
    expect(error).toMatchObject({ kind: 'server', retryable: true, status: 503, provider: 'Ollama' });
    expect(error.detail).toMatch(/server busy/);
  });

  it('reports an unknown model as not found, for good, after one request, naming the models the server lists', async () => {
    const server = await startOpenAiServer({ apiKey, models: ['some/other-model', 'meta-llama/llama-3.2-11b-instruct/fp-16'] });
    const error = (await provider(server.url).caption(captionRequest()).catch((e: unknown) => e)) as ProviderError;
    expect(error).toMatchObject({ kind: 'not-found', retryable: false, status: 404 });
    expect(error.message).toMatch(/^Inference\.net does not know this model or endpoint/);
    expect(error.message).toMatch(
      /\. Models it offers: some\/other-model, meta-llama\/llama-3\.2-11b-instruct\/fp-16 \("captionist provider models inference" lists them\)$/,
    );
    expect(error.detail).toContain(inferenceModel);
    expectNoKey(error, apiKey);
    expect(server.completions).toHaveLength(0);
    expect(server.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['POST /v1/chat/completions', 'GET /v1/models']);
    expect(server.requests[1]!.headers.authorization).toBe(`Bearer ${apiKey}`);
  });

  it('retries a 200 whose JSON body is cut short', async () => {
    const error = await failure('malformed-json');
    expect(error).toMatchObject({ kind: 'invalid-response', retryable: true });
    expect(error.message).toMatch(/^Inference\.net sent an answer Captionist could not read/);
  });

  it('reports valid JSON that is not a chat completion as an invalid response', async () => {
    expect(await failure('not-a-completion')).toMatchObject({ kind: 'invalid-response', retryable: true });
    expect(await failure('no-choices')).toMatchObject({ kind: 'invalid-response', retryable: true });
  });

  it('reports an empty answer as an invalid response', async () => {
    const error = await failure('empty-content');
    expect(error).toMatchObject({ kind: 'invalid-response', retryable: true, message: 'Inference.net answered with an empty caption' });
  });

  it("reports a Structured Outputs refusal as final, with the model's words", async () => {
    const error = await failure('refusal');
    expect(error).toMatchObject({ kind: 'refused', retryable: false, detail: "I'm sorry, I can't help with that image." });
    expect(error.message).toMatch(/^Inference\.net declined to caption this photo under its content policy/);
  });

  it('reports finish_reason content_filter as a final refusal', async () => {
    const error = await failure('content-filter');
    expect(error).toMatchObject({ kind: 'refused', retryable: false });
    expect(error.message).toBe('Inference.net declined to caption this photo under its content policy');
  });

  it('gives up on a slow answer after the configured timeout', async () => {
    const server = await startOpenAiServer({ apiKey, scenario: 'slow', delayMs: 2_000 });
    const started = Date.now();
    const error = await provider(server.url).caption(captionRequest()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'timeout', retryable: true, message: 'Inference.net did not answer within 1 s' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeLessThan(1_900);
    expect(server.requests).toHaveLength(1);
  });

  it('waits firstTimeoutMs while a local server loads its model, then only timeoutMs', async () => {
    const server = await startOpenAiServer({ apiKey: null, scenario: 'model-loading', loadingMs: 800 });
    const captioner = ollama(server.url, { timeoutMs: 500, firstTimeoutMs: 1_500 });

    const first = await captioner.caption(captionRequest());
    expect(first.fields).toEqual(defaultAnswer);
    await captioner.caption(captionRequest());

    server.scenario = 'slow';
    // Answered well within firstTimeoutMs, so only timeoutMs can make this time out.
    server.delayMs = 1_200;
    const error = await captioner.caption(captionRequest()).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'timeout', retryable: true });
    expect(server.requests).toHaveLength(3);
  });

  it('times out a model load longer than timeoutMs when no firstTimeoutMs is set', async () => {
    const server = await startOpenAiServer({ apiKey, scenario: 'model-loading', loadingMs: 1_500 });
    const error = await provider(server.url).caption(captionRequest()).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'timeout', retryable: true });
  });

  it('reports a refused connection as a retryable network error that never reached the server', async () => {
    const error = (await provider(await closedPortUrl()).caption(captionRequest()).catch((e: unknown) => e)) as ProviderError;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'network', retryable: true, mayHaveReachedServer: false, detail: 'ECONNREFUSED' });
    expect(error.message).toMatch(/^Could not reach Inference\.net at 127\.0\.0\.1:\d+/);
    expectNoKey(error, apiKey);
  });
});

describe('OpenAI-compatible provider with servers that break the protocol', () => {
  const caption = (url: string, timeoutMs = 1000) =>
    provider(url, apiKey, { timeoutMs }).caption(captionRequest()).catch((error: unknown) => error);

  it('times out a body that stalls after the headers', async () => {
    const server = await loopbackServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"id":"chatcmpl-1","choices":[');
    });
    const started = performance.now();
    const error = (await caption(server.url, 500)) as ProviderError;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'timeout', retryable: true });
    expect(performance.now() - started).toBeLessThan(3000);
  });

  // Not a network error: those wait for the server without counting an attempt, and this server
  // answers every probe, so a photo it always breaks off would be tried for ever.
  it('reports a connection dropped mid-body as a retryable server error that reached the server', async () => {
    const server = await loopbackServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
      response.write('{"id":"chatcmpl-1",', () => response.socket?.destroy());
    });
    const error = (await caption(server.url)) as ProviderError;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'server', retryable: true, mayHaveReachedServer: true, status: 200 });
    expect(error.message).toBe('Inference.net closed the connection before its answer was complete');
  });

  it("keeps the server's words from error bodies shaped like vLLM's and like a bare string", async () => {
    const vllm = await loopbackServer((_request, response) =>
      sendJson(response, 429, { object: 'error', message: 'insufficient_quota: the account has no credit', type: 'BadRequestError', code: 429 }),
    );
    const vllmError = (await caption(vllm.url)) as ProviderError;
    expect(vllmError).toMatchObject({ kind: 'credits', retryable: false, detail: 'insufficient_quota: the account has no credit' });

    const bare = await loopbackServer((_request, response) => sendJson(response, 404, { error: 'model "llava" not found, try pulling it first' }));
    const bareError = (await caption(bare.url)) as ProviderError;
    expect(bareError).toMatchObject({ kind: 'not-found', detail: 'model "llava" not found, try pulling it first' });
  });

  it('does not resend a first request whose 400 is about something other than Structured Outputs', async () => {
    const server = await loopbackServer((_request, response) =>
      sendJson(response, 400, { error: { message: 'Request too large: the limit is 1 MB', type: 'invalid_request_error' } }),
    );
    const error = (await caption(server.url)) as ProviderError;
    expect(error).toMatchObject({ kind: 'bad-request', retryable: false });
    expect(server.requests).toHaveLength(1);
  });
});

describe('OpenAI-compatible provider: the models a server offers', () => {
  const requested = (server: { requests: RecordedRequest[] }) => server.requests.map((request) => `${request.method} ${request.path}`);

  it("lists GET /models in OpenAI's shape, saying nothing of images where the server says nothing", async () => {
    const server = await startOpenAiServer({ apiKey, models: ['qwen/qwen3-vl-8b', 'text-embedding-nomic'] });

    const list = await provider(server.url).listModels();

    expect(list).toEqual({
      models: [
        { id: 'qwen/qwen3-vl-8b', name: null, vision: null },
        { id: 'text-embedding-nomic', name: null, vision: null },
      ],
      truncated: false,
    });
    expect(requested(server)).toEqual(['GET /v1/models']);
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${apiKey}`);
  });

  it("marks OpenRouter's models by the input modalities it reports", async () => {
    const server = await startOpenAiServer({
      apiKey,
      models: ['openai/gpt-6-luna', 'deepseek/deepseek-v3'],
      inputModalities: { 'openai/gpt-6-luna': ['text', 'image', 'file'], 'deepseek/deepseek-v3': ['text'] },
    });

    const list = await provider(server.url, apiKey, {}, 'openrouter').listModels();

    expect(list.models).toEqual([
      { id: 'openai/gpt-6-luna', name: 'Model openai/gpt-6-luna', vision: true },
      { id: 'deepseek/deepseek-v3', name: 'Model deepseek/deepseek-v3', vision: false },
    ]);
  });

  it("marks Ollama's models by the capabilities /api/tags reports, asking nothing more", async () => {
    const server = await startOpenAiServer({
      apiKey: null,
      models: ['gemma4:latest', 'llama3.2:latest'],
      ollama: { inTags: true, capabilities: { 'gemma4:latest': ['completion', 'vision'], 'llama3.2:latest': ['completion', 'tools'] } },
    });

    const list = await ollama(server.url).listModels();

    expect(list.models).toEqual([
      { id: 'gemma4:latest', name: null, vision: true },
      { id: 'llama3.2:latest', name: null, vision: false },
    ]);
    expect(requested(server)).toEqual(['GET /v1/models', 'GET /api/tags']);
  });

  it("asks an older Ollama's /api/show for each model when /api/tags carries no capabilities", async () => {
    const server = await startOpenAiServer({
      apiKey: null,
      models: ['gemma4:latest', 'qwen3-vl:8b', 'nomic-embed-text:latest'],
      ollama: {
        inTags: false,
        capabilities: { 'gemma4:latest': ['completion', 'vision'], 'qwen3-vl:8b': ['completion', 'vision', 'tools'], 'nomic-embed-text:latest': ['embedding'] },
      },
    });

    const list = await ollama(server.url).listModels();

    expect(list.models.map((model) => [model.id, model.vision])).toEqual([
      ['gemma4:latest', true],
      ['qwen3-vl:8b', true],
      ['nomic-embed-text:latest', false],
    ]);
    expect(requested(server)).toEqual(['GET /v1/models', 'GET /api/tags', 'POST /api/show', 'POST /api/show', 'POST /api/show']);
    expect(server.requests.slice(2).map((request) => jsonBody(request).model)).toEqual(['gemma4:latest', 'qwen3-vl:8b', 'nomic-embed-text:latest']);
  });

  it('still lists the models, capabilities unknown, when Ollama\'s own API does not answer', async () => {
    const server = await startOpenAiServer({ apiKey: null, models: ['gemma4:latest'] });
    const list = await ollama(server.url).listModels();
    expect(list.models).toEqual([{ id: 'gemma4:latest', name: null, vision: null }]);
    expect(requested(server)).toEqual(['GET /v1/models', 'GET /api/tags']);
  });

  it('names the vision models Ollama has, once, when the preset model is not pulled', async () => {
    const server = await startOpenAiServer({
      apiKey: null,
      models: ['llama3.2:latest', 'qwen3-vl:8b', 'llava:13b'],
      ollama: { inTags: true, capabilities: { 'llama3.2:latest': ['completion'], 'qwen3-vl:8b': ['completion', 'vision'], 'llava:13b': ['completion', 'vision'] } },
    });
    const captioner = ollama(server.url);

    const error = (await captioner.caption(captionRequest()).catch((e: unknown) => e)) as ProviderError;

    expect(error).toMatchObject({ kind: 'not-found', retryable: false, detail: 'model "gemma4" not found, try pulling it first' });
    expect(error.message).toMatch(/\. Models it offers: qwen3-vl:8b, llava:13b \("captionist provider models ollama" lists them\)$/);
    await expect(captioner.caption(captionRequest())).rejects.toMatchObject({ message: error.message });
    expect(requested(server)).toEqual(['POST /v1/chat/completions', 'GET /v1/models', 'GET /api/tags', 'POST /v1/chat/completions']);
  });

  it("names OpenRouter's vision models when it says in a 400 that the model ID is not valid", async () => {
    const server = await loopbackServer((request, response) =>
      request.method === 'GET'
        ? sendJson(response, 200, {
            data: [
              { id: 'deepseek/deepseek-v3', architecture: { input_modalities: ['text'] } },
              { id: 'openai/gpt-6-luna', architecture: { input_modalities: ['text', 'image'] } },
            ],
          })
        : sendJson(response, 400, { error: { code: 400, message: 'openai/gpt-4o-minni is not a valid model ID' } }),
    );
    const captioner = provider(server.url, apiKey, { model: 'openai/gpt-4o-minni' }, 'openrouter');
    const error = (await captioner.caption(captionRequest()).catch((e: unknown) => e)) as ProviderError;
    expect(error).toMatchObject({ kind: 'bad-request', retryable: false });
    expect(error.message).toBe(
      'OpenRouter rejected the request (HTTP 400) (openai/gpt-4o-minni is not a valid model ID). ' +
        'Models it offers: openai/gpt-6-luna ("captionist provider models openrouter" lists them)',
    );
  });

  it('keeps the error as it was when the list of models cannot be had', async () => {
    const server = await loopbackServer((request, response) =>
      request.method === 'GET'
        ? sendJson(response, 500, { error: { message: 'internal error' } })
        : sendJson(response, 404, { error: { message: 'The model `x` does not exist', type: 'invalid_request_error', code: 'model_not_found' } }),
    );
    const error = (await provider(server.url).caption(captionRequest()).catch((e: unknown) => e)) as ProviderError;
    expect(error.message).toBe('Inference.net does not know this model or endpoint: check the model name and base URL (The model `x` does not exist)');
    expect(requested(server)).toEqual(['POST /v1/chat/completions', 'GET /v1/models']);
  });

  it('fails a listing the server answers with an error, naming the service, without the key', async () => {
    const server = await startOpenAiServer({ apiKey });
    const error = (await provider(server.url, 'sk-wrong-5e1d9c0b').listModels().catch((e: unknown) => e)) as ProviderError;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'auth', status: 401 });
    expectNoKey(error, 'sk-wrong-5e1d9c0b');
  });
});
