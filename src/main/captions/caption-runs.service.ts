import type { Emit } from '../../shared/contract';
import type { CaptionProgress, CaptionRunResult } from '../../shared/captioning';
import { pulse } from '../base/time';
import { UserError } from '../base/errors';
import type { ChangeAnnouncer } from '../library/change-announcer';
import type { Logger } from '../base/logger';
import type { ProviderRegistry } from '../providers/provider-registry';
import type { QueueService } from '../queue/queue.service';
import type { BatchService } from './batch.service';
import type { CaptionRunRequest, CaptionService } from './caption.service';

export interface CaptionRunsDeps {
  captioning: CaptionService;
  batches: BatchService;
  providers: ProviderRegistry;
  queue: QueueService;
  changes: ChangeAnnouncer;
  emit: Emit;
  logger: Logger;
  now: () => Date;
}

export interface QueuedRun {
  runId: number;
  provider: string;
  total: number;
}

/**
 * Caption runs from start to end: queued (a missing key or provider refused before anything is
 * queued), followed with progress events until their photos are done or their provider cannot go
 * on without the user, and summed up.
 */
export class CaptionRunsService {
  /** Aborted by `stop`: every run being followed ends, its unfinished photos stay queued. */
  private stopping = new AbortController();
  /** The queue stopping on `stop`: a run ends once its photos in flight are back in the queue. */
  private queueStopped: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly deps: CaptionRunsDeps) {}

  /** Queues a run; the queue works through it. */
  queue(request: CaptionRunRequest): QueuedRun {
    const { providers, batches, captioning, queue } = this.deps;
    providers.open(request.provider);
    if (request.viaBatch) batches.assertSupported(request.provider);
    const run = captioning.queueRun(request);
    // A new run is the user trying again: a lane stopped by an error gets another chance.
    queue.retryStopped(run.provider);
    queue.start();
    queue.wake();
    return run;
  }

  /**
   * Queues a run and waits for it (see `follow`). `exclusive` makes this process work on nothing
   * else (the CLI's `caption`): other providers' jobs are not this run's to spend on, nor to be
   * stopped by; jobs of other runs it took meanwhile end here, since their answers are paid for.
   */
  async generate(request: CaptionRunRequest & { exclusive?: boolean }): Promise<CaptionRunResult> {
    if (request.exclusive) this.deps.queue.workOnly(request.provider);
    const signal = this.stopping.signal;
    const result = await this.follow(this.queue(request), request.viaBatch ?? false);
    if (request.exclusive && !signal.aborted) await Promise.race([this.deps.queue.finishInFlight(), aborted(signal)]);
    return result;
  }

  /** Queues a run and answers at once; `captions:progress` events follow it until it ends. */
  queueAndFollow(request: CaptionRunRequest): QueuedRun {
    const run = this.queue(request);
    this.follow(run, request.viaBatch ?? false).catch((error: unknown) => {
      if (!this.closed) this.deps.logger.error(`caption run ${run.runId}: ${error instanceof Error ? error.message : String(error)}`);
    });
    return run;
  }

  /**
   * Follows a queued run, emitting its progress, until its photos are done, or its provider cannot
   * go on without the user (a rejected key, a spent budget), or `stop`. An unreachable provider
   * only makes it wait. Photos not done stay queued.
   */
  async follow(run: QueuedRun, viaBatch: boolean): Promise<CaptionRunResult> {
    const { queue, captioning, emit } = this.deps;
    const due = pulse(this.deps.now);
    const signal = this.stopping.signal;
    const report = () => {
      const progress = this.progress(run, viaBatch);
      if (due(progress.done + progress.failed === progress.total)) emit('captions:progress', progress);
    };
    const stoppedBecause = await queue.waitForRun(run.runId, run.provider, viaBatch, report, signal);
    if (this.closed) throw new UserError('Captionist closed before the run finished; its photos stay queued.');
    if (signal.aborted) await this.queueStopped;
    this.deps.changes.everyFolder();
    return captioning.finishRun(run.runId, run.total, stoppedBecause);
  }

  /**
   * Reports a watch session's run on every change of the queue until `stop`: new photos keep
   * joining it, so it never runs out of work by itself.
   */
  reportUntilStopped(run: QueuedRun): void {
    const signal = this.stopping.signal;
    const unsubscribe = this.deps.queue.subscribe(() => this.deps.emit('captions:progress', this.progress(run)));
    signal.addEventListener('abort', unsubscribe, { once: true });
  }

  /** Closes a run and sums it up (a watch session's, once stopped). */
  finish(runId: number): CaptionRunResult {
    const run = { runId, provider: this.deps.captioning.runProvider(runId) };
    return this.deps.captioning.finishRun(runId, this.progress(run).total, null);
  }

  progress(run: Pick<QueuedRun, 'runId' | 'provider'>, viaBatch = false): CaptionProgress {
    const lane = this.deps.queue.lane('caption', run.provider, viaBatch) ?? { state: 'idle' as const, message: null };
    return this.deps.captioning.runProgress(run.runId, run.provider, lane);
  }

  /** Stopped by the user (Ctrl-C): runs being followed end, photos in flight go back to the queue, remote tasks kept. */
  async stop(): Promise<void> {
    const stopping = this.stopping;
    this.stopping = new AbortController();
    stopping.abort();
    this.queueStopped = this.deps.queue.stop();
    await this.queueStopped;
  }

  close(): void {
    this.closed = true;
  }
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((done) => signal.addEventListener('abort', () => done(), { once: true }));
}
