import type { ServerResponse } from 'node:http';
import { jsonBody, loopbackServer, sendJson } from '../helpers/loopback';
import type { LoopbackServer, RecordedRequest } from '../helpers/loopback';
import { defaultAnswer, failure, problemWithCompletionBody, usage } from './openai-compatible.server';

/** One line of an uploaded batch input file. */
export interface BatchInputLine {
  custom_id: string;
  method: string;
  url: string;
  body: Record<string, unknown>;
}

/** How one request of a batch ends. */
export type BatchLineOutcome =
  /** Answered: a chat completion with these caption fields (the server's `answer` when unset). */
  | { kind: 'answer'; answer?: Record<string, unknown> }
  /** Not answered: the request got this HTTP status, written to the error file. */
  | { kind: 'http'; status: number; message: string }
  /** Not run at all: an `error` line in the error file. */
  | { kind: 'error'; code: string; message: string };

export interface BatchServerOptions {
  /** The key the server accepts. */
  apiKey: string;
  /** GETs of a batch before it is final: validating, in_progress ..., finalizing, then its end. */
  pollsToComplete?: number;
  /** The caption fields of an answered line. */
  answer?: (line: BatchInputLine) => Record<string, unknown> | Promise<Record<string, unknown>>;
  /** How each line ends; answered when unset. */
  outcome?: (line: BatchInputLine, index: number) => BatchLineOutcome;
}

interface ServerBatch {
  id: string;
  inputFileId: string;
  metadata: Record<string, unknown> | null;
  createdAt: number;
  polls: number;
  status: string;
  ending: BatchEnding;
  outputFileId: string | null;
  errorFileId: string | null;
  counts: { total: number; completed: number; failed: number };
  errors: { code: string; message: string; param: null; line: number }[] | null;
}

/** How the next batches end: completed, expired after `expireAfter` lines, or failed validation. */
export type BatchEnding = 'complete' | 'expire' | 'fail';

export interface BatchServer extends LoopbackServer {
  /** Accepted uploads, with their lines. */
  uploads: { id: string; lines: BatchInputLine[]; bytes: number }[];
  /** Accepted create calls, answered or not. */
  creates: RecordedRequest[];
  /** GETs of single batches. */
  polls: RecordedRequest[];
  /** GETs of the batch list. */
  lists: RecordedRequest[];
  /** How batches created from now on end. */
  ending: BatchEnding;
  /** Lines an expiring batch answers before it expires. */
  expireAfter: number;
  /** Drops the connection after handling the next create: the batch exists, the client never hears. */
  dropNextCreate: boolean;
  /** While true every request's connection is dropped unanswered (a network outage). */
  down: boolean;
  /** While true batches go no further than in_progress however often they are polled. */
  hold: boolean;
}

const base = '/v1';

/**
 * OpenAI's Batch API (as Inference.net serves it too) on loopback: multipart uploads with
 * purpose "batch" whose JSONL lines are checked as the direct server checks a request; batches
 * created, listed and polled through validating, in_progress and finalizing to their end;
 * output and error files in OpenAI's line format. Checks the bearer key like the direct server.
 */
export async function startBatchServer(options: BatchServerOptions): Promise<BatchServer> {
  const files = new Map<string, string>();
  const batches: ServerBatch[] = [];
  let ids = 0;
  const nextId = (prefix: string) => `${prefix}-${String(++ids).padStart(6, '0')}`;
  const pollsToComplete = options.pollsToComplete ?? 3;

  const describe = (batch: ServerBatch) => ({
    id: batch.id,
    object: 'batch',
    endpoint: '/v1/chat/completions',
    errors: batch.errors ? { object: 'list', data: batch.errors } : null,
    input_file_id: batch.inputFileId,
    completion_window: '24h',
    status: batch.status,
    output_file_id: batch.outputFileId,
    error_file_id: batch.errorFileId,
    created_at: batch.createdAt,
    expires_at: batch.createdAt + 86_400,
    request_counts: batch.counts,
    metadata: batch.metadata,
  });

  const completionFor = async (line: BatchInputLine, answer: Record<string, unknown> | undefined) => ({
    id: `chatcmpl-${line.custom_id}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: line.body.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', refusal: null, content: JSON.stringify(answer ?? (await (options.answer?.(line) ?? defaultAnswer))) },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage,
  });

  /** Runs the batch's lines and writes its result files, as the service does when it finalizes. */
  const finish = async (batch: ServerBatch) => {
    const lines = JSON.parse(files.get(`${batch.inputFileId}:lines`)!) as BatchInputLine[];
    if (batch.ending === 'fail') {
      batch.status = 'failed';
      batch.errors = [{ code: 'invalid_request', message: 'The model does not accept this request on line 2.', param: null, line: 2 }];
      return;
    }
    const output: string[] = [];
    const errors: string[] = [];
    for (const [index, line] of lines.entries()) {
      const requestId = `req_${line.custom_id}`;
      if (batch.ending === 'expire' && index >= state.expireAfter) {
        errors.push(JSON.stringify({ id: `batch_req_${index}`, custom_id: line.custom_id, response: null, error: { code: 'batch_expired', message: 'This request could not be executed before the completion window expired.' } }));
        continue;
      }
      const outcome = options.outcome?.(line, index) ?? { kind: 'answer' };
      if (outcome.kind === 'answer') {
        batch.counts.completed++;
        output.push(
          JSON.stringify({
            id: `batch_req_${index}`,
            custom_id: line.custom_id,
            response: { status_code: 200, request_id: requestId, body: await completionFor(line, outcome.answer) },
            error: null,
          }),
        );
      } else if (outcome.kind === 'http') {
        batch.counts.failed++;
        errors.push(
          JSON.stringify({
            id: `batch_req_${index}`,
            custom_id: line.custom_id,
            response: { status_code: outcome.status, request_id: requestId, body: failure(outcome.message, 'invalid_request_error') },
            error: null,
          }),
        );
      } else {
        batch.counts.failed++;
        errors.push(JSON.stringify({ id: `batch_req_${index}`, custom_id: line.custom_id, response: null, error: { code: outcome.code, message: outcome.message } }));
      }
    }
    if (output.length) files.set((batch.outputFileId = nextId('file')), `${output.join('\n')}\n`);
    if (errors.length) files.set((batch.errorFileId = nextId('file')), `${errors.join('\n')}\n`);
    batch.status = batch.ending === 'expire' ? 'expired' : 'completed';
  };

  const upload = async (request: RecordedRequest, response: ServerResponse) => {
    const type = request.headers['content-type'] ?? '';
    if (!type.startsWith('multipart/form-data')) return sendJson(response, 400, failure('Expected a multipart/form-data upload.', 'invalid_request_error'));
    const form = await new Request('http://loopback/files', { method: 'POST', headers: { 'content-type': type }, body: request.body }).formData();
    if (form.get('purpose') !== 'batch') {
      return sendJson(response, 400, failure("'purpose' must be one of 'assistants', 'batch', 'fine-tune', 'vision'.", 'invalid_request_error', null, 'purpose'));
    }
    const file = form.get('file');
    if (!file || typeof file === 'string') return sendJson(response, 400, failure("Missing required parameter: 'file'.", 'invalid_request_error', null, 'file'));
    const text = await file.text();
    const lines: BatchInputLine[] = [];
    const seen = new Set<string>();
    for (const [index, raw] of text.split('\n').filter((line) => line.trim()).entries()) {
      const problem = (message: string) => sendJson(response, 400, failure(`Line ${index + 1}: ${message}`, 'invalid_request_error', 'invalid_batch_line'));
      let line: BatchInputLine;
      try {
        line = JSON.parse(raw) as BatchInputLine;
      } catch {
        return problem('not valid JSON');
      }
      if (typeof line.custom_id !== 'string' || !line.custom_id) return problem('custom_id is required');
      if (seen.has(line.custom_id)) return problem(`custom_id ${line.custom_id} is not unique`);
      seen.add(line.custom_id);
      if (line.method !== 'POST') return problem('method must be POST');
      if (line.url !== '/v1/chat/completions') return problem('url must be /v1/chat/completions');
      const bodyProblem = line.body && typeof line.body === 'object' ? problemWithCompletionBody(line.body) : { message: 'body is required' };
      if (bodyProblem) return problem(bodyProblem.message);
      lines.push(line);
    }
    if (!lines.length) return problem400(response, 'The file has no lines.');
    const id = nextId('file');
    files.set(id, text);
    files.set(`${id}:lines`, JSON.stringify(lines));
    state.uploads.push({ id, lines, bytes: file.size });
    sendJson(response, 200, { id, object: 'file', bytes: file.size, created_at: Math.floor(Date.now() / 1000), filename: file.name, purpose: 'batch' });
  };

  const server = await loopbackServer(async (request, response) => {
    if (state.down) return void response.socket?.destroy();
    const authorization = request.headers.authorization ?? '';
    const sentKey = authorization.startsWith('Bearer ') ? authorization.slice('Bearer '.length) : '';
    if (sentKey !== options.apiKey) {
      return sendJson(response, 401, failure(`Incorrect API key provided: ${sentKey}`, 'invalid_request_error', 'invalid_api_key'));
    }
    const url = new URL(request.path, 'http://loopback');
    const path = url.pathname;
    if (request.method === 'POST' && path === `${base}/files`) return upload(request, response);
    if (request.method === 'POST' && path === `${base}/batches`) {
      const body = jsonBody(request) as { input_file_id?: unknown; endpoint?: unknown; completion_window?: unknown; metadata?: unknown };
      if (typeof body.input_file_id !== 'string' || !files.has(body.input_file_id)) {
        return problem400(response, `No such File object: ${String(body.input_file_id)}`);
      }
      if (body.endpoint !== '/v1/chat/completions') return problem400(response, 'endpoint must be /v1/chat/completions');
      if (body.completion_window !== '24h') return problem400(response, "completion_window must be '24h'");
      const lines = JSON.parse(files.get(`${body.input_file_id}:lines`)!) as BatchInputLine[];
      const batch: ServerBatch = {
        id: nextId('batch'),
        inputFileId: body.input_file_id,
        metadata: (body.metadata as Record<string, unknown> | undefined) ?? null,
        createdAt: Math.floor(Date.now() / 1000),
        polls: 0,
        status: 'validating',
        ending: state.ending,
        outputFileId: null,
        errorFileId: null,
        counts: { total: lines.length, completed: 0, failed: 0 },
        errors: null,
      };
      batches.push(batch);
      state.creates.push(request);
      if (state.dropNextCreate) {
        state.dropNextCreate = false;
        return void response.socket?.destroy();
      }
      return sendJson(response, 200, describe(batch));
    }
    if (request.method === 'GET' && path === `${base}/batches`) {
      state.lists.push(request);
      const limit = Number(url.searchParams.get('limit') ?? 20);
      const after = url.searchParams.get('after');
      const newestFirst = [...batches].reverse();
      const start = after ? newestFirst.findIndex((batch) => batch.id === after) + 1 : 0;
      const page = newestFirst.slice(start, start + limit);
      return sendJson(response, 200, {
        object: 'list',
        data: page.map(describe),
        first_id: page[0]?.id ?? null,
        last_id: page.at(-1)?.id ?? null,
        has_more: start + limit < newestFirst.length,
      });
    }
    const batchMatch = /^\/v1\/batches\/([^/]+)$/.exec(path);
    if (request.method === 'GET' && batchMatch) {
      const batch = batches.find((candidate) => candidate.id === batchMatch[1]);
      if (!batch) return sendJson(response, 404, failure(`No batch found with id '${batchMatch[1]}'.`, 'invalid_request_error'));
      state.polls.push(request);
      if (state.hold && batch.status === 'validating') batch.status = 'in_progress';
      if (!['completed', 'failed', 'expired', 'cancelled'].includes(batch.status) && !state.hold) {
        batch.polls++;
        if (batch.polls >= pollsToComplete) await finish(batch);
        else if (batch.polls >= pollsToComplete - 1) batch.status = 'finalizing';
        else batch.status = 'in_progress';
      }
      return sendJson(response, 200, describe(batch));
    }
    const fileMatch = /^\/v1\/files\/([^/]+)\/content$/.exec(path);
    if (request.method === 'GET' && fileMatch) {
      const content = files.get(fileMatch[1]!);
      if (content === undefined) return sendJson(response, 404, failure(`No such File object: ${fileMatch[1]}`, 'invalid_request_error'));
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      return void response.end(content);
    }
    return sendJson(response, 404, failure(`Unknown request URL: ${request.method} ${request.path}`, 'invalid_request_error', 'unknown_url'));
  });

  const state: BatchServer = Object.assign(server, {
    uploads: [] as BatchServer['uploads'],
    creates: [] as RecordedRequest[],
    polls: [] as RecordedRequest[],
    lists: [] as RecordedRequest[],
    ending: 'complete' as BatchEnding,
    expireAfter: 0,
    dropNextCreate: false,
    down: false,
    hold: false,
  });
  return state;
}

function problem400(response: ServerResponse, message: string): void {
  sendJson(response, 400, failure(message, 'invalid_request_error'));
}
