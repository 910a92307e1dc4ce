import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate } from 'node:timers/promises';
import type { Database } from 'better-sqlite3';
import type { ProviderConfig } from '../../shared/captioning';
import type { CaptionBatch, CaptionBatchesRepository, CaptionBatchRequest } from '../db/caption-batches.repo';
import type { ClaimedJob, JobsRepository } from '../db/jobs.repo';
import { UserError } from '../base/errors';
import { classifiedFailure } from '../base/failure';
import type { ClassifiedFailure, FailureKind } from '../base/failure';
import type { Logger } from '../base/logger';
import { ProviderError } from '../providers/errors';
import { batchBaseUrlFor, batchEndpoint, batchFileLimits, isFinalStatus } from '../providers/openai-batch';
import type { BatchResultLine, RemoteBatch } from '../providers/openai-batch';
import type { BatchApi, CaptionProvider } from '../providers/provider';
import type { ProviderRegistry } from '../providers/provider-registry';
import { retryDelay } from '../base/retry';
import type { RetryPolicy } from '../base/retry';
import type { Lane } from '../queue/lane';
import type { BatchLanes, LaneContext, LaneStep, LaneWork } from '../queue/lane-work';
import { describeCaptionError } from './caption-steps';
import type { CaptionSteps, SentCaption } from './caption-steps';

export interface BatchOptions {
  /** How often a submitted batch is polled. */
  pollIntervalMs: number;
  /** Photos in one batch at most. */
  maxPhotos: number;
  /** Lines and bytes of one batch file at most (the Batch API's limits). */
  maxLines: number;
  maxFileBytes: number;
}

export const defaultBatchOptions: BatchOptions = {
  pollIntervalMs: 60_000,
  maxPhotos: 5000,
  maxLines: batchFileLimits.maxLines,
  maxFileBytes: batchFileLimits.maxBytes,
};

export interface BatchServiceDeps {
  db: Database;
  jobs: JobsRepository;
  batches: CaptionBatchesRepository;
  providers: ProviderRegistry;
  steps: CaptionSteps;
  logger: Logger;
  now: () => Date;
  retryPolicy: RetryPolicy;
  /** Where batch files are built before upload. */
  workDir: string;
  options?: Partial<BatchOptions>;
  /** How many more photos the provider's budget allows, and what to say when it allows none. */
  budget?: { affordablePhotos(provider: string): number; budgetMessage(provider: string): string };
}

/** Thrown inside an import transaction when another process stored the line first. */
class AlreadyImported extends Error {}

/** A batch's answers said what only the user can fix (a key revoked meanwhile): its lane stops once they are stored. */
class LaneStopped extends Error implements ClassifiedFailure {
  readonly failureKind: FailureKind = 'stops-lane';
  readonly taskMayFinish = false;
}

interface OpenBatchProvider {
  config: ProviderConfig;
  client: CaptionProvider;
  api: BatchApi;
}

/**
 * The work of the queue's Batch API lanes (jobs with via_batch = 1), which the scheduler runs step
 * by step under the lane policy: per provider it gathers the waiting jobs into a JSONL file,
 * uploads it, creates a batch, polls it, and imports each answer as the direct path would have
 * stored it. Every remote id is stored the moment it is known, so a restart polls instead of
 * sending again; a batch whose create call may have reached the service is looked up by its
 * metadata before anything is resent. Outages and server errors only delay it; a rejected key
 * stops it until the user acts, photos still queued.
 */
export class BatchService implements BatchLanes {
  private readonly options: BatchOptions;
  /** What the service last said about each submitted batch, for the progress message. */
  private readonly remote = new Map<number, RemoteBatch>();
  private readonly nextPollAt = new Map<number, number>();
  /** The scheduler's owner id and listener, given with the lanes' work (one scheduler per process). */
  private context: LaneContext | null = null;

  constructor(private readonly deps: BatchServiceDeps) {
    this.options = { ...defaultBatchOptions, ...deps.options };
  }

  providers(waiting: readonly string[]): string[] {
    return [...new Set([...waiting, ...this.deps.batches.active().map((batch) => batch.provider)])];
  }

  /** One step at a time per provider: a batch file is sent, polled or collected before the next step. */
  work(provider: string, context: LaneContext): LaneWork {
    this.context = context;
    return {
      concurrency: () => 1,
      blockedBecause: () => this.budgetBlocks(provider),
      take: (now) => this.nextStep(provider, now),
      nextDueAt: (now) => this.nextDueAt(provider, now),
      status: (lane) => this.status(provider, lane),
    };
  }

  /** A batch we were preparing is anyone's to recover now, this process included after a restart. */
  disown(owner: string): void {
    this.deps.batches.disown(owner);
  }

  /** Refuses a Batch API run for a provider without a Batch API we can use. */
  assertSupported(providerName: string): void {
    const { config } = this.deps.providers.configFor(providerName);
    if (batchBaseUrlFor(config)) return;
    throw new UserError(
      config.type === 'openai-compatible'
        ? `Provider "${config.name}" has no batch base URL, so it cannot caption through a Batch API: set one (the inference-net and openai presets have it), or run without --batch.`
        : `Provider "${config.name}" (${config.type}) has no Batch API: only OpenAI-compatible providers with a batch base URL can caption with --batch.`,
    );
  }

  /** The lane's status: the photos in its batches under way, and where each batch stands. */
  private status(provider: string, lane: Lane) {
    const mine = this.deps.batches.active().filter((batch) => batch.provider === provider);
    const photos = mine.reduce((sum, batch) => sum + batch.requestCount, 0);
    const busy = mine.length > 0 && (lane.state === 'idle' || lane.state === 'running');
    // Nothing moves while the lane is stopped: a run waiting on it may end.
    return lane.status(lane.state === 'stopped' ? 0 : photos, {
      state: busy ? 'running' : lane.state,
      message: lane.message ?? (mine.length ? mine.map((batch) => this.describe(batch)).join('; ') : null),
      concurrency: this.options.maxPhotos,
      configuredConcurrency: this.options.maxPhotos,
    });
  }

  private describe(batch: CaptionBatch): string {
    const remote = this.remote.get(batch.id);
    const status = remote?.status ?? batch.remoteStatus ?? batch.state;
    const done = remote?.completed ?? batch.completedCount;
    const failed = remote?.failed ?? batch.failedCount;
    return `Batch ${batch.id} of ${batch.requestCount} photos: ${status} (${done} done${failed ? `, ${failed} failed` : ''})`;
  }

  /**
   * The provider's next step due now: a batch left half-prepared resumed, a submitted batch
   * polled when its time comes, else the waiting jobs sent as a new batch.
   */
  private nextStep(provider: string, now: number): LaneStep | null {
    const active = this.deps.batches.active();
    // A batch another process finished is no longer ours to poll.
    for (const id of this.nextPollAt.keys()) if (!active.some((batch) => batch.id === id)) this.nextPollAt.delete(id);
    const mine = active.filter((batch) => batch.provider === provider);
    for (const batch of mine) {
      if (batch.state === 'preparing') {
        if (this.preparedElsewhere(batch)) continue;
        return this.step(provider, (opened, signal) => this.resumePreparing(batch, opened, signal));
      }
      if ((this.nextPollAt.get(batch.id) ?? 0) <= now) return this.step(provider, (opened, signal) => this.poll(batch, opened, signal));
    }
    // One file at a time per provider: a batch another live process is preparing counts too.
    if (mine.some((batch) => batch.state === 'preparing')) return null;
    // Nothing is written while nothing is due (paused photos, say): the heartbeat comes often.
    if (this.affordablePhotos(provider) <= 0 || !this.deps.batches.anyJobDue(provider, new Date(now).toISOString())) return null;
    return this.step(provider, (opened, signal) => this.submitWaiting(provider, opened, signal));
  }

  /** When the next poll or waiting job of the provider falls due. */
  private nextDueAt(provider: string, now: number): number | null {
    const polls = this.deps.batches
      .active()
      .filter((batch) => batch.provider === provider)
      .map((batch) => this.nextPollAt.get(batch.id) ?? Infinity);
    const job = this.deps.jobs.nextDueAt({ kind: 'caption', provider, viaBatch: true }, new Date(now).toISOString());
    const next = Math.min(...polls.filter((at) => at > now), job === null ? Infinity : Date.parse(job));
    return Number.isFinite(next) ? next : null;
  }

  /** The budget's message once it allows no more photos and nothing of the provider's is under way. */
  private budgetBlocks(provider: string): string | null {
    if (this.affordablePhotos(provider) > 0 || this.deps.batches.active().some((batch) => batch.provider === provider)) return null;
    return this.deps.batches.anyJobDue(provider, this.timestamp()) ? this.deps.budget!.budgetMessage(provider) : null;
  }

  private affordablePhotos(provider: string): number {
    return this.deps.budget?.affordablePhotos(provider) ?? Infinity;
  }

  /** A batch left preparing by another process that still runs: that process sends it. */
  private preparedElsewhere(batch: CaptionBatch): boolean {
    return batch.owner !== null && batch.owner !== this.owner && !this.lanes().isOwnerDead(batch.owner);
  }

  private step(provider: string, run: (opened: OpenBatchProvider, signal: AbortSignal) => Promise<void>): LaneStep {
    return {
      run: async (signal) => {
        await run(this.open(provider), signal);
        return undefined;
      },
      failed: (error, lane) => this.stepFailed(provider, lane, error),
      // Whatever the step had stored stays: the next start resumes from there.
      abandoned: () => {},
    };
  }

  private get owner(): string {
    return this.lanes().owner;
  }

  private lanes(): LaneContext {
    if (!this.context) throw new Error('The Batch API lanes run only under the queue scheduler.');
    return this.context;
  }

  private onChange(): void {
    this.context?.onChange();
  }

  /** The provider's client and Batch API; a lane-stopping ProviderError when there is none. */
  private open(provider: string): OpenBatchProvider {
    let opened;
    try {
      opened = this.deps.providers.open(provider);
    } catch (error) {
      if (error instanceof UserError) throw new ProviderError('auth', provider, error.message);
      throw error;
    }
    const client = opened.provider;
    const api = client.batchApi?.();
    if (!api) {
      throw new ProviderError(
        'not-found',
        client.label,
        `${client.label} has no Batch API Captionist can use: set its batch base URL, or caption these photos without --batch`,
      );
    }
    return { config: opened.config, client, api };
  }


  /** Claims the provider's due Batch API jobs into a new batch, writes its file and sends it. */
  private async submitWaiting(provider: string, opened: OpenBatchProvider, signal: AbortSignal): Promise<void> {
    const { db, batches } = this.deps;
    const at = this.timestamp();
    const affordable = this.affordablePhotos(provider);
    let claimed: ClaimedJob[] = [];
    const batchId = db.transaction(() => {
      const id = batches.create(provider, this.owner, randomUUID().slice(0, 8), at);
      claimed = batches.claimJobs(provider, id, Math.min(this.options.maxPhotos, affordable), at);
      if (claimed.length) return id;
      batches.delete(id);
      return null;
    })();
    if (batchId === null) return;
    this.onChange();
    const path = this.fileFor(batchId);
    try {
      const requests = await this.writeFile(batchId, claimed, opened, path, signal);
      if (!requests) return;
      batches.addRequests(batchId, requests, this.timestamp());
      this.deps.logger.info(`batch: ${provider} batch ${batchId}: ${requests.length} photo(s) written to ${path}`);
    } catch (error) {
      // Nothing was sent: the photos go back to the queue as they were.
      this.abandon(batchId, 'cancelled', 'Stopped before it was sent.');
      throw error;
    }
    await this.send(batches.get(batchId)!, opened, signal);
  }

  /**
   * Writes one JSONL line per photo, within the file's limits; photos that do not fit go back to
   * the queue for the next batch, photos that cannot be read fail. Null when no line was written.
   */
  private async writeFile(
    batchId: number,
    claimed: readonly ClaimedJob[],
    opened: OpenBatchProvider,
    path: string,
    signal: AbortSignal,
  ): Promise<CaptionBatchRequest[] | null> {
    const { batches, steps } = this.deps;
    await mkdir(this.deps.workDir, { recursive: true });
    const file = await open(path, 'w');
    const requests: CaptionBatchRequest[] = [];
    let bytes = 0;
    let full = false;
    try {
      for (const job of claimed) {
        signal.throwIfAborted();
        if (full || requests.length >= this.options.maxLines) {
          batches.returnJob(job.id, batchId, this.timestamp());
          continue;
        }
        let prepared;
        try {
          prepared = await steps.prepare(job);
        } catch (error) {
          // A missing key concerns every photo: the whole batch goes back.
          if (classifiedFailure(error)) throw error;
          batches.endJob(job.id, batchId, 'failed', describeCaptionError(error), this.timestamp());
          continue;
        }
        const customId = `job-${job.id}-${job.attempts}`;
        const line = `${JSON.stringify({
          custom_id: customId,
          method: 'POST',
          url: batchEndpoint,
          body: opened.api.requestBody(prepared),
        })}\n`;
        const size = Buffer.byteLength(line);
        if (bytes + size > this.options.maxFileBytes) {
          if (requests.length) {
            full = true;
            batches.returnJob(job.id, batchId, this.timestamp());
          } else {
            batches.endJob(job.id, batchId, 'failed', 'The photo is too large for a batch file; lower the provider\'s image size limit.', this.timestamp());
          }
          continue;
        }
        await file.write(line);
        bytes += size;
        requests.push({ customId, jobId: job.id, line: requests.length + 1, sent: JSON.stringify(prepared.sent) });
      }
      await file.sync();
    } finally {
      await file.close();
    }
    if (requests.length) return requests;
    this.abandon(batchId, 'cancelled', 'No photo could be sent.');
    return null;
  }

  /**
   * Uploads a written file and creates its batch, storing the file id and then the batch id as
   * soon as each is known. A rejected file fails its photos; a rejected key gives them back.
   */
  private async send(batch: CaptionBatch, opened: OpenBatchProvider, signal: AbortSignal): Promise<void> {
    const { batches } = this.deps;
    const path = this.fileFor(batch.id);
    try {
      let inputFileId = batch.inputFileId;
      if (!inputFileId) {
        inputFileId = await opened.api.service.uploadInputFile(path, signal);
        batches.setInputFile(batch.id, inputFileId, this.timestamp());
      }
      const remote = await opened.api.service.createBatch(inputFileId, batch.clientRef, signal);
      this.submitted(batch, remote);
    } catch (error) {
      const failure = classifiedFailure(error);
      if (signal.aborted || !failure) throw error;
      // This file can never be sent as it is.
      if (failure.failureKind === 'permanent') {
        this.deps.logger.error(`batch: ${batch.provider} batch ${batch.id} rejected: ${failure.message}`);
        this.abandon(batch.id, 'failed', failure.message, failure.message);
        return;
      }
      // A refusal (401, 402, 403) means nothing was created: the photos wait in the queue.
      if (failure.failureKind === 'stops-lane') this.abandon(batch.id, 'cancelled', failure.message);
      throw error;
    }
  }

  private submitted(batch: CaptionBatch, remote: RemoteBatch): void {
    this.deps.batches.setSubmitted(batch.id, remote.id, remote.status, this.timestamp());
    this.remote.set(batch.id, remote);
    this.nextPollAt.set(batch.id, this.deps.now().getTime() + this.options.pollIntervalMs);
    this.deps.logger.info(`batch: ${batch.provider} batch ${batch.id} submitted as ${remote.id}`);
    void rm(this.fileFor(batch.id), { force: true });
    this.onChange();
  }

  /**
   * A batch left 'preparing' by a process that stopped or crashed. Once its file was uploaded the
   * create call may have reached the service: it is looked for by its metadata first, and created
   * only when certainly absent. A complete file not yet uploaded is sent; anything less goes back.
   */
  private async resumePreparing(batch: CaptionBatch, opened: OpenBatchProvider, signal: AbortSignal): Promise<void> {
    if (batch.inputFileId) {
      const since = Math.floor(Date.parse(batch.createdAt) / 1000) - 300;
      const found = await opened.api.service.findBatch(batch.clientRef, since, signal);
      if (found) {
        this.deps.logger.info(`batch: ${batch.provider} batch ${batch.id} was created as ${found.id}; polling it`);
        this.submitted(batch, found);
        this.nextPollAt.set(batch.id, 0);
        return;
      }
      return this.send(batch, opened, signal);
    }
    if (batch.requestCount > 0 && existsSync(this.fileFor(batch.id))) return this.send(batch, opened, signal);
    this.abandon(batch.id, 'cancelled', 'Stopped before it was sent.');
  }

  /** Gives a batch's remaining photos back to the queue (or fails them with `failWith`) and closes it. */
  private abandon(batchId: number, state: 'failed' | 'cancelled', reason: string, failWith?: string): void {
    const { db, batches } = this.deps;
    const at = this.timestamp();
    db.transaction(() => {
      for (const job of batches.jobsWaiting(batchId)) {
        if (failWith) batches.endJob(job.id, batchId, 'failed', failWith, at);
        else batches.returnJob(job.id, batchId, at);
      }
      batches.finish(batchId, state, reason, at);
    })();
    void rm(this.fileFor(batchId), { force: true });
    this.onChange();
  }


  private async poll(batch: CaptionBatch, opened: OpenBatchProvider, signal: AbortSignal): Promise<void> {
    const remote = await opened.api.service.getBatch(batch.remoteBatchId!, signal);
    const changed = this.remote.get(batch.id)?.status !== remote.status || this.remote.get(batch.id)?.completed !== remote.completed;
    this.remote.set(batch.id, remote);
    this.deps.batches.setRemoteStatus(batch.id, remote, this.timestamp());
    if (changed) this.onChange();
    if (!isFinalStatus(remote.status)) {
      this.nextPollAt.set(batch.id, this.deps.now().getTime() + this.options.pollIntervalMs);
      return;
    }
    const lines: BatchResultLine[] = [];
    if (remote.outputFileId) lines.push(...(await opened.api.service.resultLines(remote.outputFileId, signal)));
    if (remote.errorFileId) lines.push(...(await opened.api.service.resultLines(remote.errorFileId, signal)));
    await this.importResults(batch, remote, lines, opened);
  }

  /**
   * Stores each answered line as the direct path would; settles each failed line by its status;
   * then deals with the photos no line answered: an expired or completed batch gives them back to
   * the queue, a failed one fails those its errors name and retries the rest, a batch cancelled
   * at the service cancels them. Safe to repeat: a job no longer in the batch is skipped.
   */
  private async importResults(
    batch: CaptionBatch,
    remote: RemoteBatch,
    lines: readonly BatchResultLine[],
    opened: OpenBatchProvider,
  ): Promise<void> {
    const { batches, steps, logger } = this.deps;
    const label = opened.client.label;
    let stopMessage: string | null = null;
    const waiting = new Map(batches.jobsWaiting(batch.id).map((job) => [job.id, job.attempts]));
    for (const [index, line] of lines.entries()) {
      // Thousands of lines: let the UI breathe now and then.
      if (index % 200 === 199) await setImmediate();
      const request = batches.request(batch.id, line.customId);
      // Not ours, or a line the service wrote for a request it never ran: handled below.
      if (!request || line.error?.code === 'batch_expired' || line.error?.code === 'batch_cancelled') continue;
      const attempts = waiting.get(request.jobId);
      if (attempts === undefined) continue;
      let error: ClassifiedFailure;
      if (line.statusCode === 200) {
        try {
          const sent = JSON.parse(request.sent) as SentCaption;
          const answer = opened.api.answerFrom(line.body);
          steps.store(request.jobId, { config: opened.config, label, model: opened.client.model }, sent, answer, () => {
            if (!batches.completeJob(request.jobId, batch.id, this.timestamp())) throw new AlreadyImported();
          });
          continue;
        } catch (thrown) {
          if (thrown instanceof AlreadyImported) continue;
          const failure = classifiedFailure(thrown);
          if (!failure) throw thrown;
          error = failure;
        }
      } else {
        error = opened.api.service.lineError(line);
      }
      if (error.failureKind === 'stops-lane') stopMessage = error.message;
      this.settleFailedLine(request.jobId, batch.id, attempts, error);
    }
    const unanswered = batches.jobsWaiting(batch.id);
    const at = this.timestamp();
    const batchError = remote.errors[0]?.message;
    for (const job of unanswered) {
      if (remote.status === 'cancelled') {
        batches.endJob(job.id, batch.id, 'cancelled', `The batch was cancelled at ${label}.`, at);
      } else if (remote.status === 'failed') {
        const line = batches.lineOf(batch.id, job.id);
        const ownError = remote.errors.find((item) => item.line !== null && item.line === line)?.message;
        const message = `${label} refused the batch: ${ownError ?? batchError ?? 'no reason given'}`;
        if (ownError) batches.endJob(job.id, batch.id, 'failed', message, at);
        else this.settleFailedLine(job.id, batch.id, job.attempts, new ProviderError('server', label, message));
      } else {
        batches.returnJob(job.id, batch.id, at, { message: remote.status === 'expired' ? `The ${label} batch expired before this photo's turn.` : undefined });
      }
    }
    const state = remote.status === 'failed' ? 'failed' : remote.status === 'cancelled' ? 'cancelled' : 'done';
    batches.finish(batch.id, state, remote.status === 'expired' ? `Expired with ${unanswered.length} photo(s) unanswered` : (batchError ?? null), at);
    this.remote.delete(batch.id);
    this.nextPollAt.delete(batch.id);
    logger.info(`batch: ${batch.provider} batch ${batch.id} ${remote.status}; ${lines.length} line(s) imported, ${unanswered.length} unanswered`);
    this.onChange();
    if (stopMessage) throw new LaneStopped(stopMessage);
  }

  /** A line that failed: back to the queue when the service was busy or erred, else the photo fails. */
  private settleFailedLine(jobId: number, batchId: number, attempts: number, error: ClassifiedFailure): void {
    const { batches, retryPolicy, now, logger } = this.deps;
    const at = this.timestamp();
    const kind = error.failureKind;
    if (kind === 'stops-lane') {
      batches.returnJob(jobId, batchId, at, { message: error.message });
    } else if (kind === 'rate-limited') {
      const delay = retryDelay(error, attempts, retryPolicy);
      batches.returnJob(jobId, batchId, at, { message: error.message, nextRunAt: new Date(now().getTime() + delay).toISOString() });
    } else if ((kind === 'transient' || kind === 'offline') && attempts < retryPolicy.maxAttempts) {
      const delay = retryDelay(error, attempts, retryPolicy);
      batches.returnJob(jobId, batchId, at, {
        countAttempt: true,
        message: error.message,
        nextRunAt: new Date(now().getTime() + delay).toISOString(),
      });
    } else {
      logger.warn(`batch: job ${jobId} failed: ${error.message}`);
      batches.endJob(jobId, batchId, 'failed', error.message, at);
    }
  }


  /**
   * A step that failed, which concerns the whole lane: a 429 or a refusal goes through the lane
   * policy as a direct job's would; anything else (the network, a timeout, a 5xx, a surprise)
   * loses nothing, and the same step is tried again with backoff, each failure counting as a
   * failed probe.
   */
  private stepFailed(provider: string, lane: Lane, error: unknown): void {
    const failure = classifiedFailure(error);
    if (failure && failure.failureKind !== 'offline' && lane.failed(failure)) return;
    let message: string;
    if (failure) {
      message = failure.message;
    } else {
      this.deps.logger.error(`batch: ${provider}: ${(error as Error).stack ?? String(error)}`);
      message = `Batch work for ${provider} failed: ${describeCaptionError(error)}`;
    }
    if (lane.state === 'offline') lane.probeFailed(message);
    else lane.unreachable(message);
  }

  private fileFor(batchId: number): string {
    return join(this.deps.workDir, `batch-${batchId}.jsonl`);
  }

  private timestamp(): string {
    return this.deps.now().toISOString();
  }
}
