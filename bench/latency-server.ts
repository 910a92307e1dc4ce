import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An OpenAI-compatible chat/completions server that answers every caption request after exactly
 * LATENCY_MS, however many arrive at once: the fixed-latency provider of the queue benchmark. It
 * runs in its own process so its work does not count as the pipeline's CPU. Prints its port.
 */
const latencyMs = Number(process.argv[2] ?? 250);
let served = 0;

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    if (request.method !== 'POST' || !request.url?.endsWith('/chat/completions')) {
      response.writeHead(404, { 'content-type': 'application/json' });
      return response.end(JSON.stringify({ error: { message: 'Unknown request URL' } }));
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { model: string };
    setTimeout(() => {
      served++;
      const answer = {
        title: 'Harbour at dusk',
        caption: `Fishing boats rest in a small harbour as the light fades, photo ${served}.`,
        altText: 'Fishing boats in a small harbour at dusk.',
        longDescription: '',
        keywords: ['harbour', 'boats', 'dusk', 'coast'],
      };
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          id: `chatcmpl-${served}`,
          object: 'chat.completion',
          created: 1,
          model: body.model,
          choices: [{ index: 0, message: { role: 'assistant', content: JSON.stringify(answer) }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 1601, completion_tokens: 70, total_tokens: 1671 },
        }),
      );
    }, latencyMs);
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
