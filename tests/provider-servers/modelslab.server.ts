import type { ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { jsonBody, loopbackServer, sendJson } from '../helpers/loopback';
import type { LoopbackServer, RecordedRequest } from '../helpers/loopback';
import { sendHostile } from './hostile';
import type { HostileAnswer, HostileTally } from './hostile';

/** How one endpoint misbehaves, the way the real service (or a proxy in front of it) would show it. */
export type ModelsLabFault =
  /** HTTP 402, "insufficient credits in your wallet". */
  | 'credits-exhausted'
  /** HTTP 429, "queue is full", with `retry_after` seconds in the body. */
  | 'rate-limited'
  | 'server-error'
  /** HTTP 200 with an HTML page. */
  | 'malformed-json'
  /** Answers after `slowMs`, longer than the client waits. */
  | 'slow'
  /** Reads the whole request (a caption request is then paid for), then drops the connection unanswered. */
  | 'drop-connection';

export type ModelsLabEndpoint = 'upload' | 'caption' | 'fetch';

export interface ModelsLabServerOptions {
  apiKey: string;
  caption?: string;
  /** When set, the caption request answers "processing" and this many fetches do too; unset, it answers with the caption. */
  processingPolls?: number;
  etaSeconds?: number;
  /** The request ends in an error with this message. */
  taskError?: string;
  /** Where base64_to_url puts the link: its documented shape is unconfirmed. */
  uploadAnswer?: 'output' | 'link' | 'data.url';
  /** Errors come as HTTP 200 with status "error", as ModelsLab often sends them. */
  errorsInBody?: boolean;
  /** Spell the error field "messege", as older endpoints do. */
  misspelt?: boolean;
  faults?: Partial<Record<ModelsLabEndpoint, ModelsLabFault | HostileAnswer>>;
  /** The id a processing answer names, instead of the task's own: what a hostile service might send. */
  taskId?: string;
  /** Counts what a hostile answer wrote. */
  tally?: HostileTally;
  slowMs?: number;
  retryAfterSeconds?: number;
}

export interface ModelsLabServer extends LoopbackServer {
  /** Live counts of calls that reached each endpoint, faults included. */
  counts: { uploads: number; submits: number; polls: number };
}

interface CaptionTask {
  id: number;
  /** Fetches still to answer "processing"; null when the caption request answers at once. */
  pollsLeft: number | null;
}

const fetchPath = /^\/api\/v6\/image_editing\/fetch\/([^/]+)$/;

/** A loopback ModelsLab: base64_to_url, image_editing/caption and its fetch, key in every JSON body. */
export async function startModelsLabServer(options: ModelsLabServerOptions): Promise<ModelsLabServer> {
  const caption = options.caption ?? 'A golden retriever leaps for a frisbee on a beach.';
  const counts = { uploads: 0, submits: 0, polls: 0 };
  const uploadedLinks = new Set<string>();
  const tasks = new Map<number, CaptionTask>();
  let baseUrl = '';

  const sendError = (response: ServerResponse, httpStatus: number, message: string, extra: Record<string, unknown> = {}) =>
    sendJson(response, options.errorsInBody ? 200 : httpStatus, {
      status: 'error',
      [options.misspelt ? 'messege' : 'message']: message,
      ...extra,
    });

  const settled = (task: CaptionTask) =>
    options.taskError === undefined
      ? { status: 'success', id: task.id, output: [caption], generationTime: 1.42, meta: { length: 'normal' } }
      : { status: 'error', id: task.id, [options.misspelt ? 'messege' : 'message']: options.taskError };

  /** Applies the endpoint's fault; true when it has answered (or dropped) the request. */
  const misbehave = async (endpoint: ModelsLabEndpoint, response: ServerResponse): Promise<boolean> => {
    const fault = options.faults?.[endpoint];
    switch (fault) {
      case undefined:
        return false;
      case 'slow':
        await delay(options.slowMs ?? 2000);
        return false;
      case 'drop-connection':
        response.socket?.destroy();
        return true;
      case 'credits-exhausted':
        sendError(response, 402, 'Insufficient credits in your wallet, please recharge to continue');
        return true;
      case 'rate-limited':
        sendError(response, 429, 'Queue is full, please try again later', { retry_after: options.retryAfterSeconds ?? 3 });
        return true;
      case 'server-error':
        response.writeHead(503, { 'content-type': 'text/plain' });
        response.end('Service Unavailable');
        return true;
      case 'malformed-json':
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end('<html><body>Just a moment...</body></html>');
        return true;
      default:
        sendHostile(response, fault, options.tally);
        return true;
    }
  };

  const upload = async (body: Record<string, unknown>, response: ServerResponse) => {
    counts.uploads++;
    if (await misbehave('upload', response)) return;
    const prefix = 'data:image/jpeg;base64,';
    const encoded = typeof body.base64_string === 'string' && body.base64_string.startsWith(prefix) ? body.base64_string.slice(prefix.length) : '';
    const bytes = Buffer.from(encoded, 'base64');
    if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return sendError(response, 400, 'base64_string must be a base64 data URL of an image');
    const link = `${baseUrl}/uploads/${uploadedLinks.size + 1}.jpg`;
    uploadedLinks.add(link);
    switch (options.uploadAnswer ?? 'output') {
      case 'output':
        return sendJson(response, 200, { status: 'success', output: [link], proxy_links: [link] });
      case 'link':
        return sendJson(response, 200, { status: 'success', link });
      case 'data.url':
        return sendJson(response, 200, { status: 'success', data: { url: link } });
    }
  };

  const submit = async (body: Record<string, unknown>, response: ServerResponse) => {
    counts.submits++;
    const wellFormed =
      typeof body.init_image === 'string' &&
      uploadedLinks.has(body.init_image) &&
      ['short', 'normal', 'long'].includes(String(body.length)) &&
      body.base64 === false;
    if (!wellFormed) return sendError(response, 400, 'The init image field must be a valid url');
    const fault = options.faults?.caption;
    const task: CaptionTask = { id: 90_000_000 + tasks.size + 1, pollsLeft: options.processingPolls ?? null };
    if (fault === undefined || fault === 'slow' || fault === 'drop-connection') tasks.set(task.id, task);
    if (await misbehave('caption', response)) return;
    if (task.pollsLeft !== null) {
      return sendJson(response, 200, {
        status: 'processing',
        id: options.taskId ?? task.id,
        eta: options.etaSeconds ?? 0,
        message: 'Your request is processing',
        fetch_result: `${baseUrl}/api/v6/image_editing/fetch/${task.id}`,
      });
    }
    sendJson(response, 200, settled(task));
  };

  const fetchTask = async (taskId: string, response: ServerResponse) => {
    counts.polls++;
    if (await misbehave('fetch', response)) return;
    const task = tasks.get(Number(taskId));
    if (!task) return sendError(response, 404, 'Request not found');
    if (task.pollsLeft) {
      task.pollsLeft--;
      return sendJson(response, 200, { status: 'processing', id: task.id, eta: 0 });
    }
    sendJson(response, 200, settled(task));
  };

  const server = await loopbackServer(async (request: RecordedRequest, response) => {
    if (request.method !== 'POST') return sendError(response, 405, 'Method not allowed');
    const body = jsonBody(request);
    if (body.key !== options.apiKey) {
      // Echoes what it got, as careless services do: the client must keep it out of its messages.
      return sendError(response, 401, `Invalid Api Key: ${String(body.key)}`);
    }
    const fetchMatch = fetchPath.exec(request.path);
    if (request.path === '/api/v6/base64_to_url') return upload(body, response);
    if (request.path === '/api/v6/image_editing/caption') return submit(body, response);
    if (fetchMatch) return fetchTask(decodeURIComponent(fetchMatch[1]!), response);
    sendError(response, 404, 'Not found');
  });
  baseUrl = server.url;
  return Object.assign(server, { counts });
}
