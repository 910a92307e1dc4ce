import type { ServerResponse } from 'node:http';
import { jsonBody, loopbackServer, sendJson } from '../helpers/loopback';
import type { LoopbackServer, RecordedRequest } from '../helpers/loopback';
import { sendHostile } from './hostile';
import type { HostileAnswer, HostileTally } from './hostile';

export type OpenAiScenario =
  /** Structured Outputs honoured: the JSON object alone; without response_format, JSON in a fence. */
  | 'structured'
  /** 400 whenever response_format is sent (older local servers, some proxies); plain text without it. */
  | 'rejects-response-format'
  /** OpenAI's own 400 for a model without Structured Outputs, in its words; plain text without response_format. */
  | 'rejects-json-schema'
  /** OpenAI's 400 for an image it cannot read, in its words, whatever else the request asks. */
  | 'unsupported-image'
  /** Ignores response_format and answers a sentence. */
  | 'prose'
  /** Ignores response_format and answers something that looks like JSON but is not. */
  | 'invalid-json'
  /** A completion whose content is empty. */
  | 'empty-content'
  /** OpenRouter: 402 when the account is out of credits. */
  | 'no-credits'
  /** OpenAI: 429 insufficient_quota, which no amount of waiting fixes. */
  | 'quota-exceeded'
  /** 429 with the `rateLimitHeaders` (retry-after-ms and retry-after by default). */
  | 'rate-limited'
  | 'server-error'
  /** 502 with the HTML page of a proxy in front of the server. */
  | 'bad-gateway'
  /** Ollama: 503 when its request queue (OLLAMA_MAX_QUEUE) is full. */
  | 'busy'
  /** HTTP 200, content-type application/json, and a body that is not JSON. */
  | 'malformed-json'
  /** HTTP 200 with valid JSON that is not a chat completion. */
  | 'not-a-completion'
  /** A chat completion without choices. */
  | 'no-choices'
  /** Structured Outputs' refusal: `message.refusal` set, no content. */
  | 'refusal'
  /** The provider's moderation stopped the answer: finish_reason content_filter. */
  | 'content-filter'
  /** Answers after `delayMs`. */
  | 'slow'
  /** A local server loading the model: the first completion takes `loadingMs`, the rest answer at once. */
  | 'model-loading';

export interface OpenAiServerOptions {
  /** The key the server accepts; null accepts any non-empty key, as Ollama and other local servers do. */
  apiKey: string | null;
  scenario?: OpenAiScenario;
  /** The caption fields the model answers with. */
  answer?: Record<string, unknown>;
  /** The models the server knows and lists at `GET /v1/models`; others get 404 model_not_found. Any model when unset. */
  models?: string[];
  /** OpenRouter: each listed model's `architecture.input_modalities`. */
  inputModalities?: Record<string, string[]>;
  /** Ollama: its native API too, reporting these capabilities of each model. */
  ollama?: OllamaOptions;
  /** The model the completion says answered; the requested one when unset. */
  servedModel?: string;
  /** How long 'slow' waits before answering. */
  delayMs?: number;
  /** How long 'model-loading' takes over its first completion. */
  loadingMs?: number;
  /** Headers of the 'rate-limited' 429. */
  rateLimitHeaders?: Record<string, string>;
  /** Answers every well-formed request so instead, whatever the scenario. */
  hostile?: HostileAnswer;
  /** Counts what a hostile answer wrote. */
  tally?: HostileTally;
}

export interface OllamaOptions {
  /** What `/api/show` reports of each model ("completion", "vision", "tools" ...). */
  capabilities: Record<string, string[]>;
  /** Newer Ollama versions report them in `/api/tags` too; older ones only in `/api/show`. */
  inTags: boolean;
}

export interface OpenAiServer extends LoopbackServer {
  /** What the server does from the next request on; tests change it between calls. */
  scenario: OpenAiScenario;
  /** How long 'slow' waits from the next request on. */
  delayMs: number;
  /** Requests that reached the scenario: well-formed chat completions with an accepted key. */
  completions: RecordedRequest[];
}

export const defaultAnswer = {
  title: 'Blue square',
  caption: 'A flat field of steel blue.',
  altText: 'A steel-blue rectangle',
  longDescription: '',
  keywords: ['blue', 'abstract', 'minimal', 'colour field', 'square'],
};

export const usage = { prompt_tokens: 1645, completion_tokens: 92, total_tokens: 1737 };

export const proseAnswer = 'A flat field of steel blue fills the frame, with no visible subject.';

const completionsPath = '/v1/chat/completions';
const modelsPath = '/v1/models';

/** OpenAI's error shape, which OpenRouter, Inference.net, Gemini and Ollama's /v1 share. */
export const failure = (message: string, type: string, code: string | number | null = null, param: string | null = null) => ({
  error: { message, type, param, code },
});

/**
 * An OpenAI-compatible chat/completions server on loopback: checks the bearer key and the request
 * as OpenAI and the local servers do (system prompt, one text part, a JPEG data URL, a strict JSON
 * schema), then answers as its scenario says.
 */
export async function startOpenAiServer(options: OpenAiServerOptions): Promise<OpenAiServer> {
  const { apiKey, answer = defaultAnswer } = options;
  let loaded = false;

  const completion = (model: string, message: Record<string, unknown>, finishReason = 'stop') => ({
    id: `chatcmpl-${state.completions.length}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: options.servedModel ?? model,
    choices: [{ index: 0, message: { role: 'assistant', refusal: null, ...message }, logprobs: null, finish_reason: finishReason }],
    usage,
    system_fingerprint: 'fp_loopback',
  });
  const answerLater = (response: ServerResponse, ms: number, body: unknown) => {
    const timer = setTimeout(() => sendJson(response, 200, body), ms);
    response.on('close', () => clearTimeout(timer));
  };

  const server = await loopbackServer((request, response) => {
    if (options.ollama && request.path.startsWith('/api/')) return ollamaApi(request, response, options.models ?? [], options.ollama);
    if (request.method === 'GET' && request.path === modelsPath) {
      if (!keyAccepted(request)) return sendJson(response, 401, failure('Incorrect API key provided', 'invalid_request_error', 'invalid_api_key'));
      return sendJson(response, 200, modelList(options.models ?? [], options.inputModalities, Boolean(options.ollama)));
    }
    if (request.method !== 'POST' || request.path !== completionsPath) {
      return sendJson(response, 404, failure(`Unknown request URL: ${request.method} ${request.path}`, 'invalid_request_error', 'unknown_url'));
    }
    const sentKey = bearerKey(request);
    if (!keyAccepted(request)) {
      // Echoes the key it was given, as careless services do, so tests can check it never reaches a message.
      return sendJson(response, 401, failure(`Incorrect API key provided: ${sentKey}`, 'invalid_request_error', 'invalid_api_key'));
    }
    let body: Record<string, unknown>;
    try {
      body = jsonBody(request);
    } catch {
      return sendJson(response, 400, failure('We could not parse the JSON body of your request.', 'invalid_request_error'));
    }
    const problem = problemWithBody(request, body);
    if (problem) return sendJson(response, 400, failure(problem.message, 'invalid_request_error', null, problem.param));
    const model = body.model as string;
    if (options.models && !options.models.includes(model)) {
      return sendJson(
        response,
        404,
        options.ollama
          ? failure(`model "${model}" not found, try pulling it first`, 'not_found_error')
          : failure(`The model \`${model}\` does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found'),
      );
    }
    const structured = (body.response_format as { type?: unknown } | undefined)?.type === 'json_schema';
    if (state.scenario === 'rejects-response-format' && body.response_format !== undefined) {
      return sendJson(
        response,
        400,
        failure('Unrecognized request argument supplied: response_format', 'invalid_request_error', null, 'response_format'),
      );
    }
    if (state.scenario === 'rejects-json-schema' && structured) {
      return sendJson(
        response,
        400,
        failure(
          "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model. Learn more about supported models at the Structured Outputs guide: https://platform.openai.com/docs/guides/structured-outputs",
          'invalid_request_error',
        ),
      );
    }
    if (state.scenario === 'unsupported-image') {
      return sendJson(
        response,
        400,
        failure(
          "You uploaded an unsupported image. Please make sure your image has of one the following formats: ['png', 'jpeg', 'gif', 'webp'].",
          'invalid_request_error',
          'invalid_image_format',
        ),
      );
    }
    state.completions.push(request);
    if (options.hostile) return sendHostile(response, options.hostile, options.tally);

    const json = JSON.stringify(answer);
    const fenced = `Here is the metadata:\n\`\`\`json\n${JSON.stringify(answer, null, 2)}\n\`\`\``;
    switch (state.scenario) {
      case 'structured':
        return sendJson(response, 200, completion(model, { content: structured ? json : fenced }));
      case 'rejects-response-format':
      case 'rejects-json-schema':
        return sendJson(response, 200, completion(model, { content: fenced }));
      case 'prose':
        return sendJson(response, 200, completion(model, { content: proseAnswer }));
      case 'invalid-json':
        return sendJson(response, 200, completion(model, { content: "{title: 'Blue square', caption: 'A flat field of steel blue.'}" }));
      case 'empty-content':
        return sendJson(response, 200, completion(model, { content: '  \n' }));
      case 'no-credits':
        return sendJson(response, 402, { error: { code: 402, message: 'Insufficient credits', metadata: {} } });
      case 'quota-exceeded':
        return sendJson(
          response,
          429,
          failure(
            'You exceeded your current quota, please check your plan and billing details.',
            'insufficient_quota',
            'insufficient_quota',
          ),
        );
      case 'rate-limited':
        return sendJson(
          response,
          429,
          failure('Rate limit reached for requests per min (RPM): Limit 3, Used 3, Requested 1.', 'requests', 'rate_limit_exceeded'),
          options.rateLimitHeaders ?? { 'retry-after-ms': '1500', 'retry-after': '2' },
        );
      case 'server-error':
        return sendJson(response, 500, failure('The server had an error while processing your request.', 'server_error'));
      case 'bad-gateway':
        response.writeHead(502, { 'content-type': 'text/html' });
        return void response.end('<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>');
      case 'busy':
        return sendJson(response, 503, failure('server busy, please try again.  maximum pending requests exceeded', 'api_error'));
      case 'malformed-json':
        response.writeHead(200, { 'content-type': 'application/json' });
        return void response.end('{"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,');
      case 'not-a-completion':
        return sendJson(response, 200, { status: 'ok', message: 'Service is running' });
      case 'no-choices':
        return sendJson(response, 200, { ...completion(model, {}), choices: [] });
      case 'refusal':
        return sendJson(response, 200, completion(model, { content: null, refusal: "I'm sorry, I can't help with that image." }));
      case 'content-filter':
        return sendJson(response, 200, completion(model, { content: null }, 'content_filter'));
      case 'slow':
        return answerLater(response, state.delayMs, completion(model, { content: json }));
      case 'model-loading': {
        const wait = loaded ? 0 : (options.loadingMs ?? 5_000);
        loaded = true;
        return answerLater(response, wait, completion(model, { content: json }));
      }
    }
  });

  function bearerKey(request: RecordedRequest): string {
    const authorization = request.headers.authorization ?? '';
    return authorization.startsWith('Bearer ') ? authorization.slice('Bearer '.length) : '';
  }
  function keyAccepted(request: RecordedRequest): boolean {
    const sentKey = bearerKey(request);
    return apiKey === null ? Boolean(sentKey.trim()) : sentKey === apiKey;
  }

  const state: OpenAiServer = Object.assign(server, {
    scenario: options.scenario ?? 'structured',
    delayMs: options.delayMs ?? 5_000,
    completions: [] as RecordedRequest[],
  });
  return state;
}

/** OpenAI's list shape, as every OpenAI-compatible server answers `GET /v1/models`; Ollama's names itself the owner "library". */
function modelList(models: string[], inputModalities: Record<string, string[]> | undefined, ollama: boolean) {
  return {
    object: 'list',
    data: models.map((id) => ({
      id,
      object: 'model',
      created: 1_790_000_000,
      owned_by: ollama ? 'library' : 'system',
      ...(inputModalities?.[id] && { name: `Model ${id}`, architecture: { input_modalities: inputModalities[id], output_modalities: ['text'] } }),
    })),
  };
}

/**
 * Ollama's native API as documented in its docs/api.md: `GET /api/tags` lists the local models
 * (with their capabilities in newer versions), `POST /api/show {model}` describes one.
 */
function ollamaApi(request: RecordedRequest, response: ServerResponse, models: string[], ollama: OllamaOptions): void {
  const details = { parent_model: '', format: 'gguf', family: 'gemma3', families: ['gemma3'], parameter_size: '4.3B', quantization_level: 'Q4_K_M' };
  if (request.method === 'GET' && request.path === '/api/tags') {
    return sendJson(response, 200, {
      models: models.map((name) => ({
        name,
        model: name,
        modified_at: '2026-11-30T09:12:44.1+01:00',
        size: 3_338_801_804,
        digest: 'a2af6cc3eb7fa8be8504abaf9b04e88f17a119ec3f04a3addf55f92841195f5a',
        details,
        ...(ollama.inTags && ollama.capabilities[name] && { capabilities: ollama.capabilities[name] }),
      })),
    });
  }
  if (request.method === 'POST' && request.path === '/api/show') {
    const name = String(jsonBody(request).model);
    if (!models.includes(name)) return sendJson(response, 404, { error: `model '${name}' not found` });
    return sendJson(response, 200, { details, model_info: { 'general.architecture': 'gemma3' }, capabilities: ollama.capabilities[name] ?? ['completion'] });
  }
  sendJson(response, 404, { error: '404 page not found' });
}

/** The message parts of the user message, as sent. */
function userParts(body: Record<string, unknown>): Record<string, unknown>[] | undefined {
  const messages = body.messages as { role?: unknown; content?: unknown }[];
  const user = messages.find((message) => message.role === 'user');
  return Array.isArray(user?.content) ? (user.content as Record<string, unknown>[]) : undefined;
}

/** What OpenAI (or Inference.net's limits) would reject in a request carrying one JPEG; null when well formed. */
function problemWithBody(request: RecordedRequest, body: Record<string, unknown>): { message: string; param: string | null } | null {
  if (!request.headers['content-type']?.startsWith('application/json')) return { message: 'Content-Type must be application/json', param: null };
  return problemWithCompletionBody(body);
}

/** The same checks for a chat/completions body wherever it comes from (a request, a Batch API line). */
export function problemWithCompletionBody(body: Record<string, unknown>): { message: string; param: string | null } | null {
  const problem = (message: string, param: string | null = null) => ({ message, param });
  if (typeof body.model !== 'string' || !body.model) return problem('you must provide a model parameter', 'model');
  if (!Array.isArray(body.messages) || body.messages.length === 0) return problem("Missing required parameter: 'messages'.", 'messages');
  const system = (body.messages as { role?: unknown; content?: unknown }[])[0]!;
  if (system.role !== 'system' || typeof system.content !== 'string' || !system.content) {
    return problem('The first message must be a system message with the instructions.', 'messages[0]');
  }
  const parts = userParts(body);
  if (!parts) return problem('A user message with content parts is required.', 'messages');
  if (!parts.some((part) => part.type === 'text' && typeof part.text === 'string' && part.text.trim())) {
    return problem('The user message has no text part.', 'messages');
  }
  const images = parts.filter((part) => part.type === 'image_url');
  if (images.length === 0) return problem('The user message has no image_url part.', 'messages');
  // Inference.net takes at most two images a request.
  if (images.length > 2) return problem('At most 2 images are allowed per request.', 'messages');
  for (const image of images) {
    const url = (image.image_url as { url?: unknown } | undefined)?.url;
    // Inference.net accepts only data URLs, no remote links.
    const match = typeof url === 'string' ? /^data:image\/jpeg;base64,([A-Za-z0-9+/]+=*)$/.exec(url) : null;
    if (!match) return problem('Invalid image_url: expected a data:image/jpeg;base64 URL.', 'messages');
    const bytes = Buffer.from(match[1]!, 'base64');
    if (bytes[0] !== 0xff || bytes[1] !== 0xd8 || bytes[2] !== 0xff) {
      return problem('You uploaded an unsupported image. Please make sure your image is valid.', 'messages');
    }
  }
  if (body.response_format !== undefined) return problemWithResponseFormat(body.response_format);
  return null;
}

function problemWithResponseFormat(format: unknown): { message: string; param: string } | null {
  const problem = (message: string) => ({ message, param: 'response_format' });
  const { type, json_schema: jsonSchema } = (format ?? {}) as { type?: unknown; json_schema?: Record<string, unknown> };
  if (type === 'text' || type === 'json_object') return null;
  if (type !== 'json_schema') return problem(`Invalid value for 'response_format.type': ${String(type)}`);
  if (typeof jsonSchema?.name !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(jsonSchema.name)) {
    return problem("Invalid 'response_format.json_schema.name': letters, digits, underscores and dashes, at most 64.");
  }
  if (jsonSchema.strict === true) {
    const mistake = strictSchemaMistake(jsonSchema.schema, '');
    if (mistake) return problem(`Invalid schema for response_format '${jsonSchema.name}': ${mistake}`);
  }
  return null;
}

/** Structured Outputs' strict mode: every object closed, every property required. */
function strictSchemaMistake(schema: unknown, context: string): string | null {
  if (!schema || typeof schema !== 'object') return `In context=(${context}), a schema must be an object.`;
  const node = schema as { type?: unknown; properties?: Record<string, unknown>; required?: unknown; additionalProperties?: unknown; items?: unknown };
  if (node.type === 'object') {
    if (node.additionalProperties !== false) {
      return `In context=(${context}), 'additionalProperties' is required to be supplied and to be false.`;
    }
    const properties = node.properties ?? {};
    const required = Array.isArray(node.required) ? node.required : [];
    const missing = Object.keys(properties).find((key) => !required.includes(key));
    if (missing) return `In context=(${context}), 'required' is required to include every key in properties. Missing '${missing}'.`;
    for (const [key, child] of Object.entries(properties)) {
      const mistake = strictSchemaMistake(child, `${context}'properties', '${key}'`);
      if (mistake) return mistake;
    }
  }
  if (node.type === 'array' && node.items !== undefined) return strictSchemaMistake(node.items, `${context}'items'`);
  return null;
}
