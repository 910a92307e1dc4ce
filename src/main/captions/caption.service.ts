import { realpathSync, statSync } from 'node:fs';
import { basename, dirname, resolve, sep } from 'node:path';
import type { Database } from 'better-sqlite3';
import { CaptionOptionOverridesSchema, CaptionOptionsSchema } from '../../shared/captioning';
import type {
  CaptionFields,
  CaptionOptionOverrides,
  CaptionProgress,
  CaptionRunResult,
  CostEstimate,
  DetailLevel,
  ProviderConfig,
  ProviderTestResult,
} from '../../shared/captioning';
import type { CaptionRunsRepository } from '../db/caption-runs.repo';
import type { CaptionsRepository } from '../db/captions.repo';
import type { FoldersRepository } from '../db/folders.repo';
import type { JobsRepository } from '../db/jobs.repo';
import type { CaptionTarget, PhotosRepository } from '../db/photos.repo';
import { UserError } from '../errors';
import type { Derivatives } from '../images/derivatives';
import type { SharpAdapter } from '../images/sharp.adapter';
import { describeFileError } from '../library/file-errors';
import { describeImageError } from '../library/image-errors';
import type { Logger } from '../logger';
import type { ExifToolAdapter } from '../metadata/exiftool.adapter';
import { ProviderError } from '../providers/errors';
import { imageTokenRuleFor } from '../providers/presets';
import type { TokenUsage } from '../providers/provider';
import type { ProviderRegistry } from '../providers/provider-registry';
import { withRetries } from '../providers/retry';
import type { RetryPolicy } from '../providers/retry';
import { captionCost, expectedTokens, hasPrice, sentSize } from './cost';
import { normaliseAnswer } from './normalise';
import { buildPrompt } from './prompt';
import { samplePhotoSvg } from './sample-photo';

export interface CaptionServiceDeps {
  db: Database;
  photos: PhotosRepository;
  folders: FoldersRepository;
  captions: CaptionsRepository;
  runs: CaptionRunsRepository;
  jobs: JobsRepository;
  providers: ProviderRegistry;
  derivatives: Derivatives;
  images: SharpAdapter;
  metadata: ExifToolAdapter;
  logger: Logger;
  now: () => Date;
  retryPolicy: RetryPolicy;
  /** How long a running job is ours before another process may take it over. */
  leaseMs: number;
}

export interface CaptionRunRequest {
  provider: string;
  /** Files or folders; the whole library when empty. */
  paths: readonly string[];
  options: CaptionOptionOverrides;
  /** Caption again photos that already have a caption of ours. */
  force: boolean;
  signal?: AbortSignal;
}

/** Failures that concern every photo alike: going on would only repeat them (and may cost money). */
const runStoppingKinds = new Set(['auth', 'credits', 'forbidden', 'not-found', 'network', 'rate-limited']);

/**
 * Captions photos: picks those awaiting a caption, queues one job per photo, and works through
 * them with the provider's concurrency. Each job sends the caption-ready JPEG, validates the answer
 * and stores it as a new caption version with its provider, model, prompt, tokens and cost.
 */
export class CaptionService {
  constructor(private readonly deps: CaptionServiceDeps) {}

  /**
   * One real call on the built-in sample picture, without retries: the answer, or what went
   * wrong and what to do about it.
   */
  async testProvider(name: string): Promise<ProviderTestResult> {
    const { config, provider } = this.deps.providers.open(name);
    const options = CaptionOptionsSchema.parse({});
    const image = await this.deps.images.rasterize(samplePhotoSvg);
    const prompt = buildPrompt(options, { fileName: 'sample.jpg', folderName: null, place: null, capturedAt: null });
    const started = performance.now();
    try {
      const answer = await provider.caption({ image, prompt, options });
      const caption = normaliseAnswer(answer, options.language);
      if (!caption) throw new ProviderError('invalid-response', provider.label, `${provider.label} answered without a usable caption`);
      return {
        ok: true,
        provider: config.name,
        model: answer.model ?? provider.model,
        caption,
        latencyMs: Math.round(performance.now() - started),
        inputTokens: answer.usage.inputTokens,
        outputTokens: answer.usage.outputTokens,
        costUsd: answerCost(config, answer.usage, image, options.detail),
      };
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      this.deps.logger.warn(`provider test ${config.name}: ${error.message}`);
      return { ok: false, provider: config.name, message: error.message, hint: hintFor(error, config) };
    }
  }

  /** What a run would cost, from the photos' sizes and the provider's token formula and prices. */
  estimate(request: Omit<CaptionRunRequest, 'signal'>): CostEstimate {
    const { config, imageTokens } = this.deps.providers.configFor(request.provider);
    const targets = this.targets(request.paths, request.force);
    let inputTokens = 0;
    let outputTokens = 0;
    let costUsd: number | null = hasPrice(config.pricing) ? 0 : null;
    for (const target of targets) {
      const options = this.optionsFor(target, request.options);
      const size = sentSize(target.width, target.height, config.imageLongEdge);
      const expected = expectedTokens(imageTokens, size, options.detail);
      inputTokens += expected.inputTokens;
      outputTokens += expected.outputTokens;
      if (costUsd !== null) costUsd += captionCost(config.pricing, expected.inputTokens, expected.outputTokens) ?? 0;
    }
    return { photos: targets.length, inputTokens, outputTokens, costUsd };
  }

  async run(request: CaptionRunRequest, onProgress?: (progress: CaptionProgress) => void): Promise<CaptionRunResult> {
    const { deps } = this;
    const { config, provider } = deps.providers.open(request.provider);
    const targets = this.targets(request.paths, request.force);
    const startedAt = this.timestamp();
    const runId = deps.runs.start(config.name, request.options, targets.length, startedAt);
    const jobIds = deps.jobs.enqueue('caption', config.name, targets.map((target) => target.id), { options: request.options }, startedAt);

    const failed: { path: string; message: string }[] = [];
    let skipped = 0;
    let stoppedBecause: string | null = null;
    let next = 0;
    const inFlight = new Set<number>();
    const progress = (currentPath: string | null) => {
      const totals = deps.runs.totals(runId);
      onProgress?.({
        runId,
        provider: config.name,
        done: totals.captioned,
        failed: totals.failed,
        total: jobIds.length,
        currentPath,
        costUsd: totals.costUsd,
      });
    };
    const leaseRenewal = setInterval(() => deps.jobs.renewLease([...inFlight], this.leaseUntil()), deps.leaseMs / 3);
    leaseRenewal.unref();

    const worker = async () => {
      while (next < jobIds.length && !stoppedBecause && !request.signal?.aborted) {
        const jobId = jobIds[next++]!;
        const job = deps.jobs.claim(jobId, this.timestamp(), this.leaseUntil());
        if (!job) {
          skipped++;
          continue;
        }
        const target = deps.photos.captionTarget(job.photoId);
        if (!target || target.status === 'missing') {
          const message = 'The file is missing; index its folder again once it is back.';
          deps.jobs.fail(jobId, message, false, this.timestamp());
          deps.runs.recordFailed(runId);
          failed.push({ path: target?.path ?? `photo ${job.photoId}`, message });
          continue;
        }
        inFlight.add(jobId);
        progress(target.path);
        try {
          const overrides = CaptionOptionOverridesSchema.catch({}).parse((JSON.parse(job.payload) as { options?: unknown }).options);
          await this.captionOne(jobId, runId, target, overrides, config, provider, request.signal);
        } catch (error) {
          if (request.signal?.aborted) {
            deps.jobs.release(jobId, this.timestamp());
          } else if (error instanceof ProviderError && runStoppingKinds.has(error.kind)) {
            // The photo is not to blame: it goes back to the queue for the next run.
            deps.jobs.release(jobId, this.timestamp());
            stoppedBecause ??= error.message;
          } else {
            const message = describeCaptionError(error);
            deps.logger.error(`caption ${target.path}: ${message}`);
            const keepTask = error instanceof ProviderError && error.retryable && error.kind !== 'invalid-response';
            deps.jobs.fail(jobId, message, keepTask, this.timestamp());
            deps.runs.recordFailed(runId);
            failed.push({ path: target.path, message });
          }
        } finally {
          inFlight.delete(jobId);
          progress(null);
        }
      }
    };

    try {
      await Promise.all(Array.from({ length: Math.min(config.concurrency, Math.max(1, jobIds.length)) }, worker));
    } finally {
      clearInterval(leaseRenewal);
      deps.runs.finish(runId, this.timestamp());
    }
    if (stoppedBecause) deps.logger.warn(`caption run ${runId} stopped: ${stoppedBecause}`);
    const totals = deps.runs.totals(runId);
    return {
      runId,
      provider: config.name,
      total: jobIds.length,
      captioned: totals.captioned,
      skipped,
      failed,
      inputTokens: totals.inputTokens,
      outputTokens: totals.outputTokens,
      costUsd: totals.costUsd,
      stoppedBecause,
    };
  }

  private async captionOne(
    jobId: number,
    runId: number,
    target: CaptionTarget,
    overrides: CaptionOptionOverrides,
    config: ProviderConfig,
    provider: ReturnType<ProviderRegistry['open']>['provider'],
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const { deps } = this;
    const options = this.optionsFor(target, overrides);
    const image = await deps.derivatives.loadCaptionImage(target.path, target.fingerprint, {
      longEdge: config.imageLongEdge,
      maxBytes: config.imageMaxBytes,
    });
    const place = options.includePlace ? await deps.metadata.readPlace(target.path).catch(() => null) : null;
    const prompt = buildPrompt(options, {
      fileName: target.fileName,
      // The folder the photo sits in says more ("Lisbon trip") than the library folder above it.
      folderName: basename(dirname(target.path)),
      place,
      capturedAt: target.capturedAt,
    });
    const { answer, fields } = await withRetries(
      async () => {
        const answer = await provider.caption({
          image,
          prompt,
          options,
          // Re-read on every attempt: an asynchronous provider may have named its task meanwhile.
          resumeTaskId: deps.jobs.remoteTaskId(jobId),
          onTaskId: (taskId) => deps.jobs.setRemoteTaskId(jobId, taskId, this.timestamp()),
          signal,
        });
        const fields: CaptionFields | null = normaliseAnswer(answer, options.language);
        if (!fields) {
          throw new ProviderError('invalid-response', provider.label, `${provider.label} answered without a usable caption`);
        }
        return { answer, fields };
      },
      deps.retryPolicy,
      (error, delayMs, attempt) =>
        deps.logger.warn(`caption ${target.path}: attempt ${attempt} failed (${error.message}); retrying in ${Math.round(delayMs)} ms`),
      signal,
    );
    const costUsd = answerCost(config, answer.usage, image, options.detail);
    deps.db.transaction(() => {
      deps.captions.insertGenerated({
        photoId: target.id,
        runId,
        fields,
        provider: config.name,
        model: answer.model ?? provider.model,
        prompt: prompt.user,
        promptVersion: prompt.version,
        options,
        inputTokens: answer.usage.inputTokens,
        outputTokens: answer.usage.outputTokens,
        costUsd,
        createdAt: this.timestamp(),
      });
      deps.jobs.complete(jobId, this.timestamp());
      deps.runs.recordCaptioned(runId, answer.usage.inputTokens, answer.usage.outputTokens, costUsd);
    })();
  }

  /** Folder defaults first, then what this run asked for. */
  private optionsFor(target: CaptionTarget, overrides: CaptionOptionOverrides) {
    const folderDefaults = this.deps.folders.captionOptions(target.folderId);
    const defined = Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined));
    return CaptionOptionsSchema.parse({ ...folderDefaults, ...defined });
  }

  private targets(paths: readonly string[], force: boolean): CaptionTarget[] {
    return this.deps.photos.awaitingCaption(paths.map(scopeFor), force);
  }

  private timestamp(): string {
    return this.deps.now().toISOString();
  }

  private leaseUntil(): string {
    return new Date(this.deps.now().getTime() + this.deps.leaseMs).toISOString();
  }
}

/** What a caption cost: by the tokens the provider reported, else by the tokens expected for the image sent. */
function answerCost(
  config: ProviderConfig,
  usage: TokenUsage,
  image: { width: number; height: number },
  detail: DetailLevel,
): number | null {
  const expected = expectedTokens(imageTokenRuleFor(config.type, config.preset), image, detail);
  return captionCost(config.pricing, usage.inputTokens ?? expected.inputTokens, usage.outputTokens ?? expected.outputTokens);
}

const localHosts = /^(localhost|127\.|\[::1\]|0\.0\.0\.0)/;

/** What the user can do about a failed provider call. */
function hintFor(error: ProviderError, config: ProviderConfig): string {
  const local = localHosts.test(new URL(config.baseUrl).host);
  switch (error.kind) {
    case 'auth':
      return config.apiKeyEnv
        ? `Check the key in the environment variable ${config.apiKeyEnv}: copy it again from the provider's dashboard.`
        : "Enter the key again in Settings: copy it from the provider's dashboard.";
    case 'credits':
      return "Add credits or raise the spending limit on the provider's dashboard, then run again.";
    case 'forbidden':
      return 'Check that your plan includes this model or endpoint, or choose another model with --model.';
    case 'not-found':
      return local
        ? `Check the base URL (${config.baseUrl}) and that the model is installed (for Ollama: ollama pull ${config.model ?? 'MODEL'}).`
        : `Check the base URL (${config.baseUrl}) and the model name (${config.model ?? 'none set'}).`;
    case 'network':
      return local
        ? `Start the server (for Ollama: ollama serve) and check that it listens at ${config.baseUrl}.`
        : `Check your internet connection, a proxy if you use one, and the base URL (${config.baseUrl}).`;
    case 'timeout':
      return local
        ? 'A local model can take minutes to load on its first call: try again once it is loaded.'
        : 'The service is slow right now: try again, or raise the timeout.';
    case 'rate-limited':
      return 'Wait a minute and try again; lower the provider\'s --concurrency if it keeps happening.';
    case 'server':
      return 'The service has a problem of its own: try again later.';
    case 'too-large':
      return 'Lower the provider\'s image size limit.';
    case 'refused':
      return 'The sample picture is harmless, so check the model and its safety settings.';
    case 'bad-request':
    case 'unprocessable':
    case 'invalid-response':
      return 'Check that the model accepts images (a vision model) and that the base URL points at the right API.';
    case 'task-failed':
    case 'maybe-submitted':
      return 'Try again; if it keeps failing, check the task on the provider\'s dashboard.';
  }
}

/** A file as itself, a folder as the prefix of everything below it; link-resolved as the library stores paths. */
function scopeFor(path: string): string {
  const absolute = resolve(path);
  let real: string;
  try {
    real = realpathSync(absolute);
  } catch {
    throw new UserError(`Not found: ${absolute}`);
  }
  return statSync(real).isDirectory() ? (real.endsWith(sep) ? real : real + sep) : real;
}

function describeCaptionError(error: unknown): string {
  if (error instanceof ProviderError) return error.message;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'The file is gone since it was last indexed; index its folder again.';
  if (code && /^E[A-Z]+$/.test(code)) return describeFileError(error, 'file');
  return describeImageError(error, 'so it could not be sent for captioning');
}
