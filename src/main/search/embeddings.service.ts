import type { Emit } from '../../shared/contract';
import type { EmbeddingsStatus } from '../../shared/embeddings';
import { formatUsd } from '../../shared/money';
import { UserError } from '../base/errors';
import { pathScope } from '../db/path-scope';
import type { CodeSeqs, EmbeddingModel, EmbeddingsRepository, StoredVector, TextToEmbed } from '../db/embeddings.repo';
import type { Logger } from '../base/logger';
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
/** Searches run after the index is built in the background, and how many photos each asks for (as hybrid search does). */
const warmUpSearches = 3;
const warmUpDepth = 1000;
/** Texts per request: well within every server's limit on inputs (OpenAI takes 2,048). */
const textsPerRequest = 64;
/** The background build of the index begins this long after the app or `serve` starts. */
const indexDelayMs = 1_000;
/** Codes taken into the index at a time while it is built in the background (a chunk of 32,768: 25 to 60 ms at a million photos). */
const codesPerSlice = 32_768;
/** Short codes lengthened at a time in the background: about 30 ms of other work held up. */
const codesPerStep = 500;

/** The embedding model a preset's server offers by default, when `embeddings use` names none. */
const defaultModels: Record<string, string> = {
  openai: 'text-embedding-3-small',
  ollama: 'nomic-embed-text',
  gemini: 'gemini-embedding-001',
};

export interface EmbeddingsServiceDeps {
  repo: EmbeddingsRepository;
  logger: Logger;
  providers: ProviderRegistry;
  retryPolicy: RetryPolicy;
  emit: Emit;
  now: () => Date;
  /** What a provider's captions cost so far: its budget covers captions and embeddings together. */
  captionSpend(provider: string): number;
  /** Codes taken into the index a step while it is built in the background (tests take few). */
  indexSlice?: number;
  /** How long after the start the background build begins (the bench begins at once). */
  indexDelayMs?: number;
}

/**
 * Embeddings of each photo's current caption with the one model the library chose, and the
 * in-memory index searches compare against: built on the first search, then kept current.
 */
export class EmbeddingsService {
  private index: VectorIndex | undefined;
  /** Aborted by `stopRuns`: the foreground runs under way end after their current request. */
  private stopping = new AbortController();
  /** Where the index has caught up to in the codes and their removals. */
  private indexedSeqs: CodeSeqs = { code: 0, removal: 0 };
  /** Photos' vectors sampled across the library, what chance looks like to a query (see meaning-floor.ts). */
  private chance: { indexSize: number; vectors: Float32Array[] } | undefined;
  /** Whether short codes are being lengthened in the background. */
  private lengthening = false;
  /** Whether the index has caught up with every code since it was built (it is sampled and exercised then). */
  private complete = false;
  /** Whether the index is being built in the background. */
  private preparing = false;

  constructor(private readonly deps: EmbeddingsServiceDeps) {}

  use(provider: string, options: { model?: string; dimensions?: number; usdPerMillionTokens?: number } = {}): EmbeddingsStatus {
    const { config } = this.deps.providers.configFor(provider);
    const chosen = options.model ?? (config.preset ? defaultModels[config.preset] : undefined);
    if (!chosen) throw new UserError(`Name the embedding model ${config.name}'s server offers with --model (for example nomic-embed-text).`);
    // Checks the provider type and its key before anything changes.
    this.deps.providers.embedder(config.name, chosen, null);
    this.deps.repo.choose(config.name, chosen, this.deps.now().toISOString(), {
      requestedDimensions: options.dimensions,
      usdPerMillionTokens: options.usdPerMillionTokens,
    });
    this.index = undefined;
    return this.status();
  }

  status(scopes: readonly string[] = []): EmbeddingsStatus {
    const model = this.deps.repo.model();
    const spend = model ? this.deps.repo.spend(model.provider) : { inputTokens: 0, costUsd: 0 };
    return {
      provider: model?.provider ?? null,
      model: model?.model ?? null,
      dimensions: model?.dimensions ?? null,
      ...this.deps.repo.counts(scopes),
      requestedDimensions: model?.requestedDimensions ?? null,
      usdPerMillionTokens: model?.usdPerMillionTokens ?? null,
      inputTokens: spend.inputTokens,
      // Unpriced and never priced: unknown rather than free.
      costUsd: model?.usdPerMillionTokens === null && spend.costUsd === 0 ? null : spend.costUsd,
    };
  }

  /**
   * Why embedding with `provider` may not go on: its budget, which counts its captions and its
   * embeddings together, is spent. Null while there is money left, or no budget.
   */
  blockedBecause(provider: string): string | null {
    // A provider removed meanwhile has no budget; the job itself then says it is gone.
    const config = this.deps.providers.list().find((candidate) => candidate.name === provider);
    if (!config?.budgetUsd) return null;
    const spent = this.deps.captionSpend(config.name) + this.deps.repo.spend(config.name).costUsd;
    if (spent < config.budgetUsd) return null;
    return (
      `Budget reached: ${formatUsd(spent)} of ${formatUsd(config.budgetUsd)} spent on captions and embeddings with ${config.name}. ` +
      `Raise it with "provider add ${config.name} ... --budget USD" to go on embedding.`
    );
  }

  /** Whether meaning can be searched: a model chosen and at least one photo embedded with it. */
  ready(): boolean {
    // Asked on every search: a look at the table, not the index (built only when meaning is searched).
    return this.deps.repo.model() !== null && this.deps.repo.hasVectors();
  }

  /**
   * Embeds every photo (of the paths) whose caption has no vector for the current model, a request
   * of 64 at a time, each request's vectors stored together or not at all. `stopRuns` ends it after
   * the request under way, which is kept.
   */
  async run(paths: readonly string[]): Promise<EmbeddingsStatus> {
    const scopes = paths.map(pathScope);
    const stopped = this.stopping.signal;
    this.chosenModel();
    const total = this.deps.repo.counts(scopes).pending;
    let done = 0;
    let afterId = 0;
    this.deps.emit('embeddings:progress', { done, total });
    while (!stopped.aborted) {
      const batch = this.deps.repo.pending(afterId, textsPerRequest, scopes);
      if (!batch.length) break;
      afterId = batch.at(-1)!.photoId;
      try {
        const overBudget = this.blockedBecause(this.chosenModel().provider);
        if (overBudget) throw new UserError(overBudget);
        if (!(await this.embedAndStore(batch))) {
          throw new UserError('The embedding model was changed while embedding; run "captionist embeddings run" again.');
        }
      } catch (error) {
        const goesOn = `${done} of ${total} photos were embedded before; "captionist embeddings run" goes on from there.`;
        if (error instanceof ProviderError && done > 0) throw error.withNote(goesOn);
        if (error instanceof UserError && done > 0) throw new UserError(`${error.message} ${goesOn}`);
        throw error;
      }
      done += batch.length;
      this.deps.emit('embeddings:progress', { done, total });
    }
    return this.status(scopes);
  }

  /** Ends the runs under way (Ctrl-C) once their current request is stored. */
  stopRuns(): void {
    this.stopping.abort();
    this.stopping = new AbortController();
  }

  /**
   * One step of the queue's embedding for `provider`: the next 64 waiting captions after `afterId`
   * embedded in one request and stored, in one transaction, with the job's completion and the next
   * job, queued while captions wait (a killed process loses at most this request). One request a
   * job lets the lane's policy (budget, offline, 429, a rejected key) act between any two.
   */
  async embedStep(provider: string, afterId: number, signal: AbortSignal, complete: () => void): Promise<void> {
    const model = this.deps.repo.model();
    // Another provider chosen since this job was queued: that provider's own job embeds.
    if (model?.provider !== provider) return complete();
    const batch = this.deps.repo.pending(afterId, textsPerRequest);
    const embeddings = batch.length ? await this.embedderFor(model).embed(texts(batch), signal) : { vectors: [], inputTokens: null };
    this.deps.repo.storeStep(model, rows(batch, embeddings.vectors), embeddings.inputTokens ?? 0, complete);
  }

  /** Queues the embed job when captions wait without one (a job that failed or was cancelled); at the queue's start. */
  queueBacklog(): void {
    if (this.deps.repo.queueBacklog()) this.deps.logger.info('embeddings: queued the captions waiting for embedding');
  }

  /**
   * Embeds one request's texts with the chosen model, asked again as the retry policy says, and
   * stores the vectors with the tokens they cost. False when the model changed meanwhile: nothing
   * is stored.
   */
  private async embedAndStore(batch: readonly TextToEmbed[]): Promise<boolean> {
    const model = this.chosenModel();
    const embedder = this.embedderFor(model);
    const { vectors, inputTokens } = await this.withRetries(() => embedder.embed(texts(batch)));
    return this.deps.repo.store(model, rows(batch, vectors), inputTokens ?? 0);
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
    const { vectors, inputTokens } = await this.embedderFor(model).embed([key], signal);
    this.deps.repo.cacheQuery(key, vectors[0]!, inputTokens ?? 0);
    return vectors[0]!;
  }

  vectorOf(photoId: number): Float32Array | null {
    return this.deps.repo.vectorOf(photoId);
  }

  /** The index, first caught up with the codes written and removed since it last looked (here or by another process). */
  vectorIndex(): VectorIndex {
    this.catchUp(Infinity);
    return this.index!;
  }

  /**
   * Builds the index between other work, a slice of codes a step (25 to 60 ms each; about 1 s in all
   * at a million photos), then runs a few searches with sampled vectors, one a step: the first
   * searches by meaning find it ready, its loops already compiled (else the first search after
   * it takes 30 to 40 ms more at a million photos, the next two 10 to 20). For the app and
   * `serve`, once search by meaning is set up. A search meanwhile finishes the build at once.
   */
  prepareIndexInBackground(): void {
    if (this.preparing || (this.index && this.complete) || !this.ready()) return;
    this.preparing = true;
    let warmedUp = 0;
    const step = () => {
      let more = false;
      try {
        if (this.deps.repo.open && !(this.index && this.complete)) {
          this.catchUp(this.deps.indexSlice ?? codesPerSlice);
          more = true;
        } else if (this.deps.repo.open && this.index && warmedUp < warmUpSearches) {
          const vector = this.chance?.vectors[warmedUp++];
          if (vector) this.index.nearest(vector, warmUpDepth, 1, null);
          more = vector !== undefined;
        }
      } catch (error) {
        // The first search builds it instead.
        this.deps.logger.warn(`embeddings: preparing the search index stopped: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (more) setTimeout(step, 0).unref();
      else this.preparing = false;
    };
    // After the first screen's requests: a window opening with the app waits for none of it.
    setTimeout(step, this.deps.indexDelayMs ?? indexDelayMs).unref();
  }

  /**
   * Takes in the codes written and removed since the index last looked, about `limit` of them;
   * the first time it is current, it is sampled (see meaningFloor) and old short codes lengthened.
   */
  private catchUp(limit: number): void {
    const { repo } = this.deps;
    let index = this.index ?? this.newIndex();
    const put = (photoId: number, codes: Uint32Array, offset: number, length: number) => index.put(photoId, codes, offset, length);
    let caughtUp = repo.codeChangesSince(this.indexedSeqs, put, (photoId) => index.remove(photoId), limit);
    if (!caughtUp) {
      // Removals it had not seen were pruned (over 100,000 since): built again from every code.
      index = this.newIndex();
      caughtUp = repo.codeChangesSince(this.indexedSeqs, put, (photoId) => index.remove(photoId), limit)!;
    }
    this.indexedSeqs = caughtUp.seqs;
    if (!caughtUp.complete) return;
    // Sampled with the index, not by the search after it (256 rows read: 75 ms at a million
    // photos), and again when the library has doubled since.
    if (!this.chance || index.size >= 2 * this.chance.indexSize) {
      const photoIds = index.spreadSample(chanceSampleSize);
      this.chance = { indexSize: Math.max(1, index.size), vectors: repo.currentVectors(photoIds).map(([, blob]) => fromBlob(blob)) };
    }
    if (!this.complete) {
      this.complete = true;
      if (index.shortOnly) this.lengthenCodesInBackground();
    }
  }

  private newIndex(): VectorIndex {
    const { repo } = this.deps;
    this.index = new VectorIndex({ vectors: (photoIds) => repo.currentVectors(photoIds) });
    const span = repo.codeSpan();
    this.index.reserve(span.codes, span.largestPhotoId);
    this.indexedSeqs = repo.codeSeqsOfNewIndex();
    this.complete = false;
    this.chance = undefined;
    return this.index;
  }

  /**
   * Gives the photos coded before long codes theirs, from their stored vectors, a step at a time
   * between other work (a minute at a million photos); the index takes them in as it catches up,
   * and meanwhile ranks those photos from their floats.
   */
  private lengthenCodesInBackground(): void {
    if (this.lengthening) return;
    this.lengthening = true;
    let afterId = 0;
    const step = () => {
      try {
        const last = this.deps.repo.open ? this.deps.repo.lengthenCodes(afterId, codesPerStep) : null;
        if (last === null) {
          this.lengthening = false;
          return;
        }
        afterId = last;
        setTimeout(step, 0).unref();
      } catch (error) {
        // Tried again when the index is next built; searches meanwhile rank those photos from their floats.
        this.lengthening = false;
        this.deps.logger.warn(`embeddings: lengthening the sign codes stopped: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    setTimeout(step, 0).unref();
  }

  /** The cosine a photo must reach to mean what `vector` means, measured against the library's own vectors. */
  meaningFloor(vector: Float32Array): number {
    // The sample is taken with the index (searches have just caught it up).
    if (!this.index || !this.chance) this.vectorIndex();
    return meaningFloor(vector, this.chance!.vectors);
  }

  private chosenModel(): EmbeddingModel {
    const model = this.deps.repo.model();
    if (!model) throw new UserError('Search by meaning is not set up: choose a provider with "captionist embeddings use NAME".');
    return model;
  }

  private embedderFor(model: EmbeddingModel): TextEmbedder {
    return this.deps.providers.embedder(model.provider, model.model, model.dimensions, model.requestedDimensions !== null);
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

/** What a request sends for each photo (a server refuses an empty input). */
function texts(batch: readonly TextToEmbed[]): string[] {
  return batch.map((row) => row.text || ' ');
}

function rows(batch: readonly TextToEmbed[], vectors: readonly Float32Array[]): StoredVector[] {
  return batch.map((row, index) => ({ photoId: row.photoId, captionId: row.captionId, text: row.text, vector: vectors[index]! }));
}
