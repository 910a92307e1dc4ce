import { createHash } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { jsonBody, loopbackServer, sendJson } from './loopback';
import type { LoopbackServer } from './loopback';

export interface VisionServerOptions {
  apiKey: string;
  /** How long each caption takes. */
  latencyMs?: number;
  /** Listen here (to bring a server up where one was down). */
  port?: number;
  /** May answer a completion request first, by its index among them: an error, say. */
  before?: (index: number) => { status: number; body: unknown; headers?: Record<string, string> } | null;
  /** Requests it takes and never answers (a photo that hangs the caller), by image and model. */
  holdForever?: (imageHash: string, model: string) => boolean;
}

export interface VisionServer extends LoopbackServer {
  /** A hash of the image of each completion request that got a caption, in order. */
  captioned: string[];
  /** Completion requests that arrived, answered or not. */
  received: number;
  /** The image hash of every completion request that arrived, in order. */
  requested: string[];
  inFlight: number;
  maxInFlight: number;
}

/** Identifies the photo in a chat/completions request by its image. */
export function imageHash(body: Record<string, unknown>): string {
  const messages = body.messages as { content: unknown }[];
  const parts = messages[1]!.content as { type: string; image_url?: { url: string } }[];
  const url = parts.find((part) => part.type === 'image_url')!.image_url!.url;
  return createHash('sha1').update(url).digest('hex');
}

/**
 * An OpenAI-compatible vision server on loopback: checks the bearer key, takes `latencyMs` per
 * caption, and captions each photo with words derived from its image, counting what it did.
 */
export async function visionServer(options: VisionServerOptions): Promise<VisionServer> {
  let index = 0;
  const counts = { captioned: [] as string[], requested: [] as string[], received: 0, inFlight: 0, maxInFlight: 0 };
  const server = await loopbackServer(async (request, response) => {
    if (request.method !== 'POST' || !request.path.endsWith('/chat/completions')) {
      return sendJson(response, 404, { error: { message: `Unknown request URL: ${request.method} ${request.path}`, code: 'unknown_url' } });
    }
    if (request.headers.authorization !== `Bearer ${options.apiKey}`) {
      return sendJson(response, 401, { error: { message: 'Incorrect API key provided', code: 'invalid_api_key' } });
    }
    counts.received++;
    const body = jsonBody(request);
    const hash = imageHash(body);
    counts.requested.push(hash);
    if (options.holdForever?.(hash, String(body.model))) return;
    const early = options.before?.(index++);
    if (early) return sendJson(response, early.status, early.body, early.headers);
    counts.inFlight++;
    counts.maxInFlight = Math.max(counts.maxInFlight, counts.inFlight);
    try {
      if (options.latencyMs) await delay(options.latencyMs);
    } finally {
      counts.inFlight--;
    }
    if (response.destroyed) return;
    const answer = {
      title: `Study ${hash.slice(0, 6)}`,
      caption: `A quiet study in colour, number ${hash.slice(0, 6)}.`,
      altText: `A colour study numbered ${hash.slice(0, 6)}.`,
      longDescription: '',
      keywords: ['study', 'colour', hash.slice(0, 6)],
    };
    counts.captioned.push(hash);
    sendJson(response, 200, {
      id: `chatcmpl-${index}`,
      object: 'chat.completion',
      created: 1,
      model: String(body.model),
      choices: [{ index: 0, message: { role: 'assistant', content: JSON.stringify(answer) }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 1000, completion_tokens: 50, total_tokens: 1050 },
    });
  }, options.port);
  return {
    url: server.url,
    requests: server.requests,
    close: server.close,
    captioned: counts.captioned,
    requested: counts.requested,
    get received() {
      return counts.received;
    },
    get inFlight() {
      return counts.inFlight;
    },
    get maxInFlight() {
      return counts.maxInFlight;
    },
  };
}
