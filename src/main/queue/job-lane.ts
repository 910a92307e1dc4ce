import type { JobKind } from '../../shared/queue';
import { classifiedFailure } from '../base/failure';
import type { RateLimitInfo } from '../base/failure';
import type { Logger } from '../base/logger';
import { retryDelay } from '../base/retry';
import type { RetryPolicy } from '../base/retry';
import { isDatabaseBusy } from '../db/database';
import type { ClaimedJob, DueLane, JobsRepository } from '../db/jobs.repo';
import type { Lane } from './lane';
import type { LaneStep, LaneWork } from './lane-work';

export interface JobContext {
  signal: AbortSignal;
  /** Marks the job done; call it inside the transaction that stores the job's result. */
  complete(): void;
}

export interface JobOutcome {
  /** The service's rate-limit headers, so the lane can slow down before it is told to. */
  rateLimit?: RateLimitInfo;
}

/** Runs the jobs of one kind. Registered once at start-up; the scheduler refuses a missing or doubled kind. */
export interface JobHandler {
  kind: JobKind;
  /** How many of the lane's jobs may run at once, as configured. */
  concurrency(provider: string | null): number;
  /** Why the lane may not start another job now (its budget is spent), or null. */
  blockedBecause?(provider: string | null): string | null;
  run(job: ClaimedJob, context: JobContext): Promise<JobOutcome>;
  /** Queues the kind's work found waiting without a job (one that failed or was cancelled), when the queue starts. */
  queueWaiting?(): void;
  /** Whether the service answers at all: asked, with backoff, while the lane waits for the network. */
  reachable?(provider: string | null, signal: AbortSignal): Promise<boolean>;
  /** A failure that does not say its kind (a missing or unreadable file), in the user's words. */
  describeError(error: unknown): string;
}

export interface JobLaneDeps {
  jobs: JobsRepository;
  logger: Logger;
  now: () => Date;
  retryPolicy: RetryPolicy;
  /** Names this process in the jobs it runs. */
  owner: string;
  /** Until when a job taken now is ours without renewal. */
  leaseUntil(): string;
}

/**
 * The job is no longer ours: it was cancelled while it ran, or our lease ran out (the process was
 * suspended, say) and another process took it over. Its result is dropped, so the photo is not
 * captioned twice, or at all once cancelled.
 */
export class LeaseLost extends Error {
  constructor(jobId: number) {
    super(`job ${jobId} was cancelled, or taken over by another process after our lease ran out; our result is dropped`);
  }
}

/** How long a job that met a busy library waits before it is tried again. */
const busyRetryMs = 1000;

/** A direct lane's work: its kind's jobs of one provider, taken from the queue one by one, each a step. */
export class JobLane implements LaneWork {
  constructor(
    private readonly due: DueLane,
    private readonly handler: JobHandler,
    private readonly deps: JobLaneDeps,
  ) {}

  concurrency(): number {
    return this.handler.concurrency(this.due.provider);
  }

  blockedBecause(): string | null {
    // Asked before every job, so jobs started together cannot overshoot a budget between them.
    return this.handler.blockedBecause?.(this.due.provider) ?? null;
  }

  take(now: number): LaneStep | null {
    const job = this.deps.jobs.claimNext(this.due, this.deps.owner, new Date(now).toISOString(), this.deps.leaseUntil());
    return job ? new JobStep(job, this.handler, this.deps) : null;
  }

  nextDueAt(now: number): number | null {
    const nextDue = this.deps.jobs.nextDueAt(this.due, new Date(now).toISOString());
    return nextDue === null ? null : Date.parse(nextDue);
  }

  reachable(signal: AbortSignal): Promise<boolean> {
    return this.handler.reachable ? this.handler.reachable(this.due.provider, signal) : Promise.resolve(true);
  }

  status(lane: Lane, inFlight: number) {
    return lane.status(inFlight);
  }
}

/** One job run through its kind's handler, under this process's lease. */
class JobStep implements LaneStep {
  private signal: AbortSignal | null = null;

  constructor(
    private readonly job: ClaimedJob,
    private readonly handler: JobHandler,
    private readonly deps: JobLaneDeps,
  ) {}

  get jobId(): number {
    return this.job.id;
  }

  async run(signal: AbortSignal): Promise<RateLimitInfo | undefined> {
    this.signal = signal;
    let completed = false;
    const complete = () => {
      if (signal.reason instanceof LeaseLost) throw signal.reason;
      // A job removed with its photo (its folder left the library) has nothing left to record.
      if (!this.deps.jobs.complete(this.job.id, this.deps.owner, this.timestamp()) && this.deps.jobs.exists(this.job.id)) {
        throw new LeaseLost(this.job.id);
      }
      completed = true;
    };
    const outcome = await this.handler.run(this.job, { signal, complete });
    if (!completed) complete();
    return outcome.rateLimit;
  }

  abandoned(): void {
    if (this.signal?.reason instanceof LeaseLost) this.deps.logger.info(`queue: ${this.signal.reason.message}`);
    else this.deps.jobs.release(this.job.id, this.deps.owner, this.timestamp());
  }

  failed(error: unknown, lane: Lane): void {
    const { job } = this;
    const { jobs, logger, owner, retryPolicy } = this.deps;
    const at = this.timestamp();
    // Its photo left the library while it ran: nothing failed that anyone still cares about.
    if (!jobs.exists(job.id)) return logger.info(`queue: job ${job.id} ended: its photo left the library`);
    if (error instanceof LeaseLost) return logger.warn(`queue: ${error.message}`);
    if (isDatabaseBusy(error)) {
      // Another process held the library past the busy timeout: not the photo's fault, nor the service's.
      logger.warn(`queue: job ${job.id} met a busy library; trying it again shortly`);
      return jobs.release(job.id, owner, at, this.later(busyRetryMs));
    }
    const failure = classifiedFailure(error);
    if (!failure) {
      const message = this.handler.describeError(error);
      logger.error(`queue: ${job.kind} job ${job.id}: ${message}`);
      return jobs.fail(job.id, owner, message, false, at);
    }
    if (lane.failed(failure)) {
      // Not the photo's fault: it waits, its attempt unspent, until the lane runs again.
      const { until } = lane;
      jobs.release(job.id, owner, at, failure.failureKind === 'rate-limited' && until !== null ? new Date(until).toISOString() : undefined);
    } else if (failure.failureKind === 'transient' && job.attempts < retryPolicy.maxAttempts) {
      const delay = retryDelay(failure, job.attempts, retryPolicy);
      logger.warn(`queue: job ${job.id} attempt ${job.attempts} failed (${failure.message}); retrying in ${Math.round(delay)} ms`);
      jobs.retryLater(job.id, owner, failure.message, this.later(delay), at);
    } else {
      logger.error(`queue: job ${job.id} failed: ${failure.message}`);
      // A task that may yet finish is kept, so retrying the job polls it instead of paying again.
      jobs.fail(job.id, owner, failure.message, failure.taskMayFinish, at);
    }
  }

  private later(delayMs: number): string {
    return new Date(this.deps.now().getTime() + delayMs).toISOString();
  }

  private timestamp(): string {
    return this.deps.now().toISOString();
  }
}
