import { join } from 'node:path';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { openDatabase } from '../../../src/main/db/database';
import { ProvidersRepository } from '../../../src/main/db/providers.repo';
import { AnthropicProvider } from '../../../src/main/providers/anthropic.provider';
import { ApiVerveProvider } from '../../../src/main/providers/apiverve.provider';
import { ModelsLabProvider } from '../../../src/main/providers/modelslab.provider';
import { OpenAiCompatibleProvider } from '../../../src/main/providers/openai-compatible.provider';
import { providerConfigFrom } from '../../../src/main/providers/presets';
import type { CaptionProvider, CaptionRequest } from '../../../src/main/providers/provider';
import { ProviderRegistry } from '../../../src/main/providers/provider-registry';
import { WaveSpeedProvider } from '../../../src/main/providers/wavespeed.provider';
import { environmentSecrets } from '../../../src/main/base/secrets';
import { tempDir } from '../../helpers/files';
import { closedPortUrl, loopbackServer, sendJson } from '../../helpers/loopback';
import type { LoopbackServer } from '../../helpers/loopback';
import { providerFailure, testJpeg, testProviderConfig, testProviderDeps } from '../../helpers/providers';
import { startAnthropicServer } from '../../provider-servers/anthropic.server';
import { startApiVerveServer } from '../../provider-servers/apiverve.server';
import { newTally, sendHostile } from '../../provider-servers/hostile';
import type { HostileAnswer, HostileTally } from '../../provider-servers/hostile';
import { startModelsLabServer } from '../../provider-servers/modelslab.server';
import { defaultAnswer, startOpenAiServer } from '../../provider-servers/openai-compatible.server';
import { startWaveSpeedServer } from '../../provider-servers/wavespeed.server';

const apiKey = 'sk-hostile-test-5e0c9a71';
/** A loopback server can have written this much into socket buffers before it notices the client hung up. */
const socketSlack = 32 * 1024 * 1024;
let jpeg: Buffer;

beforeAll(async () => {
  jpeg = await testJpeg();
});

function captionRequest(): CaptionRequest {
  return {
    image: { data: jpeg, width: 64, height: 48 },
    prompt: { system: 'Answer with JSON only.', user: 'Caption this photo.', version: 'test', schema: {} },
    options: { detail: 'medium', includeFolderName: true, includePlace: true },
  };
}

/**
 * One protocol, its loopback server misbehaving `where`: at the call the caption comes back from,
 * or at the very first call (the one a redirect would take the key away from).
 */
interface Protocol {
  label: string;
  start(hostile: HostileAnswer, where: 'answer' | 'first', tally: HostileTally): Promise<LoopbackServer>;
  provider(url: string, timeoutMs: number): CaptionProvider;
}

const protocols: Record<string, Protocol> = {
  'OpenAI-compatible (the SDK)': {
    label: 'Inference.net',
    start: (hostile, _where, tally) => startOpenAiServer({ apiKey, hostile, tally }),
    provider: (url, timeoutMs) =>
      new OpenAiCompatibleProvider(
        providerConfigFrom({ name: 'inference', type: 'openai-compatible', preset: 'inference-net', baseUrl: `${url}/v1`, timeoutMs }),
        apiKey,
        testProviderDeps(),
      ),
  },
  Anthropic: {
    label: 'Anthropic',
    start: (hostile, _where, tally) => startAnthropicServer({ apiKey, hostile, tally }),
    provider: (url, timeoutMs) => new AnthropicProvider(testProviderConfig('anthropic', url, { timeoutMs }), apiKey, testProviderDeps()),
  },
  APIVerve: {
    label: 'APIVerve',
    start: (hostile, _where, tally) => startApiVerveServer({ apiKey, hostile, tally }),
    provider: (url, timeoutMs) => new ApiVerveProvider(testProviderConfig('apiverve', url, { timeoutMs }), apiKey, testProviderDeps()),
  },
  WaveSpeed: {
    label: 'WaveSpeed',
    start: (hostile, where, tally) => startWaveSpeedServer({ apiKey, faults: { [where === 'first' ? 'upload' : 'result']: hostile }, tally }),
    provider: (url, timeoutMs) => new WaveSpeedProvider(testProviderConfig('wavespeed', url, { timeoutMs }), apiKey, testProviderDeps()),
  },
  ModelsLab: {
    label: 'ModelsLab',
    start: (hostile, where, tally) =>
      startModelsLabServer({ apiKey, processingPolls: 1, faults: { [where === 'first' ? 'upload' : 'fetch']: hostile }, tally }),
    provider: (url, timeoutMs) => new ModelsLabProvider(testProviderConfig('modelslab', url, { timeoutMs }), apiKey, testProviderDeps()),
  },
};

/** The error one caption call ends in against a server answering `hostile`, checked to carry no key. */
async function failure(protocol: Protocol, hostile: HostileAnswer, options: { where?: 'answer' | 'first'; timeoutMs?: number; tally?: HostileTally } = {}) {
  const server = await protocol.start(hostile, options.where ?? 'answer', options.tally ?? newTally());
  return providerFailure(protocol.provider(server.url, options.timeoutMs ?? 5_000).caption(captionRequest()), apiKey);
}

describe.each(Object.entries(protocols))('%s provider against a hostile server', (_name, protocol) => {
  const { label } = protocol;

  it('stops reading an endless answer at 2 MB and fails that photo for good, naming the provider', async () => {
    const tally = newTally();
    const error = await failure(protocol, 'endless', { tally });
    expect(error).toMatchObject({ kind: 'invalid-response', retryable: false, status: 200 });
    expect(error.message).toBe(`${label} sent an answer too large to read (over 2 MB); Captionist stopped reading it`);
    // The server was cut off long before the 200 MB it had to send.
    expect(tally.bytesSent).toBeLessThan(socketSlack);
  });

  it('stops unpacking a compressed answer at 2 MB', async () => {
    const error = await failure(protocol, 'gzip-bomb');
    expect(error).toMatchObject({ kind: 'invalid-response', retryable: false, status: 200 });
    expect(error.message).toBe(`${label} sent an answer too large to read (over 2 MB); Captionist stopped reading it`);
  });

  it('reads only the start of an endless error page, and still classifies the status', async () => {
    const tally = newTally();
    const error = await failure(protocol, 'endless-error', { tally });
    expect(error).toMatchObject({ kind: 'server', retryable: true, status: 500 });
    expect(error.message.length).toBeLessThan(500);
    expect(tally.bytesSent).toBeLessThan(socketSlack);
  });

  it('gives up on an answer trickled a byte a second when the timeout is up', async () => {
    const started = performance.now();
    const error = await failure(protocol, 'trickle', { timeoutMs: 1_500 });
    expect(error).toMatchObject({ kind: 'timeout', retryable: true });
    expect(error.message).toBe(`${label} did not answer within 2 s`);
    expect(performance.now() - started).toBeLessThan(4_500);
  });

  it('reports an answer broken off mid-body as a retryable server failure', async () => {
    const error = await failure(protocol, 'broken-off');
    expect(error).toMatchObject({ kind: 'server', retryable: true, status: 200, mayHaveReachedServer: true });
    expect(error.message).toBe(`${label} closed the connection before its answer was complete`);
  });

  it.each<HostileAnswer>(['empty', 'deeply-nested', 'wrong-shape'])('reports a %s 200 as an answer it could not read', async (hostile) => {
    const error = await failure(protocol, hostile);
    expect(error).toMatchObject({ kind: 'invalid-response', retryable: true });
    expect(error.message).toMatch(new RegExp(`^${label} (sent an answer|answered)`));
  });

  it('classifies an error whose message is nested too deep to turn back into text by its status', async () => {
    const error = await failure(protocol, 'deeply-nested-error');
    expect(error).toMatchObject({ kind: 'bad-request', retryable: false, status: 400 });
    expect(error.message.length).toBeLessThan(500);
  });

  it.each<HostileAnswer>(['not-http', 'huge-headers'])('reports an answer that is not valid HTTP (%s) as a retryable server failure', async (hostile) => {
    const error = await failure(protocol, hostile);
    expect(error).toMatchObject({ kind: 'server', retryable: true, mayHaveReachedServer: true, status: undefined });
    expect(error.message).toMatch(new RegExp(`^${label} sent an answer that is not valid HTTP \\((Response does not match|UND_ERR_HEADERS_OVERFLOW)`));
  });

  it('reports a status outside HTTP as an unexpected answer', async () => {
    const error = await failure(protocol, 'status-700');
    expect(error).toMatchObject({ kind: 'invalid-response', status: 700 });
    expect(error.message).toBe(`${label} sent an unexpected answer (HTTP 700)`);
  });

  it('never follows a redirect, so the key never reaches the other server', async () => {
    const elsewhere = await loopbackServer((_request, response) => void response.end('{}'));
    const error = await failure(protocol, { redirectTo: `${elsewhere.url}/collect?from=${label}` }, { where: 'first' });
    expect(error).toMatchObject({ kind: 'not-found', retryable: false, status: 307 });
    expect(error.message).toBe(
      `${label} redirected the request to ${elsewhere.url}/collect, which Captionist does not follow so that the API key ` +
        'never goes to another address: check the base URL',
    );
    expect(elsewhere.requests).toHaveLength(0);
  });
});

describe('values kept from an answer', () => {
  /** A chat completion with the default caption, and `changes` on top. */
  const completion = (changes: Record<string, unknown>) => ({
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, message: { role: 'assistant', content: JSON.stringify(defaultAnswer) }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 1645, completion_tokens: 92 },
    ...changes,
  });
  const answering = (body: unknown) => loopbackServer((_request, response) => sendJson(response, 200, body));
  const openAi = (url: string) => protocols['OpenAI-compatible (the SDK)']!.provider(url, 5_000);

  it('OpenAI-compatible: keeps a plausible model name, cleaned, and only whole token counts', async () => {
    const cleaned = await openAi((await answering(completion({ model: 'gpt\u0000-4o', usage: { prompt_tokens: '1645', completion_tokens: -3 } }))).url).caption(captionRequest());
    expect(cleaned).toMatchObject({ model: 'gpt-4o', usage: { inputTokens: null, outputTokens: null } });
    const huge = await openAi((await answering(completion({ model: 'm'.repeat(5_000), usage: { prompt_tokens: 1e300, completion_tokens: 1.5 } }))).url).caption(captionRequest());
    expect(huge).toMatchObject({ model: 'google/gemma-3-27b-instruct/bf-16', usage: { inputTokens: null, outputTokens: null } });
    const noUsage = await openAi((await answering(completion({ usage: 'lots' }))).url).caption(captionRequest());
    expect(noUsage.usage).toEqual({ inputTokens: null, outputTokens: null });
  });

  it.each([
    ['content that is not text', { choices: [{ index: 0, message: { role: 'assistant', content: 42 }, finish_reason: 'stop' }] }],
    ['content that is a list', { choices: [{ index: 0, message: { role: 'assistant', content: [{ type: 'text', text: 'x' }] } }] }],
    ['a choice that is not an object', { choices: [null] }],
    ['choices that are not a list', { choices: 'A red tram' }],
  ])('OpenAI-compatible: reports %s as an answer it could not read', async (_what, changes) => {
    const error = await providerFailure(openAi((await answering(completion(changes))).url).caption(captionRequest()), apiKey);
    expect(error).toMatchObject({ kind: 'invalid-response', message: 'Inference.net sent an answer Captionist could not read' });
  });

  it('Anthropic: keeps a plausible model name, cleaned, and only whole token counts', async () => {
    const server = await answering({
      type: 'message',
      model: 'claude\u0007-x\ud800',
      content: [{ type: 'text', text: JSON.stringify(defaultAnswer) }, { type: 'text', text: 7 }],
      stop_reason: 'end_turn',
      usage: { input_tokens: '12', output_tokens: 2 ** 60 },
    });
    const answer = await protocols.Anthropic!.provider(server.url, 5_000).caption(captionRequest());
    expect(answer).toMatchObject({ model: 'claude-x', fields: defaultAnswer, usage: { inputTokens: null, outputTokens: null } });
  });

  it.each([
    ['WaveSpeed', 'control characters', () => startWaveSpeedServer({ apiKey, processingPolls: 1, taskId: 'pred_\u0000\u0007' })],
    ['WaveSpeed', 'an id of 5,000 characters', () => startWaveSpeedServer({ apiKey, processingPolls: 1, taskId: 'p'.repeat(5_000) })],
    ['ModelsLab', 'an id of 5,000 characters', () => startModelsLabServer({ apiKey, processingPolls: 1, taskId: '9'.repeat(5_000) })],
  ] as const)('%s: never stores a task id with %s, and never resends the paid task', async (name, _what, start) => {
    const server = await start();
    const stored: string[] = [];
    const request = { ...captionRequest(), onTaskId: (id: string) => void stored.push(id) };
    const error = await providerFailure(protocols[name]!.provider(server.url, 5_000).caption(request), apiKey);
    expect(error).toMatchObject({ kind: 'maybe-submitted', retryable: false });
    expect(error.message).toMatch(/sent no (task|request) id to follow/);
    expect(stored).toEqual([]);
    expect(server.counts.submits).toBe(1);
  });
});

describe('paid submits against a hostile server', () => {
  it.each([
    ['WaveSpeed', 'endless', () => startWaveSpeedServer({ apiKey, faults: { submit: 'endless' } }), protocols.WaveSpeed!],
    ['ModelsLab', 'broken off', () => startModelsLabServer({ apiKey, faults: { caption: 'broken-off' } }), protocols.ModelsLab!],
    ['ModelsLab', 'not HTTP', () => startModelsLabServer({ apiKey, faults: { caption: 'not-http' } }), protocols.ModelsLab!],
  ] as const)('%s: a submit answered %s may have been paid for, so it is never resent', async (_name, _how, start, protocol) => {
    const server = await start();
    const error = await providerFailure(protocol.provider(server.url, 5_000).caption(captionRequest()), apiKey);
    expect(error).toMatchObject({ kind: 'maybe-submitted', retryable: false });
  });
});

describe("WaveSpeed's output links", () => {
  it.each<[HostileAnswer, object]>([
    ['endless', { kind: 'invalid-response', retryable: false, message: 'WaveSpeed sent an answer too large to read (over 2 MB); Captionist stopped reading it' }],
    [{ redirectTo: 'http://127.0.0.1:9/elsewhere' }, { kind: 'not-found', status: 307 }],
  ])('fetches a caption stored as a link under the same rules: %j', async (hostile, expected) => {
    const server = await startWaveSpeedServer({ apiKey, captionAsLink: true, faults: { output: hostile } });
    const error = await providerFailure(protocols.WaveSpeed!.provider(server.url, 5_000).caption(captionRequest()), apiKey);
    expect(error).toMatchObject(expected);
  });
});

describe('the reachability probe against a hostile server', () => {
  function registry(baseUrl: string): ProviderRegistry {
    const db = openDatabase(join(tempDir('captionist-probe-'), 'library.db'));
    onTestFinished(() => void db.close());
    const providers = new ProviderRegistry(new ProvidersRepository(db), environmentSecrets({}), testProviderDeps(), () => new Date());
    providers.save({ name: 'local', type: 'openai-compatible', preset: 'ollama', baseUrl });
    return providers;
  }

  it('counts any answer as reachable, reading no more than the start of an endless one, and not a closed port', async () => {
    const tally = newTally();
    const endless = await loopbackServer((_request, response) => sendHostile(response, 'endless', tally));
    expect(await registry(endless.url).reachable('local')).toBe(true);
    expect(tally.bytesSent).toBeLessThan(socketSlack);

    const elsewhere = await loopbackServer((_request, response) => void response.end('{}'));
    const redirecting = await loopbackServer((_request, response) => sendHostile(response, { redirectTo: elsewhere.url }));
    expect(await registry(redirecting.url).reachable('local')).toBe(true);
    expect(elsewhere.requests).toHaveLength(0);

    expect(await registry(await closedPortUrl()).reachable('local')).toBe(false);
  });
});
