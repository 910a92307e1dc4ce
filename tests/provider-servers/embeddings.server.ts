import type { ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { loopbackServer, sendJson } from '../helpers/loopback';
import type { LoopbackServer, RecordedRequest } from '../helpers/loopback';

/** Words that mean the same share one concept, so their vectors point the same way. */
const synonyms: readonly (readonly string[])[] = [
  ['amber', 'orange', 'golden'],
  ['kid', 'child', 'children', 'boy', 'girl'],
  ['seaside', 'beach', 'coast', 'shore'],
  ['glow', 'light', 'shine'],
  ['dog', 'puppy', 'hound'],
  ['mountain', 'peak', 'summit'],
];
const stopWords = new Set(['a', 'an', 'the', 'of', 'on', 'at', 'in', 'over', 'with', 'and', 'by']);

/** What the server does wrong, switched per test. */
export type EmbeddingsFault = 'none' | 'wrong-dimension' | 'nan' | 'empty' | 'rate-limit' | 'no-endpoint';

export interface EmbeddingsServer extends LoopbackServer {
  dimensions: number;
  fault: EmbeddingsFault;
  /** How long each answer takes. */
  latencyMs: number;
  /**
   * Weight of one direction every text shares, as models like nomic-embed-text have: at 2,
   * unrelated captions score about 0.5 instead of 0.
   */
  common: number;
  /** Texts embedded so far, across requests. */
  inputs: string[];
}

/**
 * OpenAI's `POST /v1/embeddings` on loopback: a text's vector counts its words by concept (one
 * dimension per synonym group, the rest hashed), so "amber" is close to "orange glow" and far from
 * "blue sky". `port` brings it up where one was down.
 */
export async function embeddingsServer(dimensions = 64, port = 0): Promise<EmbeddingsServer> {
  const state = { dimensions, fault: 'none' as EmbeddingsFault, latencyMs: 0, common: 0, inputs: [] as string[] };
  // The server reads the switches from the object the test holds, which is `state` itself.
  const server = await loopbackServer((request, response) => answer(withSwitches, request, response), port);
  const withSwitches: EmbeddingsServer = Object.assign(server, state);
  return withSwitches;
}

async function answer(state: EmbeddingsServer, request: RecordedRequest, response: ServerResponse): Promise<void> {
  if (request.method !== 'POST' || !request.path.endsWith('/embeddings') || state.fault === 'no-endpoint') {
    return sendJson(response, 404, { error: { message: '404 page not found' } });
  }
  if (state.fault === 'rate-limit') return sendJson(response, 429, { error: { message: 'Rate limit reached' } }, { 'retry-after': '0' });
  // `dimensions`, as OpenAI's text-embedding-3 models take it, shortens the vectors.
  const { input, model, dimensions = state.dimensions } = JSON.parse(request.body.toString()) as { input: string[]; model: string; dimensions?: number };
  if (state.fault === 'empty') return sendJson(response, 200, { object: 'list', data: [], model });
  state.inputs.push(...input);
  const data = input.map((text, index) => {
    const vector = vectorOf(text, dimensions, state.common);
    const embedding = state.fault === 'wrong-dimension' ? vector.slice(1) : state.fault === 'nan' ? vector.map(() => 'NaN') : vector;
    return { object: 'embedding', index, embedding };
  });
  // The texts count as asked for when they arrive, even if the client is gone before the answer.
  if (state.latencyMs) await delay(state.latencyMs);
  sendJson(response, 200, { object: 'list', data, model, usage: { prompt_tokens: input.join(' ').split(/\s+/).length, total_tokens: 0 } });
}

export function vectorOf(text: string, dimensions: number, common = 0): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  vector[dimensions - 1] = common;
  for (const word of text.toLowerCase().match(/\p{L}+/gu) ?? []) {
    if (stopWords.has(word)) continue;
    const group = synonyms.findIndex((words) => words.includes(word));
    vector[group >= 0 ? group : synonyms.length + (hash(word) % (dimensions - synonyms.length))]! += 1;
  }
  return vector;
}

function hash(word: string): number {
  let value = 2166136261;
  for (const char of word) value = Math.imul(value ^ char.charCodeAt(0), 16777619) >>> 0;
  return value;
}
