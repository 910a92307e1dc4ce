import type { ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { loopbackServer, sendJson } from '../helpers/loopback';
import type { LoopbackServer, RecordedRequest } from '../helpers/loopback';
import { sendHostile } from './hostile';
import type { HostileAnswer, HostileTally } from './hostile';

/** How one endpoint misbehaves, the way the real service (or a proxy in front of it) would show it. */
export type WaveSpeedFault =
  /** HTTP 402 with an "insufficient balance" message. */
  | 'credits-exhausted'
  /** HTTP 200 whose envelope says code 400, "insufficient balance". */
  | 'credits-in-envelope'
  /** HTTP 429 with Retry-After. */
  | 'rate-limited'
  | 'server-error'
  /** HTTP 200 with an HTML page. */
  | 'malformed-json'
  /** Answers after `slowMs`, longer than the client waits. */
  | 'slow'
  /** Reads the whole request (a submit creates its task), then drops the connection unanswered. */
  | 'drop-connection';

export type WaveSpeedEndpoint = 'upload' | 'submit' | 'result' | 'output';

export interface WaveSpeedServerOptions {
  apiKey: string;
  caption?: string;
  /** How many result polls answer "processing" before the task completes (sync mode: > 0 means it times out). */
  processingPolls?: number;
  /** The task ends "failed" with this error. */
  taskError?: string;
  /** outputs[0] is a link to the caption text, served by this server, instead of the text. */
  captionAsLink?: boolean;
  /** How the upload names its link: `download_url` (as documented), or `url` (the newer upload endpoint's answer). */
  uploadLinkField?: 'download_url' | 'url';
  faults?: Partial<Record<WaveSpeedEndpoint, WaveSpeedFault | HostileAnswer>>;
  /** The id every task gets, instead of a fresh one: what a hostile service might send. */
  taskId?: string;
  /** Counts what a hostile answer wrote. */
  tally?: HostileTally;
  slowMs?: number;
  retryAfterSeconds?: number;
}

export interface WaveSpeedServer extends LoopbackServer {
  /** Live counts of calls that reached each endpoint, faults included. */
  counts: { uploads: number; submits: number; polls: number };
}

interface Task {
  id: string;
  pollsLeft: number;
}

const submitPath = '/api/v3/wavespeed-ai/image-captioner';
const resultPath = /^\/api\/v3\/predictions\/([^/]+)\/result$/;
const outputPath = /^\/outputs\/[^/]+\.txt$/;

/** A loopback WaveSpeedAI: media upload, the image-captioner task, its result, and stored outputs. */
export async function startWaveSpeedServer(options: WaveSpeedServerOptions): Promise<WaveSpeedServer> {
  const caption = options.caption ?? 'A red tram crosses a stone bridge at dusk.';
  const counts = { uploads: 0, submits: 0, polls: 0 };
  const uploadedLinks = new Set<string>();
  const tasks = new Map<string, Task>();
  let baseUrl = '';

  const envelope = (response: ServerResponse, data: Record<string, unknown>, code = 200, message = 'success') =>
    sendJson(response, 200, { code, message, data });

  const prediction = (task: Task) => {
    const done = task.pollsLeft <= 0;
    const failed = done && options.taskError !== undefined;
    return {
      id: task.id,
      model: 'wavespeed-ai/image-captioner',
      outputs: done && !failed ? [options.captionAsLink ? `${baseUrl}/outputs/${task.id}.txt` : caption] : [],
      urls: { get: `${baseUrl}/api/v3/predictions/${task.id}/result` },
      has_nsfw_contents: [],
      status: failed ? 'failed' : done ? 'completed' : 'processing',
      created_at: new Date().toISOString(),
      error: failed ? options.taskError : '',
      timings: { inference: done ? 840 : 0 },
    };
  };

  /** Applies the endpoint's fault; true when it has answered (or dropped) the request. */
  const misbehave = async (endpoint: WaveSpeedEndpoint, response: ServerResponse): Promise<boolean> => {
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
        sendJson(response, 402, { code: 402, message: 'Insufficient balance, please top up your account' });
        return true;
      case 'credits-in-envelope':
        envelope(response, {}, 400, 'Your account balance is insufficient for this request');
        return true;
      case 'rate-limited':
        sendJson(response, 429, { code: 429, message: 'Too many requests' }, { 'retry-after': String(options.retryAfterSeconds ?? 7) });
        return true;
      case 'server-error':
        sendJson(response, 502, { code: 502, message: 'upstream worker unavailable' });
        return true;
      case 'malformed-json':
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end('<html><body>Service temporarily unavailable</body></html>');
        return true;
      default:
        sendHostile(response, fault, options.tally);
        return true;
    }
  };

  const authorized = (request: RecordedRequest, response: ServerResponse): boolean => {
    const header = request.headers.authorization;
    if (header === `Bearer ${options.apiKey}`) return true;
    // Echoes what it got, as careless services do: the client must keep it out of its messages.
    sendJson(response, 401, { code: 401, message: `Invalid API key: ${header ?? 'none'}` });
    return false;
  };

  const upload = async (request: RecordedRequest, response: ServerResponse) => {
    counts.uploads++;
    if (await misbehave('upload', response)) return;
    const form = await new Response(request.body, {
      headers: { 'content-type': request.headers['content-type'] ?? '' },
    }).formData();
    const file = form.get('file');
    if (!(file instanceof File) || file.type !== 'image/jpeg') {
      return sendJson(response, 400, { code: 400, message: 'field "file" with an image is required' });
    }
    const bytes = Buffer.from(await file.arrayBuffer());
    if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return sendJson(response, 400, { code: 400, message: 'not an image' });
    const link = `${baseUrl}/media/${uploadedLinks.size + 1}-${file.name}`;
    uploadedLinks.add(link);
    envelope(response, { type: 'image', [options.uploadLinkField ?? 'download_url']: link, filename: file.name, size: bytes.length });
  };

  const submit = async (request: RecordedRequest, response: ServerResponse) => {
    counts.submits++;
    const body = JSON.parse(request.body.toString('utf8')) as Record<string, unknown>;
    const wellFormed =
      typeof body.image === 'string' &&
      uploadedLinks.has(body.image) &&
      ['low', 'medium', 'high'].includes(String(body.detail_level)) &&
      (body.focus === undefined || typeof body.focus === 'string');
    if (!wellFormed) return sendJson(response, 400, { code: 400, message: 'invalid input' });
    const fault = options.faults?.submit;
    const paid = fault === undefined || fault === 'slow' || fault === 'drop-connection';
    const task: Task = { id: options.taskId ?? `pred_${tasks.size + 1}`, pollsLeft: options.processingPolls ?? 0 };
    if (paid) tasks.set(task.id, task);
    if (await misbehave('submit', response)) return;
    if (body.enable_sync_mode !== true) return envelope(response, { ...prediction(task), status: 'created' });
    if (task.pollsLeft > 0) return envelope(response, prediction(task), 5004, 'sync mode timed out, poll the result');
    envelope(response, prediction(task));
  };

  const result = async (taskId: string, response: ServerResponse) => {
    counts.polls++;
    if (await misbehave('result', response)) return;
    const task = tasks.get(taskId);
    if (!task) return sendJson(response, 404, { code: 404, message: 'prediction not found' });
    envelope(response, prediction(task));
    task.pollsLeft--;
  };

  const server = await loopbackServer(async (request, response) => {
    const resultMatch = resultPath.exec(request.path);
    if (request.method === 'GET' && outputPath.test(request.path)) {
      if (await misbehave('output', response)) return;
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      return void response.end(caption);
    }
    if (!authorized(request, response)) return;
    if (request.method === 'POST' && request.path === '/api/v3/media/upload/binary') return upload(request, response);
    if (request.method === 'POST' && request.path === submitPath) return submit(request, response);
    if (request.method === 'GET' && resultMatch) return result(decodeURIComponent(resultMatch[1]!), response);
    sendJson(response, 404, { code: 404, message: 'not found' });
  });
  baseUrl = server.url;
  return Object.assign(server, { counts });
}
