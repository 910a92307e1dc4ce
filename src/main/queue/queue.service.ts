import type { CancelledJobs, JobState, LaneStatus, QueueJob, QueueStatus } from '../../shared/queue';
import type { CaptionRunsRepository } from '../db/caption-runs.repo';
import { pathScope } from '../db/path-scope';
import { processIsGone } from '../base/process-owner';
import { QueueScheduler } from './scheduler';
import type { SchedulerDeps } from './scheduler';

export type QueueServiceDeps = Omit<SchedulerDeps, 'onChange' | 'isOwnerDead'> & {
  runs: CaptionRunsRepository;
  /** Owners of cores that died in this process, whose work is taken back at start like a dead process's. */
  deadOwners: readonly string[];
};

/** The window behind the queue's rate and ETA. */
const rateWindowMs = 5 * 60_000;

/** How often a waiting run looks at the database for work other processes finished. */
const runPollMs = 1000;

/**
 * The persistent queue as the rest of the core sees it: its scheduler, what it is doing, and the
 * user's commands (pause, resume, retry, cancel, prioritise), each for a set of files and folders or
 * for everything.
 */
export class QueueService {
  readonly scheduler: QueueScheduler;
  private readonly listeners = new Set<() => void>();
  /** Ends every waitForRun when the queue stops. */
  private readonly waiters = new Set<() => void>();

  constructor(private readonly deps: QueueServiceDeps) {
    const deadOwners = new Set(deps.deadOwners);
    const isOwnerDead = (owner: string) => deadOwners.has(owner) || processIsGone(owner);
    this.scheduler = new QueueScheduler({ ...deps, isOwnerDead, onChange: () => this.notify() });
  }

  /** Calls `listener` whenever a job settles or a lane changes state; returns the unsubscribe. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    this.scheduler.start();
  }

  /** Wakes the scheduler after jobs were queued or settings changed. */
  wake(): void {
    this.scheduler.wake();
  }

  async stop(): Promise<void> {
    for (const finish of this.waiters) finish();
    await this.scheduler.stop();
  }

  /** Lets lanes stopped by an error (a rejected key) try again, e.g. after the user fixed it. */
  retryStopped(provider?: string): void {
    this.scheduler.retryStopped(provider);
  }

  /** Every lane, direct and Batch API. */
  laneStatuses(): LaneStatus[] {
    return this.scheduler.laneStatuses();
  }

  status(): QueueStatus {
    const { jobs, runs, now } = this.deps;
    const counts = jobs.counts();
    const time = now().getTime();
    const perMinute = jobs.finishedSince(new Date(time - rateWindowMs).toISOString()) / (rateWindowMs / 60_000);
    const remaining = counts.queued + counts.running + counts.waitingForRetry;
    const costs = jobs.activeRunIds().map((runId) => runs.totals(runId).costUsd);
    const pausedScopes = jobs.pausedScopes();
    const globallyPaused = pausedScopes.includes('');
    return {
      counts,
      perMinute: Math.round(perMinute * 10) / 10,
      etaSeconds: remaining === 0 ? 0 : perMinute > 0 ? Math.round((remaining / perMinute) * 60) : null,
      costUsd: costs.some((cost) => cost !== null) ? costs.reduce<number>((sum, cost) => sum + (cost ?? 0), 0) : null,
      globallyPaused,
      pausedScopes: pausedScopes.filter((scope) => scope !== ''),
      lanes: this.laneStatuses()
        .map((lane) => (globallyPaused && lane.inFlight === 0 ? { ...lane, state: 'paused' as const, message: 'The queue is paused.' } : lane)),
    };
  }

  /** The provider's direct lane, or its Batch API lane. */
  lane(kind: LaneStatus['kind'], provider: string | null, viaBatch = false): LaneStatus | undefined {
    return this.laneStatuses().find(
      (lane) => lane.kind === kind && lane.viaBatch === viaBatch && lane.provider?.toLowerCase() === provider?.toLowerCase(),
    );
  }

  list(paths: readonly string[], states: readonly JobState[], limit: number): QueueJob[] {
    return this.deps.jobs.list(paths.map(pathScope), states, limit);
  }

  /** Pauses the paths (everything when none): their jobs stay queued, jobs already running finish. */
  pause(paths: readonly string[]): void {
    const at = this.deps.now().toISOString();
    for (const scope of scopesOrEverything(paths)) this.deps.jobs.pause(scope, at);
    this.changed();
  }

  /** Lifts pauses at or below the paths (every pause when none). */
  resume(paths: readonly string[]): number {
    let lifted = 0;
    for (const scope of scopesOrEverything(paths)) lifted += this.deps.jobs.resume(scope);
    // A lane stopped by an error the user may have fixed meanwhile gets another chance.
    this.retryStopped();
    this.changed();
    return lifted;
  }

  retryFailed(paths: readonly string[]): number {
    const count = this.deps.jobs.retryFailed(paths.map(pathScope), this.deps.now().toISOString());
    this.changed();
    return count;
  }

  /**
   * Cancels the paths' unfinished jobs (everything when none), running ones included: this
   * process stops its own at once, another notices within seconds; none stores its result.
   */
  cancel(paths: readonly string[]): CancelledJobs {
    return this.cancelled(this.deps.jobs.cancel(paths.map(pathScope), this.deps.now().toISOString()));
  }

  /**
   * Cancels a removed provider's jobs: with it gone they could never run. Those inside its
   * submitted Batch API batches stay there, counted, since the provider added again collects them.
   */
  cancelProvider(provider: string): CancelledJobs & { inBatches: number } {
    const cancelled = this.cancelled(this.deps.jobs.cancelProvider(provider, this.deps.now().toISOString()));
    return { ...cancelled, inBatches: this.deps.jobs.inBatches(provider) };
  }

  /** Runs only this provider's lane in this process (a `caption` run); call it before `start`. */
  workOnly(provider: string): void {
    this.scheduler.workOnly(provider);
  }

  /** Takes no more jobs and lets those in flight end (a `caption` run that is done with its own). */
  finishInFlight(): Promise<void> {
    return this.scheduler.finishInFlight();
  }

  /** Puts these photos' waiting jobs first: what the user is looking at. */
  prioritise(photoIds: readonly number[]): number {
    const count = this.deps.jobs.prioritise(photoIds, 100, this.deps.now().toISOString());
    this.changed();
    return count;
  }

  /**
   * Resolves with null when the run has no unfinished job left, or with the reason when its
   * provider's lane cannot go on without the user (stopped by an error, out of budget). A pause
   * or an outage only waits. Calls `onChange` as it goes.
   */
  waitForRun(runId: number, provider: string, viaBatch: boolean, onChange: () => void, signal?: AbortSignal): Promise<string | null> {
    return new Promise((resolve) => {
      let done = false;
      const check = () => {
        if (done) return;
        onChange();
        if (signal?.aborted) return finish(null);
        if (this.deps.jobs.runCounts(runId).unfinished === 0) return finish(null);
        const lane = this.lane('caption', provider, viaBatch);
        if (lane && lane.inFlight === 0 && (lane.state === 'stopped' || lane.state === 'out-of-budget')) finish(lane.message);
      };
      const unsubscribe = this.subscribe(check);
      const timer = setInterval(check, runPollMs);
      const onAbort = () => finish(null);
      signal?.addEventListener('abort', onAbort, { once: true });
      const stopped = () => finish(null);
      this.waiters.add(stopped);
      const finish = (reason: string | null) => {
        done = true;
        this.waiters.delete(stopped);
        unsubscribe();
        clearInterval(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(reason);
      };
      check();
    });
  }

  private cancelled(jobs: CancelledJobs): CancelledJobs {
    if (jobs.running) this.scheduler.renewLeases();
    this.changed();
    return jobs;
  }

  private changed(): void {
    this.wake();
    this.notify();
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}

function scopesOrEverything(paths: readonly string[]): string[] {
  return paths.length ? paths.map(pathScope) : [''];
}
