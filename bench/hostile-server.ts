import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An OpenAI-compatible chat/completions server for the hostile-answer benchmark, in its own
 * process so its memory does not count: it answers the first photo it sees (and that photo
 * again, should it come back) with a well-formed completion of BODY_MB megabytes, written as fast
 * as the client reads, and every other photo with a normal caption after LATENCY_MS. With
 * HOSTILE=none it answers every photo normally. GET /big sends the same huge completion, for the
 * bare client. Prints its port.
 */
const [bodyMb = '200', latencyMs = '100', hostile = 'first'] = process.argv.slice(2);
const bodyBytes = Number(bodyMb) * 1024 * 1024;
const words = Buffer.from('word '.repeat(13_108)); // 64 KB of a caption no one wants
let hostilePhoto: string | null = null;
let served = 0;

function sendHuge(response: ServerResponse): void {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.write('{"id":"chatcmpl-huge","object":"chat.completion","created":1,"model":"bench-vision","choices":[{"index":0,"message":{"role":"assistant","content":"');
  let sent = 0;
  let closed = false;
  response.on('close', () => (closed = true));
  const more = () => {
    while (!closed && sent < bodyBytes) {
      sent += words.length;
      if (!response.write(words)) return void response.once('drain', more);
    }
    if (!closed) response.end('"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1601,"completion_tokens":70}}');
  };
  more();
}

function sendCaption(response: ServerResponse, model: string): void {
  served++;
  const answer = {
    title: 'Harbour at dusk',
    caption: `Fishing boats rest in a small harbour as the light fades, photo ${served}.`,
    altText: 'Fishing boats in a small harbour at dusk.',
    longDescription: '',
    keywords: ['harbour', 'boats', 'dusk'],
  };
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(
    JSON.stringify({
      id: `chatcmpl-${served}`,
      object: 'chat.completion',
      created: 1,
      model,
      choices: [{ index: 0, message: { role: 'assistant', content: JSON.stringify(answer) }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 1601, completion_tokens: 70, total_tokens: 1671 },
    }),
  );
}

const server = createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/big') return sendHuge(response);
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    if (request.method !== 'POST' || !request.url?.endsWith('/chat/completions')) {
      response.writeHead(404, { 'content-type': 'application/json' });
      return response.end(JSON.stringify({ error: { message: 'Unknown request URL' } }));
    }
    const body = Buffer.concat(chunks);
    const photo = createHash('sha1').update(body.subarray(body.indexOf('base64,'))).digest('hex');
    if (hostile === 'first') hostilePhoto ??= photo;
    if (photo === hostilePhoto) return sendHuge(response);
    const { model } = JSON.parse(body.toString('utf8')) as { model: string };
    setTimeout(() => sendCaption(response, model), Number(latencyMs));
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
