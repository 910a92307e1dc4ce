import { beforeAll, describe, expect, it } from 'vitest';
import type { ProviderError } from '../../../src/main/providers/errors';
import { ModelsLabProvider } from '../../../src/main/providers/modelslab.provider';
import type { CaptionRequest } from '../../../src/main/providers/provider';
import { CaptionOptionsSchema } from '../../../src/shared/captioning';
import type { CaptionOptionsInput } from '../../../src/shared/captioning';
import { closedPortUrl, jsonBody } from '../../helpers/loopback';
import { providerFailure, testJpeg, testProviderConfig, testProviderDeps } from '../../helpers/providers';
import { startModelsLabServer } from '../../provider-servers/modelslab.server';
import type { ModelsLabServerOptions } from '../../provider-servers/modelslab.server';

const apiKey = 'ml-key-5c9e17aa03f2d4';
let jpeg: Buffer;

beforeAll(async () => {
  jpeg = await testJpeg();
});

function modelsLab(baseUrl: string, options: { key?: string; timeoutMs?: number; deadlineMs?: number } = {}): ModelsLabProvider {
  return new ModelsLabProvider(
    testProviderConfig('modelslab', baseUrl, { timeoutMs: options.timeoutMs ?? 1000 }),
    options.key ?? apiKey,
    testProviderDeps({ maxIntervalMs: 60, deadlineMs: options.deadlineMs ?? 1000 }),
  );
}

function captionRequest(options: CaptionOptionsInput = {}, extra: Partial<CaptionRequest> = {}): CaptionRequest {
  return {
    image: { data: jpeg, width: 64, height: 48 },
    prompt: { system: '', user: 'Describe the photo.', version: 'test-1', schema: {} },
    options: CaptionOptionsSchema.parse(options),
    ...extra,
  };
}

/** The ProviderError a caption fails with, checked to carry no API key anywhere. */
function captionFailure(provider: ModelsLabProvider, request: CaptionRequest, key = apiKey): Promise<ProviderError> {
  return providerFailure(provider.caption(request), key);
}

async function serve(options: Partial<ModelsLabServerOptions> = {}) {
  return startModelsLabServer({ apiKey, ...options });
}

describe('ModelsLab provider', () => {
  it('uploads the photo as a data URL, submits once with the key in the body, and returns the caption', async () => {
    const server = await serve({ caption: 'A golden retriever leaps for a frisbee.' });
    const answer = await modelsLab(server.url).caption(captionRequest({ detail: 'high', focus: 'the dog' }));

    expect(answer).toEqual({
      fields: null,
      text: 'A golden retriever leaps for a frisbee.',
      model: 'image-caption',
      usage: { inputTokens: null, outputTokens: null },
    });
    expect(server.counts).toEqual({ uploads: 1, submits: 1, polls: 0 });
    const [upload, submit] = server.requests;
    expect(jsonBody(upload!)).toEqual({ key: apiKey, base64_string: `data:image/jpeg;base64,${jpeg.toString('base64')}` });
    expect(jsonBody(submit!)).toEqual({ key: apiKey, init_image: `${server.url}/uploads/1.jpg`, length: 'long', base64: false });
    for (const request of server.requests) {
      expect(Object.values(request.headers).join(' ')).not.toContain(apiKey);
    }
  });

  it.each([
    ['low', 'short'],
    ['medium', 'normal'],
    ['high', 'long'],
  ] as const)('asks for a %s-detail caption as length "%s"', async (detail, length) => {
    const server = await serve();
    await modelsLab(server.url).caption(captionRequest({ detail }));

    expect(jsonBody(server.requests[1]!).length).toBe(length);
  });

  it('stores the request id before fetching, waits the ETA, then fetches until the caption is ready', async () => {
    const server = await serve({ processingPolls: 2, etaSeconds: 0.15 });
    const taskIds: string[] = [];
    let fetchesWhenTaskIdStored = -1;
    let taskIdStoredAt = 0;
    const answer = await modelsLab(server.url).caption(
      captionRequest({}, {
        onTaskId: (id) => {
          taskIds.push(id);
          fetchesWhenTaskIdStored = server.counts.polls;
          taskIdStoredAt = Date.now();
        },
      }),
    );

    expect(answer.text).toBe('A golden retriever leaps for a frisbee on a beach.');
    expect(taskIds).toEqual(['90000001']);
    expect(fetchesWhenTaskIdStored).toBe(0);
    expect(Date.now() - taskIdStoredAt).toBeGreaterThanOrEqual(140);
    expect(server.counts).toEqual({ uploads: 1, submits: 1, polls: 3 });
    const fetches = server.requests.filter((request) => request.path.startsWith('/api/v6/image_editing/fetch/'));
    expect(fetches.map((request) => request.path)).toEqual(Array(3).fill('/api/v6/image_editing/fetch/90000001'));
    expect(jsonBody(fetches[0]!)).toEqual({ key: apiKey });
  });

  it('resumes a stored request after a restart: fetches it without uploading or submitting again', async () => {
    const server = await serve({ processingPolls: 5 });
    let storedTaskId: string | null = null;
    const firstAttempt = await captionFailure(
      modelsLab(server.url, { deadlineMs: 60 }),
      captionRequest({}, { onTaskId: (id) => (storedTaskId = id) }),
    );
    expect(firstAttempt).toMatchObject({ kind: 'timeout', retryable: true });
    expect(storedTaskId).toBe('90000001');

    const answer = await modelsLab(server.url, { deadlineMs: 1500 }).caption(
      captionRequest({}, { resumeTaskId: storedTaskId, onTaskId: () => expect.fail('a resumed request has its id already') }),
    );
    expect(answer.text).toBe('A golden retriever leaps for a frisbee on a beach.');
    expect(server.counts.uploads).toBe(1);
    expect(server.counts.submits).toBe(1);
  });

  it.each(['link', 'data.url'] as const)('finds the uploaded link when base64_to_url puts it in %s', async (uploadAnswer) => {
    const server = await serve({ uploadAnswer });
    const answer = await modelsLab(server.url).caption(captionRequest());

    expect(answer.text).toBe('A golden retriever leaps for a frisbee on a beach.');
    expect(jsonBody(server.requests[1]!).init_image).toBe(`${server.url}/uploads/1.jpg`);
  });

  it('reports a failed request as final, with ModelsLab’s reason under either spelling', async () => {
    for (const misspelt of [false, true]) {
      const server = await serve({ processingPolls: 0, taskError: 'Failed to caption the image', misspelt });
      const error = await captionFailure(modelsLab(server.url), captionRequest());

      expect(error).toMatchObject({ kind: 'task-failed', retryable: false });
      expect(error.message).toBe('ModelsLab could not caption this photo (Failed to caption the image)');
    }
  });

  it.each([
    ['HTTP 401', false],
    ['status "error" inside HTTP 200', true],
  ])('names ModelsLab when the key is rejected with %s, and keeps the key out of the message', async (_, errorsInBody) => {
    const server = await serve({ errorsInBody, misspelt: errorsInBody });
    const wrongKey = 'ml-wrong-9d8c7b6a5f';
    const error = await captionFailure(modelsLab(server.url, { key: wrongKey }), captionRequest(), wrongKey);

    expect(error).toMatchObject({ kind: 'auth', retryable: false });
    expect(error.message).toContain('API key rejected by ModelsLab');
    expect(error.detail).toBe('Invalid Api Key: [redacted]');
    expect(server.counts.submits).toBe(0);
  });

  it.each([
    ['HTTP 402', false],
    ['status "error" inside HTTP 200', true],
  ])('says the credits are exhausted when the caption request gets %s', async (_, errorsInBody) => {
    const server = await serve({ faults: { caption: 'credits-exhausted' }, errorsInBody });
    const error = await captionFailure(modelsLab(server.url), captionRequest());

    expect(error).toMatchObject({ kind: 'credits', retryable: false });
    expect(error.message).toMatch(/^ModelsLab credits exhausted/);
  });

  it.each([
    ['HTTP 429', false],
    ['status "error" inside HTTP 200', true],
  ])('retries a full queue (%s) after the retry_after in the body', async (_, errorsInBody) => {
    const server = await serve({ faults: { caption: 'rate-limited' }, retryAfterSeconds: 3, errorsInBody });
    const error = await captionFailure(modelsLab(server.url), captionRequest());

    expect(error).toMatchObject({ kind: 'rate-limited', retryable: true, retryAfterMs: 3000 });
  });

  it('treats a 5xx answer to the caption request as a retryable server error', async () => {
    const server = await serve({ faults: { caption: 'server-error' } });
    const error = await captionFailure(modelsLab(server.url), captionRequest());

    expect(error).toMatchObject({ kind: 'server', retryable: true, status: 503 });
  });

  it('retries when the free upload is answered with something that is not JSON', async () => {
    const server = await serve({ faults: { upload: 'malformed-json' } });
    const error = await captionFailure(modelsLab(server.url), captionRequest());

    expect(error).toMatchObject({ kind: 'invalid-response', retryable: true });
    expect(server.counts.submits).toBe(0);
  });

  it('times out a fetch that answers too slowly, as a retryable failure', async () => {
    const server = await serve({ processingPolls: 0, faults: { fetch: 'slow' }, slowMs: 1500 });
    const error = await captionFailure(modelsLab(server.url, { timeoutMs: 200 }), captionRequest());

    expect(error).toMatchObject({ kind: 'timeout', retryable: true });
  });

  it('retries a dropped connection during the free upload', async () => {
    const server = await serve({ faults: { upload: 'drop-connection' } });
    const error = await captionFailure(modelsLab(server.url), captionRequest());

    expect(error).toMatchObject({ kind: 'network', retryable: true });
  });

  it.each([
    ['drops the connection', 'drop-connection'],
    ['answers too slowly', 'slow'],
    ['answers 200 with something that is not JSON', 'malformed-json'],
  ] as const)('never resends a caption request when the server %s after taking it', async (_, fault) => {
    const server = await serve({ faults: { caption: fault }, slowMs: 1500 });
    const error = await captionFailure(modelsLab(server.url, { timeoutMs: 200 }), captionRequest());

    expect(error).toMatchObject({ kind: 'maybe-submitted', retryable: false });
    expect(error.message).toMatch(/^ModelsLab (may have received|took) the photo/);
    expect(error.message).toContain('not resent automatically so it is not paid for twice');
    expect(server.counts.submits).toBe(1);
  });

  it('keeps a refused connection retryable: nothing reached the server', async () => {
    const error = await captionFailure(modelsLab(await closedPortUrl()), captionRequest());

    expect(error).toMatchObject({ kind: 'network', retryable: true, mayHaveReachedServer: false });
    expect(error.message).toContain('Could not reach ModelsLab');
  });
});
