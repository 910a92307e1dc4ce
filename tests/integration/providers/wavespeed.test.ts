import { beforeAll, describe, expect, it } from 'vitest';
import type { ProviderError } from '../../../src/main/providers/errors';
import type { CaptionRequest } from '../../../src/main/providers/provider';
import { WaveSpeedProvider } from '../../../src/main/providers/wavespeed.provider';
import { CaptionOptionsSchema } from '../../../src/shared/captioning';
import type { CaptionOptionsInput } from '../../../src/shared/captioning';
import { closedPortUrl, jsonBody } from '../../helpers/loopback';
import { providerFailure, testJpeg, testProviderConfig, testProviderDeps } from '../../helpers/providers';
import { startWaveSpeedServer } from '../../provider-servers/wavespeed.server';
import type { WaveSpeedServerOptions } from '../../provider-servers/wavespeed.server';

const apiKey = 'ws-live-7f3a9c21d4e8b6';
let jpeg: Buffer;

beforeAll(async () => {
  jpeg = await testJpeg();
});

function waveSpeed(
  baseUrl: string,
  options: { key?: string; timeoutMs?: number; deadlineMs?: number; syncMode?: boolean } = {},
): WaveSpeedProvider {
  return new WaveSpeedProvider(
    testProviderConfig('wavespeed', baseUrl, { concurrency: 2, timeoutMs: options.timeoutMs ?? 1000 }),
    options.key ?? apiKey,
    testProviderDeps({ maxIntervalMs: 60, deadlineMs: options.deadlineMs ?? 1000 }),
    { syncMode: options.syncMode },
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
function captionFailure(provider: WaveSpeedProvider, request: CaptionRequest, key = apiKey): Promise<ProviderError> {
  return providerFailure(provider.caption(request), key);
}

async function serve(options: Partial<WaveSpeedServerOptions> = {}) {
  return startWaveSpeedServer({ apiKey, ...options });
}

describe('WaveSpeed provider', () => {
  it('uploads the photo, submits one task, stores its id before polling, and returns the caption', async () => {
    const server = await serve({ processingPolls: 2, caption: 'A red tram crosses a stone bridge.' });
    const taskIds: string[] = [];
    let pollsWhenTaskIdStored = -1;
    const answer = await waveSpeed(server.url).caption(
      captionRequest(
        { detail: 'high', focus: 'the architecture' },
        {
          onTaskId: (id) => {
            taskIds.push(id);
            pollsWhenTaskIdStored = server.counts.polls;
          },
        },
      ),
    );

    expect(answer).toEqual({
      fields: null,
      text: 'A red tram crosses a stone bridge.',
      model: 'wavespeed-ai/image-captioner',
      usage: { inputTokens: null, outputTokens: null },
    });
    expect(server.counts).toEqual({ uploads: 1, submits: 1, polls: 3 });
    expect(taskIds).toEqual(['pred_1']);
    expect(pollsWhenTaskIdStored).toBe(0);

    const [upload, submit] = server.requests;
    expect(upload!.headers.authorization).toBe(`Bearer ${apiKey}`);
    const form = await new Response(upload!.body, { headers: { 'content-type': upload!.headers['content-type']! } }).formData();
    const file = form.get('file') as File;
    expect(file.type).toBe('image/jpeg');
    expect(Buffer.from(await file.arrayBuffer()).equals(jpeg)).toBe(true);
    expect(submit!.headers.authorization).toBe(`Bearer ${apiKey}`);
    expect(jsonBody(submit!)).toEqual({
      image: `${server.url}/media/1-photo.jpg`,
      detail_level: 'high',
      focus: 'the architecture',
    });
  });

  it("takes the uploaded photo's link from the newer upload answer, data.url, as from data.download_url", async () => {
    const server = await serve({ uploadLinkField: 'url' });

    const answer = await waveSpeed(server.url).caption(captionRequest());

    expect(answer.text).toBe('A red tram crosses a stone bridge at dusk.');
    expect(server.counts).toMatchObject({ uploads: 1, submits: 1 });
    expect(jsonBody(server.requests[1]!).image).toBe(`${server.url}/media/1-photo.jpg`);
  });

  it('takes the caption from the submit answer in sync mode, without polling', async () => {
    const server = await serve();
    const answer = await waveSpeed(server.url, { syncMode: true }).caption(captionRequest({ detail: 'low' }));

    expect(answer.text).toBe('A red tram crosses a stone bridge at dusk.');
    expect(server.counts).toEqual({ uploads: 1, submits: 1, polls: 0 });
    expect(jsonBody(server.requests[1]!)).toEqual({
      image: `${server.url}/media/1-photo.jpg`,
      detail_level: 'low',
      enable_sync_mode: true,
    });
  });

  it('polls the task when sync mode times out (code 5004)', async () => {
    const server = await serve({ processingPolls: 1 });
    const taskIds: string[] = [];
    const answer = await waveSpeed(server.url, { syncMode: true }).caption(
      captionRequest({}, { onTaskId: (id) => taskIds.push(id) }),
    );

    expect(answer.text).toBe('A red tram crosses a stone bridge at dusk.');
    expect(taskIds).toEqual(['pred_1']);
    expect(server.counts).toEqual({ uploads: 1, submits: 1, polls: 2 });
  });

  it('downloads a caption stored as a file, without sending the key there', async () => {
    const server = await serve({ captionAsLink: true, caption: 'Two kayaks on a misty lake.' });
    const answer = await waveSpeed(server.url).caption(captionRequest());

    expect(answer.text).toBe('Two kayaks on a misty lake.');
    const download = server.requests.find((request) => request.path.startsWith('/outputs/'));
    expect(download?.headers.authorization).toBeUndefined();
  });

  it('resumes a stored task after a restart: polls it without uploading or submitting again', async () => {
    const server = await serve({ processingPolls: 5 });
    let storedTaskId: string | null = null;
    const firstAttempt = await captionFailure(
      waveSpeed(server.url, { deadlineMs: 60 }),
      captionRequest({}, { onTaskId: (id) => (storedTaskId = id) }),
    );
    expect(firstAttempt).toMatchObject({ kind: 'timeout', retryable: true });
    expect(firstAttempt.message).toContain('WaveSpeed has not finished the caption');
    expect(storedTaskId).toBe('pred_1');

    const pollsBefore = server.counts.polls;
    const answer = await waveSpeed(server.url, { deadlineMs: 1500 }).caption(
      captionRequest({}, { resumeTaskId: storedTaskId, onTaskId: () => expect.fail('a resumed task has its id already') }),
    );
    expect(answer.text).toBe('A red tram crosses a stone bridge at dusk.');
    expect(server.counts.uploads).toBe(1);
    expect(server.counts.submits).toBe(1);
    expect(server.counts.polls).toBeGreaterThan(pollsBefore);
  });

  it('reports a failed task as final, with WaveSpeed’s reason', async () => {
    const server = await serve({ processingPolls: 1, taskError: 'image could not be decoded' });
    const error = await captionFailure(waveSpeed(server.url), captionRequest());

    expect(error).toMatchObject({ kind: 'task-failed', retryable: false });
    expect(error.message).toBe('WaveSpeed could not caption this photo (image could not be decoded)');
  });

  it('names WaveSpeed when the key is rejected, and keeps the key out of the message', async () => {
    const server = await serve();
    const wrongKey = 'ws-wrong-0b1c2d3e4f';
    const error = await captionFailure(waveSpeed(server.url, { key: wrongKey }), captionRequest(), wrongKey);

    expect(error).toMatchObject({ kind: 'auth', retryable: false, status: 401 });
    expect(error.message).toContain('API key rejected by WaveSpeed');
    expect(error.detail).toBe('Invalid API key: Bearer [redacted]');
    expect(server.counts.submits).toBe(0);
  });

  it.each([
    ['HTTP 402', 'credits-exhausted'],
    ['an error code inside HTTP 200', 'credits-in-envelope'],
  ] as const)('says the credits are exhausted when the submit gets %s', async (_, fault) => {
    const server = await serve({ faults: { submit: fault } });
    const error = await captionFailure(waveSpeed(server.url), captionRequest());

    expect(error).toMatchObject({ kind: 'credits', retryable: false });
    expect(error.message).toMatch(/^WaveSpeed credits exhausted/);
  });

  it('retries a rate-limited submit after the Retry-After the server asked for', async () => {
    const server = await serve({ faults: { submit: 'rate-limited' }, retryAfterSeconds: 7 });
    const error = await captionFailure(waveSpeed(server.url), captionRequest());

    expect(error).toMatchObject({ kind: 'rate-limited', retryable: true, retryAfterMs: 7000, status: 429 });
  });

  it('treats a 5xx answer to the submit as a retryable server error: the server answered, so no task exists', async () => {
    const server = await serve({ faults: { submit: 'server-error' } });
    const error = await captionFailure(waveSpeed(server.url), captionRequest());

    expect(error).toMatchObject({ kind: 'server', retryable: true, status: 502 });
    expect(server.counts.submits).toBe(1);
  });

  it('retries a poll answered with something that is not JSON', async () => {
    const server = await serve({ faults: { result: 'malformed-json' } });
    const taskIds: string[] = [];
    const error = await captionFailure(waveSpeed(server.url), captionRequest({}, { onTaskId: (id) => taskIds.push(id) }));

    expect(error).toMatchObject({ kind: 'invalid-response', retryable: true });
    expect(taskIds).toEqual(['pred_1']);
  });

  it('times out a poll that answers too slowly, as a retryable failure', async () => {
    const server = await serve({ faults: { result: 'slow' }, slowMs: 1500 });
    const error = await captionFailure(waveSpeed(server.url, { timeoutMs: 200 }), captionRequest());

    expect(error).toMatchObject({ kind: 'timeout', retryable: true });
    expect(server.counts.submits).toBe(1);
  });

  it.each([
    ['drops the connection', 'drop-connection'],
    ['answers too slowly', 'slow'],
    ['answers 200 with something that is not JSON', 'malformed-json'],
  ] as const)('never resends a submit when the server %s after taking it', async (_, fault) => {
    const server = await serve({ faults: { submit: fault }, slowMs: 1500 });
    const error = await captionFailure(waveSpeed(server.url, { timeoutMs: 200 }), captionRequest());

    expect(error).toMatchObject({ kind: 'maybe-submitted', retryable: false });
    expect(error.message).toMatch(/^WaveSpeed (may have received|took) the photo/);
    expect(error.message).toContain('not resent automatically so it is not paid for twice');
    expect(server.counts.submits).toBe(1);
  });

  it('keeps a refused connection retryable: nothing reached the server', async () => {
    const error = await captionFailure(waveSpeed(await closedPortUrl()), captionRequest());

    expect(error).toMatchObject({ kind: 'network', retryable: true, mayHaveReachedServer: false });
    expect(error.message).toContain('Could not reach WaveSpeed');
  });
});
