import { loopbackServer, sendJson } from '../helpers/loopback';
import type { LoopbackServer, RecordedRequest } from '../helpers/loopback';
import { sendHostile } from './hostile';
import type { HostileAnswer, HostileTally } from './hostile';

export type ApiVerveScenario =
  | 'success'
  | 'no-credits'
  | 'tokens-depleted'
  | 'credits-depleted-in-200'
  | 'rate-limited'
  | 'server-error'
  | 'unavailable'
  | 'malformed-json'
  | 'slow'
  | 'error-in-200';

export interface ApiVerveServerOptions {
  apiKey: string;
  scenario?: ApiVerveScenario;
  caption?: string;
  /** How long the 'slow' scenario waits before answering. */
  delayMs?: number;
  /** The 429's Retry-After in seconds; null sends none, leaving only the rate-limit reset header. */
  retryAfterSeconds?: number | null;
  /** Answers every well-formed request so instead, whatever the scenario. */
  hostile?: HostileAnswer;
  /** Counts what a hostile answer wrote. */
  tally?: HostileTally;
}

/** Spelled as loosely as real gateways do, so the client has to match names case-insensitively. */
const rateLimitHeaders = { 'X-Rate-Limit-Limit': '60', 'X-RATE-LIMIT-Remaining': '0', 'x-Rate-Limit-Reset': '42' };

const failure = (error: string) => ({ status: 'error', error, data: null });

/**
 * APIVerve's Image Caption endpoint on loopback: checks the key and the multipart `image` field
 * as the real service does, then answers as the scenario says.
 */
export function startApiVerveServer(options: ApiVerveServerOptions): Promise<LoopbackServer> {
  const {
    apiKey,
    scenario = 'success',
    caption = 'A blue square on a plain background',
    delayMs = 5_000,
    retryAfterSeconds = 7,
  } = options;
  return loopbackServer(async (request, response) => {
    if (request.method !== 'POST' || request.path !== '/v1/imagecaption') {
      return sendJson(response, 404, failure('Not found'));
    }
    const sentKey = request.headers['x-api-key'];
    if (sentKey !== apiKey) {
      // Echoes the key it was given, as careless services do, so tests can check it never reaches a message.
      return sendJson(response, 401, failure(`Invalid API key: ${String(sentKey)}`));
    }
    const image = await multipartImage(request);
    if (!image || image.type !== 'image/jpeg' || !isJpeg(Buffer.from(await image.arrayBuffer()))) {
      return sendJson(response, 400, failure('Field image must be a jpg, jpeg, png or gif file'));
    }
    if (options.hostile) return sendHostile(response, options.hostile, options.tally);
    switch (scenario) {
      case 'success':
        return sendJson(response, 200, { status: 'ok', error: null, data: { caption } }, rateLimitHeaders);
      case 'no-credits':
        return sendJson(response, 403, failure('Your subscription does not allow this request'));
      case 'tokens-depleted':
        return sendJson(response, 429, failure('tokens have been depleted'), rateLimitHeaders);
      case 'credits-depleted-in-200':
        // The current docs say "credits" where older ones said "tokens".
        return sendJson(response, 200, failure('credits have been depleted'));
      case 'rate-limited':
        return sendJson(response, 429, failure('Rate limit exceeded. Max 60 requests per minute.'), {
          ...rateLimitHeaders,
          ...(retryAfterSeconds === null ? {} : { 'Retry-After': String(retryAfterSeconds) }),
        });
      case 'server-error':
        return sendJson(response, 500, failure('Internal server error'));
      case 'unavailable':
        response.writeHead(503, { 'content-type': 'text/html' });
        return void response.end('<html><body>503 Service Temporarily Unavailable</body></html>');
      case 'malformed-json':
        response.writeHead(200, { 'content-type': 'application/json' });
        return void response.end('{"status":"ok","data":{"caption":"A blue');
      case 'slow': {
        const timer = setTimeout(() => sendJson(response, 200, { status: 'ok', error: null, data: { caption } }), delayMs);
        response.on('close', () => clearTimeout(timer));
        return;
      }
      case 'error-in-200':
        return sendJson(response, 200, failure('Unable to generate a caption for this image'));
    }
  });
}

/** The `image` field of a multipart request, as the server received it; null when there is none. */
export async function multipartImage(request: RecordedRequest): Promise<File | null> {
  const contentType = request.headers['content-type'];
  if (!contentType?.startsWith('multipart/form-data')) return null;
  const form = await new Response(request.body, { headers: { 'content-type': contentType } }).formData();
  const image = form.get('image');
  return image instanceof File ? image : null;
}

function isJpeg(bytes: Buffer): boolean {
  return bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

