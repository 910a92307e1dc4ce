import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { OpenAiBatchApi } from '../../../src/main/providers/openai-batch';
import { loopbackServer } from '../../helpers/loopback';
import { providerFailure, testProviderDeps } from '../../helpers/providers';
import { newTally, sendHostile } from '../../provider-servers/hostile';
import type { HostileAnswer } from '../../provider-servers/hostile';

const apiKey = 'sk-batch-files-2f7e4c';

/** OpenAI's output line for one request, answered with `content`. */
const outputLine = (customId: string, content: string) =>
  JSON.stringify({
    id: `batch_req_${customId}`,
    custom_id: customId,
    response: { status_code: 200, request_id: `req_${customId}`, body: { choices: [{ index: 0, message: { role: 'assistant', content } }] } },
    error: null,
  });

/** A Batch API that serves one result file, `file-1`, written by `write`. */
async function batchApi(write: (response: ServerResponse) => void) {
  const server = await loopbackServer((request, response) => {
    if (request.path !== '/v1/files/file-1/content' || request.headers.authorization !== `Bearer ${apiKey}`) {
      response.writeHead(404);
      return void response.end();
    }
    write(response);
  });
  return { server, api: new OpenAiBatchApi('Inference.net', `${server.url}/v1`, apiKey, testProviderDeps().http, 5_000) };
}

/** Writes `text` a few bytes at a time, so lines and characters are split between chunks. */
function inSmallChunks(text: string) {
  return (response: ServerResponse) => {
    response.writeHead(200, { 'content-type': 'application/octet-stream' });
    const bytes = Buffer.from(text);
    let offset = 0;
    const next = () => {
      if (offset >= bytes.length) return void response.end();
      response.write(bytes.subarray(offset, (offset += 7)), () => setImmediate(next));
    };
    next();
  };
}

describe('Batch API result files', () => {
  it('reads lines as they arrive, whole characters included, skipping blank and foreign lines', async () => {
    const file = [outputLine('photo-1', 'Café au lait, crème brûlée 😀'), '', '{"not":"ours"}', outputLine('photo-2', 'Ωmega'), ''].join('\n');
    const { api } = await batchApi(inSmallChunks(file));

    const lines = await api.resultLines('file-1');

    expect(lines.map((line) => line.customId)).toEqual(['photo-1', 'photo-2']);
    expect(JSON.stringify(lines[0]!.body)).toContain('Café au lait, crème brûlée 😀');
    expect(lines[1]).toMatchObject({ statusCode: 200, error: null });
  });

  it('turns a line too long to read into an "answer too large" failure of the photo its start names', async () => {
    const huge = outputLine('photo-2', 'word '.repeat(600_000));
    const nameless = `{"response":{"body":"${'x'.repeat(3_000_000)}"},"custom_id":"photo-3"}`;
    const file = [outputLine('photo-1', 'A red tram.'), huge, nameless, outputLine('photo-4', 'A blue door.')].join('\n');
    const { api } = await batchApi((response) => response.end(file));

    const lines = await api.resultLines('file-1');

    expect(lines.map((line) => line.customId)).toEqual(['photo-1', 'photo-2', 'photo-4']);
    expect(lines[1]).toMatchObject({ statusCode: null, body: null });
    const error = api.lineError(lines[1]!);
    expect(error).toMatchObject({ kind: 'invalid-response', retryable: false });
    expect(error.message).toBe('Inference.net sent an answer too large to read (over 2 MB); Captionist stopped reading it');
  });

  it('stops reading an endless result file at 128 MB', async () => {
    const tally = newTally();
    const { api } = await batchApi((response) => sendHostile(response, 'endless', tally));
    const error = await providerFailure(api.resultLines('file-1'), apiKey);
    expect(error).toMatchObject({ kind: 'invalid-response', retryable: false, status: 200 });
    expect(error.message).toBe('Inference.net sent an answer too large to read (over 128 MB); Captionist stopped reading it');
    expect(tally.bytesSent).toBeLessThan(160 * 1024 * 1024);
  });

  it.each<[HostileAnswer, object]>([
    ['endless-error', { kind: 'server', status: 500 }],
    ['broken-off', { kind: 'server', status: 200, message: 'Inference.net closed the connection before its answer was complete' }],
    [{ redirectTo: 'http://127.0.0.1:9/elsewhere' }, { kind: 'not-found', status: 307 }],
  ])('fails a download answered with %j like any other call', async (hostile, expected) => {
    const { api } = await batchApi((response) => sendHostile(response, hostile));
    expect(await providerFailure(api.resultLines('file-1'), apiKey)).toMatchObject(expected);
  });
});
