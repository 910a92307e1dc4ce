import type { ServerResponse } from 'node:http';
import { jsonBody, loopbackServer, sendJson } from '../helpers/loopback';
import type { LoopbackServer, RecordedRequest } from '../helpers/loopback';
import { sendHostile } from './hostile';
import type { HostileAnswer, HostileTally } from './hostile';

export type AnthropicScenario =
  /** The JSON answer, following `output_config.format` when the request has one. */
  | 'success'
  /** A model or gateway that does not take `output_config`: 400 naming the field, plain JSON without it. */
  | 'rejects-output-config'
  | 'fenced-json'
  | 'plain-text'
  | 'refusal'
  | 'no-credits'
  | 'rate-limited'
  | 'server-error'
  | 'overloaded'
  | 'malformed-json'
  | 'slow';

export interface AnthropicServerOptions {
  apiKey: string;
  scenario?: AnthropicScenario;
  /** The caption fields the model answers with. */
  answer?: Record<string, unknown>;
  /** How long the 'slow' scenario waits before answering. */
  delayMs?: number;
  /** When the requests window resets, for the anthropic-ratelimit-* headers. */
  resetAt?: Date;
  /** Answers every well-formed request so instead, whatever the scenario. */
  hostile?: HostileAnswer;
  /** Counts what a hostile answer wrote. */
  tally?: HostileTally;
  /** The models of the account, as `GET /v1/models` lists them; a message naming another gets 404. Any model when unset. */
  models?: AnthropicModelInfo[];
}

/** A model as `GET /v1/models` describes it (ModelInfo in the SDK). */
export interface AnthropicModelInfo {
  id: string;
  display_name: string;
  /** Null for models the API says nothing about, as it may. */
  capabilities: { image_input: { supported: boolean } } | null;
}

export function anthropicModel(id: string, imageInput: boolean | null = true): AnthropicModelInfo {
  return {
    id,
    display_name: id.replace(/^claude-/, 'Claude ').replace(/-/g, ' '),
    capabilities: imageInput === null ? null : { image_input: { supported: imageInput } },
  };
}

export const defaultAnswer = {
  title: 'Blue square',
  caption: 'A flat field of steel blue.',
  altText: 'A steel-blue rectangle',
  longDescription: null,
  keywords: ['blue', 'abstract'],
};

export const servedModel = 'claude-haiku-5-5-20261007';

const failure = (type: string, message: string) => ({ type: 'error', error: { type, message } });

/**
 * Anthropic's Messages API on loopback: checks the key, the version header, the image block and
 * the output format as the real service does, then answers as the scenario says. It also lists
 * its models (`GET /v1/models`, paged by `limit` and `after_id`).
 */
export function startAnthropicServer(options: AnthropicServerOptions): Promise<LoopbackServer> {
  const { apiKey, scenario = 'success', answer = defaultAnswer, delayMs = 5_000 } = options;
  const resetAt = options.resetAt ?? new Date(Date.now() + 30_000);
  // Every window Anthropic reports, in odd casing; only the requests window is the one a scheduler wants.
  const rateLimitHeaders = {
    'Anthropic-RateLimit-Input-Tokens-Limit': '30000',
    'Anthropic-RateLimit-Input-Tokens-Remaining': '28000',
    'Anthropic-RateLimit-Input-Tokens-Reset': resetAt.toISOString(),
    'ANTHROPIC-RATELIMIT-REQUESTS-LIMIT': '50',
    'anthropic-ratelimit-requests-remaining': scenario === 'rate-limited' ? '0' : '49',
    'Anthropic-Ratelimit-Requests-Reset': resetAt.toISOString(),
    'Anthropic-RateLimit-Tokens-Limit': '38000',
    'Anthropic-RateLimit-Tokens-Remaining': '36000',
    'Anthropic-RateLimit-Tokens-Reset': resetAt.toISOString(),
  };
  const message = (text: string, stopReason = 'end_turn') => ({
    id: 'msg_01TestTestTestTestTestTest',
    type: 'message',
    role: 'assistant',
    model: servedModel,
    content: [{ type: 'text', text }],
    stop_reason: stopReason,
    stop_sequence: null,
    usage: { input_tokens: 1612, output_tokens: 87 },
  });

  return loopbackServer((request, response) => {
    const url = new URL(request.path, 'http://loopback');
    const listing = request.method === 'GET' && url.pathname === '/v1/models';
    if (!listing && (request.method !== 'POST' || url.pathname !== '/v1/messages')) {
      return sendJson(response, 404, failure('not_found_error', 'Not found'));
    }
    const sentKey = request.headers['x-api-key'];
    if (sentKey !== apiKey) {
      // Echoes the key it was given, as careless services do, so tests can check it never reaches a message.
      return sendJson(response, 401, failure('authentication_error', `invalid x-api-key ${String(sentKey)}`));
    }
    if (request.headers['anthropic-version'] !== '2023-06-01') {
      return sendJson(response, 400, failure('invalid_request_error', 'anthropic-version: header is required'));
    }
    if (listing) return listModels(url, options.models ?? [], response);
    const problem = problemWithBody(request);
    if (problem) return sendJson(response, 400, failure('invalid_request_error', problem));
    if (options.hostile) return sendHostile(response, options.hostile, options.tally);
    const body = jsonBody(request);
    if (options.models && !options.models.some((model) => model.id === body.model)) {
      return sendJson(response, 404, failure('not_found_error', `model: ${String(body.model)}`));
    }
    if (scenario === 'rejects-output-config' && body.output_config !== undefined) {
      return sendJson(response, 400, failure('invalid_request_error', 'output_config: Extra inputs are not permitted'));
    }

    switch (scenario) {
      case 'success':
      case 'rejects-output-config':
        return sendJson(response, 200, message(JSON.stringify(answer)), rateLimitHeaders);
      case 'fenced-json':
        return sendJson(response, 200, message(`Here is the caption:\n\`\`\`json\n${JSON.stringify(answer, null, 2)}\n\`\`\``));
      case 'plain-text':
        return sendJson(response, 200, message('A flat field of steel blue.'));
      case 'refusal':
        return sendJson(response, 200, message('I can’t help with this image.', 'refusal'));
      case 'no-credits':
        return sendJson(
          response,
          400,
          failure(
            'invalid_request_error',
            'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.',
          ),
        );
      case 'rate-limited':
        return sendJson(
          response,
          429,
          failure('rate_limit_error', 'Number of requests has exceeded your per-minute rate limit'),
          { ...rateLimitHeaders, 'Retry-After': '12' },
        );
      case 'server-error':
        return sendJson(response, 500, failure('api_error', 'Internal server error'));
      case 'overloaded':
        return sendJson(response, 529, failure('overloaded_error', 'Overloaded'));
      case 'malformed-json':
        response.writeHead(200, { 'content-type': 'application/json' });
        return void response.end('<html><body>Bad gateway</body></html>');
      case 'slow': {
        const timer = setTimeout(() => sendJson(response, 200, message(JSON.stringify(answer))), delayMs);
        response.on('close', () => clearTimeout(timer));
        return;
      }
    }
  });
}

/** What the real API would reject in a Messages request carrying one JPEG; null when it is well formed. */
function problemWithBody(request: RecordedRequest): string | null {
  if (!request.headers['content-type']?.startsWith('application/json')) return 'content-type must be application/json';
  let body: Record<string, unknown>;
  try {
    body = jsonBody(request);
  } catch {
    return 'There was an issue with the formatting of your JSON request';
  }
  if (typeof body.model !== 'string') return 'model: Field required';
  if (typeof body.max_tokens !== 'number') return 'max_tokens: Field required';
  const image = imageBlock(body);
  if (!image) return 'messages.0.content: an image block is required';
  const source = image.source as Record<string, unknown> | undefined;
  if (source?.type !== 'base64' || source.media_type !== 'image/jpeg' || typeof source.data !== 'string') {
    return 'messages.0.content.0.image.source: expected a base64 image/jpeg source';
  }
  const bytes = Buffer.from(source.data, 'base64');
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8 || bytes[2] !== 0xff) return 'Could not process image';
  if (body.output_config !== undefined) return problemWithOutputConfig(body.output_config);
  return null;
}

/** Structured outputs as documented: `output_config.format` is `{type: "json_schema", schema}`, every object closed. */
function problemWithOutputConfig(outputConfig: unknown): string | null {
  const format = (outputConfig as { format?: { type?: unknown; schema?: unknown } } | null)?.format;
  if (format?.type !== 'json_schema') return `output_config.format.type: Input should be 'json_schema'`;
  return openObjectIn(format.schema, 'output_config.format.schema');
}

function openObjectIn(schema: unknown, path: string): string | null {
  const node = schema as { type?: unknown; properties?: Record<string, unknown>; additionalProperties?: unknown; items?: unknown } | null;
  if (!node || typeof node !== 'object') return `${path}: a schema must be an object`;
  if (node.type === 'object') {
    if (node.additionalProperties !== false) return `${path}: For 'object' type, 'additionalProperties' must be explicitly set to false`;
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      const problem = openObjectIn(child, `${path}.properties.${key}`);
      if (problem) return problem;
    }
  }
  return node.type === 'array' && node.items !== undefined ? openObjectIn(node.items, `${path}.items`) : null;
}

/** `GET /v1/models`: newest first, `limit` 1 to 1000 (20 by default), the next page after `after_id`. */
function listModels(url: URL, models: AnthropicModelInfo[], response: ServerResponse): void {
  const limit = Number(url.searchParams.get('limit') ?? 20);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    return sendJson(response, 400, failure('invalid_request_error', 'limit: Input should be less than or equal to 1000'));
  }
  const afterId = url.searchParams.get('after_id');
  const start = afterId ? models.findIndex((model) => model.id === afterId) + 1 : 0;
  const page = models.slice(start, start + limit).map((model) => ({ type: 'model', created_at: '2026-10-07T00:00:00Z', ...model }));
  sendJson(response, 200, {
    data: page,
    has_more: start + limit < models.length,
    first_id: page[0]?.id ?? null,
    last_id: page.at(-1)?.id ?? null,
  });
}

/** The image block of the first user message, as sent. */
function imageBlock(body: Record<string, unknown>): Record<string, unknown> | undefined {
  const messages = body.messages as { role?: unknown; content?: unknown }[] | undefined;
  const first = messages?.[0];
  if (first?.role !== 'user' || !Array.isArray(first.content)) return undefined;
  return (first.content as Record<string, unknown>[]).find((block) => block.type === 'image');
}
