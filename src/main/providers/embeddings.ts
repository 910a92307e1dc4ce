import type { ProviderConfig } from '../../shared/captioning';
import { httpError, ProviderError, providerDetail, retryAfterFrom } from './errors';
import { asRecord, isSuccess } from './http';
import type { HttpClient } from './http';
import { tokenCount } from './answer-values';

/** Unit-length vectors for texts, in their order, and the tokens the provider counted. */
export interface Embeddings {
  vectors: Float32Array[];
  inputTokens: number | null;
}

/** A provider's embeddings endpoint, for one model. */
export interface TextEmbedder {
  readonly label: string;
  readonly model: string;
  embed(texts: readonly string[], signal?: AbortSignal): Promise<Embeddings>;
}

/** An answer holding several vectors of 768-3072 floats is far past a caption answer's bound. */
const maxEmbeddingAnswerBytes = 64 * 1024 * 1024;

/**
 * `POST {base}/embeddings` of OpenAI's API, which Ollama, LM Studio, llama.cpp, vLLM, Gemini's
 * compatible endpoint and OpenRouter speak too: several inputs per request, `data[i].embedding`
 * back, `index` giving each vector's input. Every answer is checked whole before any vector is
 * returned, so a bad answer stores nothing.
 */
export class OpenAiEmbeddings implements TextEmbedder {
  constructor(
    readonly label: string,
    readonly model: string,
    private readonly config: ProviderConfig,
    private readonly apiKey: string | null,
    private readonly http: HttpClient,
    /** The length every vector must have, once known. */
    private readonly dimensions: number | null,
    /** Whether to ask for that length (`dimensions`, which OpenAI's text-embedding-3 models take). */
    private readonly requestDimensions = false,
  ) {}

  async embed(texts: readonly string[], signal?: AbortSignal): Promise<Embeddings> {
    const url = `${this.config.baseUrl.replace(/\/+$/, '')}/embeddings`;
    const secrets = [this.apiKey];
    const response = await this.http.request(this.label, url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.apiKey || 'not-needed'}` },
      body: JSON.stringify({
        model: this.model,
        input: texts,
        encoding_format: 'float',
        ...(this.requestDimensions && this.dimensions !== null && { dimensions: this.dimensions }),
      }),
      timeoutMs: this.config.timeoutMs,
      signal,
      secrets,
      maxBytes: maxEmbeddingAnswerBytes,
    });
    if (response.status === 404) {
      throw new ProviderError('not-found', this.label, `${this.label} has no embeddings endpoint at ${url} (HTTP 404)`, {
        status: 404,
        detail: providerDetail(errorWords(response.json) ?? response.text, secrets),
        note: 'Choose a server and model that offer embeddings.',
      });
    }
    if (!isSuccess(response.status)) {
      throw httpError(this.label, response.status, {
        detail: providerDetail(errorWords(response.json) ?? response.text, secrets),
        retryAfterMs: retryAfterFrom((name) => response.header(name)),
      });
    }
    return { vectors: this.vectorsFrom(response.json, texts.length), inputTokens: tokenCount(asRecord(asRecord(response.json)?.usage)?.prompt_tokens) };
  }

  private vectorsFrom(body: unknown, expected: number): Float32Array[] {
    const data = asRecord(body)?.data;
    if (!Array.isArray(data) || data.length === 0) throw this.unreadable('an empty list of embeddings');
    if (data.length !== expected) throw this.unreadable(`${data.length} embeddings for ${expected} texts`);
    const vectors = new Array<Float32Array | undefined>(expected);
    data.forEach((item, position) => {
      const record = asRecord(item);
      const index = typeof record?.index === 'number' ? record.index : position;
      const values = record?.embedding;
      if (!Array.isArray(values) || values.length === 0) throw this.unreadable('an embedding that is not a list of numbers');
      if (this.dimensions !== null && values.length !== this.dimensions) {
        throw this.unreadable(`embeddings of ${values.length} dimensions where the library holds ${this.dimensions}`);
      }
      if (!values.every((value) => typeof value === 'number' && Number.isFinite(value))) throw this.unreadable('an embedding with values that are not numbers (NaN)');
      if (index < 0 || index >= expected || vectors[index]) throw this.unreadable('embeddings out of order');
      vectors[index] = unitLength(values as number[]);
    });
    const lengths = new Set(vectors.map((vector) => vector!.length));
    if (lengths.size !== 1) throw this.unreadable('embeddings of different lengths in one answer');
    return vectors as Float32Array[];
  }

  private unreadable(what: string): ProviderError {
    // A broken answer asked again is broken again: not retried.
    return new ProviderError('invalid-response', this.label, `${this.label} sent ${what}`, { retryable: false });
  }
}

/** The vector scaled to length 1, so that a dot product is the cosine; a zero vector stays zero. */
export function unitLength(values: ArrayLike<number>): Float32Array {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]! * values[i]!;
  const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0;
  return Float32Array.from(values, (value) => value * scale);
}

function errorWords(body: unknown): string | undefined {
  const record = asRecord(body);
  const candidates = [asRecord(record?.error)?.message, record?.error, record?.message];
  return candidates.find((candidate): candidate is string => typeof candidate === 'string');
}
