import type { Emit } from '../../shared/contract';
import type { EmbeddingsStatus } from '../../shared/embeddings';
import { UserError } from '../base/errors';
import { pathScope } from '../db/path-scope';
import type { EmbeddingModel, EmbeddingsRepository } from '../db/embeddings.repo';
import { ProviderError } from '../providers/errors';
import type { TextEmbedder } from '../providers/embeddings';
import type { ProviderRegistry } from '../providers/provider-registry';
import { retryDelay } from '../base/retry';
import type { RetryPolicy } from '../base/retry';
import { fromBlob } from '../db/vector-blobs';
import { meaningFloor } from './meaning-floor';
import { VectorIndex } from './vector-index';

/** Photos whose cosines to a query show what chance looks like for it. */
const chanceSampleSize = 256;
/** Texts per request: well within every server's limit on inputs (OpenAI takes 2,048). */
const textsPerRequest = 64;

/** The embedding model a preset's server offers by default, when `embeddings use` names none. */
const defaultModels: Record<string, string> = {
  openai: 'text-embedding-3-small',
  ollama: 'nomic-embed-text',
  gemini: 'gemini-embedding-001',
};

export interface EmbeddingsServiceDeps {
  repo: EmbeddingsRepository;
  providers: ProviderRegistry;
  retryPolicy: RetryPolicy;
  emit: Emit;
  now: () => Date;
}

/**
 * Embeddings of each photo's current caption with the one model the library chose, and the
 * in-memory index searches compare against: built on the first search, then kept current.
 */
export class EmbeddingsService {
  private index: VectorIndex | undefined;
  /** The seq of the last sign code the index took in. */
  private indexedSeq = 0;
  /** Photos' vectors sampled across the library, what chance looks like to a query (see meaning-floor.ts). */
  private chance: { indexSize: number; vectors: Float32Array[] } | undefined;

  constructor(private readonly deps: EmbeddingsServiceDeps) {}

  use(provider: string, model?: string): EmbeddingsStatus {
    const { config } = this.deps.providers.configFor(provider);
    const chosen = model ?? (config.preset ? defaultModels[config.preset] : undefined);
    if (!chosen) throw new UserError(`Name the embedding model ${config.name}'s server offers with --model (for example nomic-embed-text).`);
    // Checks the provider type and its key before anything changes.
    this.deps.providers.embedder(config.name, chosen, null);
    this.deps.repo.choose(config.name, chosen, this.deps.now().toISOString());
    this.index = undefined;
    return this.status();
  }

  status(scopes: readonly string[] = []): EmbeddingsStatus {
    const model = this.deps.repo.model();
    return {
      provider: model?.provider ?? null,
      model: model?.model ?? null,
      dimensions: model?.dimensions ?? null,
      ...this.deps.repo.counts(scopes),
    };
  }

  /** Whether meaning can be searched: a model chosen and at least one photo embedded with it. */
  ready(): boolean {
    // Asked on every search: a look at the table, not the index (built only when meaning is searched).
    return this.deps.repo.model() !== null && this.deps.repo.hasVectors();
  }

  /**
   * Embeds every photo (of the paths) whose caption has no vector for the current model, a request
   * of 64 at a time, each request's vectors stored together or not at all.
   */
  async run(paths: readonly string[], signal?: AbortSignal): Promise<EmbeddingsStatus> {
    const scopes = paths.map(pathScope);
    const model = this.chosenModel();
    let embedder = this.embedderFor(model);
    const total = this.deps.repo.counts(scopes).pending;
    let done = 0;
    let afterId = 0;
    this.deps.emit('embeddings:progress', { done, total });
    for (;;) {
      const batch = this.deps.repo.pending(afterId, textsPerRequest, scopes);
      if (!batch.length) break;
      afterId = batch.at(-1)!.photoId;
      let vectors: Float32Array[];
      try {
        ({ vectors } = await this.withRetries(() => embedder.embed(batch.map((row) => row.text || ' '), signal)));
      } catch (error) {
        throw error instanceof ProviderError && done > 0
          ? error.withNote(`${done} of ${total} photos were embedded before; "captionist embeddings run" goes on from there.`)
          : error;
      }
      const stored = this.deps.repo.store(model, batch.map((row, index) => ({ photoId: row.photoId, captionId: row.captionId, vector: vectors[index]! })));
      if (!stored) throw new UserError('The embedding model was changed while embedding; run "captionist embeddings run" again.');
      if (model.dimensions === null) {
        model.dimensions = vectors[0]!.length;
        embedder = this.embedderFor(model);
      }
      done += batch.length;
      this.deps.emit('embeddings:progress', { done, total });
    }
    return this.status(scopes);
  }

  /**
   * The query's vector: from the cache, else from the provider (and then cached). Asked once, not
   * retried: a search waiting for a provider that is away would rather show word matches now.
   */
  async queryVector(text: string, signal?: AbortSignal): Promise<Float32Array> {
    const key = text.trim().toLowerCase();
    const cached = this.deps.repo.cachedQuery(key);
    if (cached) return cached;
    const model = this.chosenModel();
    const { vectors } = await this.embedderFor(model).embed([key], signal);
    this.deps.repo.cacheQuery(key, vectors[0]!);
    return vectors[0]!;
  }

  vectorOf(photoId: number): Float32Array | null {
    return this.deps.repo.vectorOf(photoId);
  }

  /** The index, first caught up with the codes written since it last looked (here or by another process). */
  vectorIndex(): VectorIndex {
    if (!this.index) {
      this.index = new VectorIndex((photoIds) => this.deps.repo.currentVectors(photoIds));
      this.indexedSeq = 0;
      this.chance = undefined;
    }
    const index = this.index;
    this.indexedSeq = this.deps.repo.codesSince(this.indexedSeq, (photoId, codes, offset) => index.put(photoId, codes, offset));
    return index;
  }

  /** The cosine a photo must reach to mean what `vector` means, measured against the library's own vectors. */
  meaningFloor(vector: Float32Array): number {
    const size = this.vectorIndex().size;
    // Sampled once per model, and again when the library has doubled since.
    if (!this.chance || size >= 2 * this.chance.indexSize) {
      const photoIds = this.vectorIndex().spreadSample(chanceSampleSize);
      this.chance = { indexSize: Math.max(1, size), vectors: this.deps.repo.currentVectors(photoIds).map(([, blob]) => fromBlob(blob)) };
    }
    return meaningFloor(vector, this.chance.vectors);
  }

  private chosenModel(): EmbeddingModel {
    const model = this.deps.repo.model();
    if (!model) throw new UserError('Search by meaning is not set up: choose a provider with "captionist embeddings use NAME".');
    return model;
  }

  private embedderFor(model: EmbeddingModel): TextEmbedder {
    return this.deps.providers.embedder(model.provider, model.model, model.dimensions);
  }

  private async withRetries<T>(call: () => Promise<T>): Promise<T> {
    const policy = this.deps.retryPolicy;
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (!(error instanceof ProviderError) || !error.retryable || attempt >= policy.maxAttempts) throw error;
        await policy.sleep(retryDelay(error, attempt, policy));
      }
    }
  }
}
