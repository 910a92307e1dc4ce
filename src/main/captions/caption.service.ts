import { CaptionOptionsSchema } from '../../shared/captioning';
import type {
  CaptionOptionOverrides,
  CaptionProgress,
  CaptionRunResult,
  CostEstimate,
  ProviderConfig,
  ProviderTestResult,
} from '../../shared/captioning';
import type { ClaimedJob } from '../db/jobs.repo';
import type { LaneState } from '../../shared/queue';
import type { CaptionTarget } from '../db/photos.repo';
import type { SharpAdapter } from '../images/sharp.adapter';
import { photoSelection } from '../db/path-scope';
import { UserError } from '../base/errors';
import type { Logger } from '../base/logger';
import { ProviderError } from '../providers/errors';
import { imageLimitsFor } from '../providers/presets';
import type { JobContext, JobHandler, JobOutcome } from '../queue/job-lane';
import { captionCost, expectedTokens, hasPrice, sentSize } from './cost';
import { normaliseAnswer } from './normalise';
import { buildPrompt } from './prompt';
import { answerCost, captionImageSize, CaptionSteps, describeCaptionError } from './caption-steps';
import type { CaptionStepsDeps } from './caption-steps';
import { samplePhotoSvg } from './sample-photo';
import { formatUsd } from '../../shared/money';

export interface CaptionServiceDeps extends CaptionStepsDeps {
  images: SharpAdapter;
  logger: Logger;
  /** What embedding with a provider cost so far: its budget covers captions and embeddings together. */
  embeddingSpend(provider: string): number;
}

export interface CaptionRunRequest {
  provider: string;
  /** Files or folders; the whole library when empty. */
  paths: readonly string[];
  /** These photos instead of paths. */
  photoIds?: readonly number[];
  options: CaptionOptionOverrides;
  /** Caption again photos that already have a caption of ours. */
  force: boolean;
  /** Send the run through the provider's Batch API (cheaper, slower). */
  viaBatch?: boolean;
}

/**
 * Captions photos: picks those awaiting a caption and queues one job per photo; as the queue's
 * handler for caption jobs it sends the caption-ready JPEG, validates the answer and stores it as
 * a new caption version with its provider, model, prompt, tokens and cost.
 */
/** Caption-ready copies made ahead of their jobs at once: about one per core. */
const prepareAheadAtOnce = 2;

export class CaptionService {
  /** Fingerprints whose caption-ready copy is being made ahead of its job. */
  private readonly preparing = new Set<string>();

  /** Preparing a photo's request and storing its answer; the Batch API path uses the same steps. */
  readonly steps: CaptionSteps;

  constructor(private readonly deps: CaptionServiceDeps) {
    this.steps = new CaptionSteps(deps);
  }

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
  estimate(request: CaptionRunRequest): CostEstimate {
    const { config, imageTokens } = this.deps.providers.configFor(request.provider);
    const targets = this.targets(request);
    let inputTokens = 0;
    let outputTokens = 0;
    let costUsd: number | null = hasPrice(config.pricing) ? 0 : null;
    for (const target of targets) {
      const options = this.steps.optionsFor(target, request.options);
      const size = sentSize(target.width, target.height, imageLimitsFor(config));
      const expected = expectedTokens(imageTokens, size, options.detail);
      inputTokens += expected.inputTokens;
      outputTokens += expected.outputTokens;
      if (costUsd !== null) costUsd += captionCost(config.pricing, expected.inputTokens, expected.outputTokens) ?? 0;
    }
    return { photos: targets.length, inputTokens, outputTokens, costUsd };
  }

  /**
   * Starts a run: picks the photos awaiting a caption and queues one job per photo (a photo that
   * already has an unfinished job keeps it, handed to this run). The queue does the work.
   */
  queueRun(request: CaptionRunRequest): { runId: number; provider: string; total: number } {
    const { config } = this.deps.providers.configFor(request.provider);
    // Chosen and queued in one write transaction: a photo another process captioned in between
    // would be queued, and captioned, twice.
    return this.deps.db.transaction(() => {
      const targets = this.targets(request);
      return { ...this.queuePhotos(config.name, targets.map((target) => target.id), request.options, request.viaBatch), total: targets.length };
    })();
  }

  /** Queues these photos for `provider` as a new run, or as part of `runId` (a watch session's). */
  queuePhotos(provider: string, photoIds: readonly number[], options: CaptionOptionOverrides, viaBatch = false, runId?: number) {
    const at = this.timestamp();
    const id = this.deps.db.transaction(() => {
      const id = runId ?? this.deps.runs.start(provider, options, 0, at);
      this.deps.jobs.enqueue('caption', provider, photoIds, { options }, { runId: id, at, viaBatch });
      this.deps.runs.addToTotal(id, photoIds.length);
      return id;
    })();
    return { runId: id, provider };
  }

  /** The queue's handler for caption jobs. */
  readonly jobHandler: JobHandler = {
    kind: 'caption',
    concurrency: (provider) => this.configOrNull(provider)?.concurrency ?? 1,
    blockedBecause: (provider) => (this.affordablePhotos(provider ?? '') > 0 ? null : this.budgetMessage(provider ?? '')),
    reachable: (provider, signal) => this.deps.providers.reachable(provider ?? '', signal),
    run: (job, context) => this.captionJob(job, context),
    describeError: describeCaptionError,
  };

  /** How a run stands, for progress. */
  runProgress(runId: number, provider: string, lane: { state: LaneState; message: string | null }): CaptionProgress {
    const counts = this.deps.jobs.runCounts(runId);
    return {
      runId,
      provider,
      done: counts.done,
      failed: counts.failed,
      total: counts.total,
      costUsd: this.deps.runs.totals(runId).costUsd,
      providerState: lane.state,
      providerMessage: lane.message,
    };
  }

  /** The provider a run captions with. */
  runProvider(runId: number): string {
    const run = this.deps.runs.get(runId) as { provider: string } | undefined;
    if (!run) throw new UserError(`No caption run with id ${runId}.`);
    return run.provider;
  }

  /** Closes a run and sums it up; `stoppedBecause` says why it ended with photos still queued. */
  finishRun(runId: number, requested: number, stoppedBecause: string | null): CaptionRunResult {
    const { deps } = this;
    const counts = deps.jobs.runCounts(runId);
    const failed = deps.jobs.list([], ['failed', 'cancelled'], 10_000, runId).map((job) => ({
      path: job.path,
      message: job.lastError ?? 'Cancelled.',
    }));
    deps.runs.finish(runId, counts.failed, this.timestamp());
    if (stoppedBecause) deps.logger.warn(`caption run ${runId} stopped: ${stoppedBecause}`);
    const totals = deps.runs.totals(runId);
    const run = deps.runs.get(runId);
    return {
      runId,
      provider: run.provider,
      total: requested,
      captioned: counts.done,
      failed,
      inputTokens: totals.inputTokens,
      outputTokens: totals.outputTokens,
      costUsd: totals.costUsd,
      stoppedBecause,
    };
  }

  private async captionJob(job: ClaimedJob, context: JobContext): Promise<JobOutcome> {
    this.prepareAhead(job.provider ?? '');
    const prepared = await this.steps.prepare(job);
    const { client } = prepared;
    const answer = await client.caption({
      image: prepared.image,
      prompt: prepared.prompt,
      options: prepared.options,
      resumeTaskId: job.remoteTaskId,
      onTaskId: (taskId) => this.deps.jobs.setRemoteTaskId(job.id, taskId, this.timestamp()),
      signal: context.signal,
    });
    this.steps.store(job.id, { config: prepared.config, label: client.label, model: client.model }, prepared.sent, answer, context.complete);
    return { rateLimit: answer.rateLimit };
  }

  /**
   * Makes the caption-ready copies of the provider's next jobs while this one waits for its
   * answer, a few at a time, so a slot that frees up sends at once instead of first spending tens
   * of milliseconds of CPU on the picture. Without it all slots start, wait and finish together,
   * and every round trip grows by the time it takes to make a whole round of pictures.
   */
  private prepareAhead(provider: string): void {
    // Copies under way when the core closes must not touch the closed database.
    if (!this.deps.db.open) return;
    const config = this.configOrNull(provider);
    if (!config) return;
    const free = prepareAheadAtOnce - this.preparing.size;
    if (free <= 0) return;
    const upcoming = this.deps.jobs
      .nextDue('caption', config.name, config.concurrency + prepareAheadAtOnce, this.timestamp())
      .filter((target) => !this.preparing.has(target.fingerprint));
    for (const target of upcoming.slice(0, free)) {
      this.preparing.add(target.fingerprint);
      this.deps.derivatives
        .captionImage(target.path, target.fingerprint, captionImageSize(config, target))
        // A picture that cannot be made now fails its own job later, with the reason.
        .catch(() => undefined)
        .finally(() => {
          this.preparing.delete(target.fingerprint);
          this.prepareAhead(provider);
        });
    }
  }

  /**
   * How many more photos the provider's budget allows: what is left of it, divided by what a photo
   * is expected to cost, less the jobs already running (sent, or about to be, and not yet paid).
   * Infinite without a budget or a price.
   */
  affordablePhotos(provider: string): number {
    const config = this.configOrNull(provider);
    if (!config?.budgetUsd) return Infinity;
    const perPhoto = this.expectedCostPerPhoto(config);
    if (perPhoto <= 0) return Infinity;
    const left = config.budgetUsd - this.spentWith(config.name);
    // The small epsilon keeps 0.03 / 0.01 from coming out as 2.9999.
    return Math.floor(left / perPhoto + 1e-9) - this.deps.jobs.runningCount('caption', config.name);
  }

  /** What the provider's budget has paid for: its captions and its embeddings. */
  private spentWith(provider: string): number {
    return this.deps.captions.costForProvider(provider) + this.deps.embeddingSpend(provider);
  }

  /** What the user sees when the budget stops a provider. */
  budgetMessage(provider: string): string {
    const config = this.configOrNull(provider);
    if (!config?.budgetUsd) return `${provider} has no budget set.`;
    const spent = this.spentWith(config.name);
    const committed = this.deps.jobs.runningCount('caption', config.name) * this.expectedCostPerPhoto(config);
    return (
      `Budget reached: ${formatUsd(spent + committed)} of ${formatUsd(config.budgetUsd)} spent` +
      `${committed > 0 ? ' or committed to photos in flight' : ''} with ${config.name}. ` +
      `Raise it with "provider add ${config.name} ... --budget USD" to go on.`
    );
  }

  private expectedCostPerPhoto(config: ProviderConfig): number {
    const { imageTokens } = this.deps.providers.configFor(config.name);
    // A camera frame of unknown size: 3:2 at the largest size the provider is sent.
    const expected = expectedTokens(imageTokens, sentSize(null, null, imageLimitsFor(config)), 'medium');
    return captionCost(config.pricing, expected.inputTokens, expected.outputTokens) ?? 0;
  }

  private configOrNull(provider: string | null): ProviderConfig | null {
    try {
      return this.deps.providers.configFor(provider ?? '').config;
    } catch {
      return null;
    }
  }

  private targets(request: CaptionRunRequest): CaptionTarget[] {
    return this.deps.photos.awaitingCaption(photoSelection(request), request.force);
  }

  private timestamp(): string {
    return this.deps.now().toISOString();
  }

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
