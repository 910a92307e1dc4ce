import type { JobKind, LaneStatus } from '../../shared/queue';
import { JobKindSchema } from '../../shared/queue';
import { isDatabaseBusy } from '../db/database';
import type { ClaimedJob, DueLane, JobsRepository } from '../db/jobs.repo';
import { classifiedFailure } from '../base/failure';
import type { RateLimitInfo } from '../base/failure';
import type { Logger } from '../base/logger';
import { retryDelay } from '../base/retry';
import type { RetryPolicy } from '../base/retry';
import { heartbeatMs, Lane, retryStopped, systemTimers, WakeTimer } from './lane';
import type { Clock, Timers } from './lane';

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
  /** Whether the service answers at all: asked, with backoff, while the lane waits for the network. */
  reachable?(provider: string | null, signal: AbortSignal): Promise<boolean>;
  /** A failure that does not say its kind (a missing or unreadable file), in the user's words. */
  describeError(error: unknown): string;
}

export interface SchedulerDeps {
  jobs: JobsRepository;
  handlers: readonly JobHandler[];
  logger: Logger;
  now: () => Date;
  /** What the scheduler waits on; the system's timers unless a test moves time itself. */
  timers?: Timers;
  retryPolicy: RetryPolicy;
  /** How long a running job stays ours without renewal before another process may take it. */
  leaseMs: number;
  /** Names this process in the jobs it runs. */
  owner: string;
  /** Whether the process named by a lease owner is gone (it crashed or was killed). */
  isOwnerDead(owner: string): boolean;
  /** Called whenever a job settles or a lane changes state. */
  onChange(): void;
}

/**
 * A job in flight this many times when its process died or hung is given up: it is likely what
 * crashes or hangs the worker (a file that crashes the decoder, an answer that hangs the process).
 */
export const maxCrashes = 3;

/** How long a job that met a busy library waits before it is tried again. */
const busyRetryMs = 1000;

/** A lane of jobs run here one by one: the shared lane policy, and the jobs and probe in flight. */
interface JobLane {
  readonly due: DueLane;
  readonly handler: JobHandler;
  readonly policy: Lane;
  readonly inFlight: Map<number, AbortController>;
  probeController: AbortController | null;
}

/**
 * The job is no longer ours: it was cancelled while it ran, or our lease ran out (the process was
 * suspended, say) and another process took it over. Its result is dropped, so the photo is not
 * captioned twice, or at all once cancelled.
 */
class LeaseLost extends Error {
  constructor(jobId: number) {
    super(`job ${jobId} was cancelled, or taken over by another process after our lease ran out; our result is dropped`);
  }
}

const laneKey = (lane: DueLane) => `${lane.kind}\u0000${lane.provider ?? ''}\u0000${lane.viaBatch ? 1 : 0}`;

/**
 * Works through the persistent queue: one lane per job kind and provider, each running up to its
 * concurrency. A lane whose service is unreachable stops taking jobs and probes with backoff
 * until it answers; one that is told to slow down (429, exhausted rate-limit window) waits and
 * halves its concurrency, then earns it back; one whose key or credits fail stops until the user
 * acts. In none of these cases does a photo fail or use up an attempt. Other failures are retried
 * with backoff up to the policy's attempts, then the job fails with its reason.
 */
export class QueueScheduler {
  private readonly handlers: ReadonlyMap<JobKind, JobHandler>;
  private readonly lanes = new Map<string, JobLane>();
  private readonly clock: Clock;
  private readonly wakeTimer: WakeTimer;
  private readonly leaseTimer: WakeTimer;
  /** Set by finishInFlight: no job is taken any more. */
  private finishing = false;
  private running = false;
  private readonly settled = new Set<Promise<void>>();
  /** Set by workOnly: this process runs that provider's lane alone. */
  private onlyProvider: string | null = null;

  constructor(private readonly deps: SchedulerDeps) {
    const handlers = new Map<JobKind, JobHandler>();
    for (const handler of deps.handlers) {
      if (handlers.has(handler.kind)) throw new Error(`Two handlers for job kind "${handler.kind}"`);
      handlers.set(handler.kind, handler);
    }
    const missing = JobKindSchema.options.filter((kind) => !handlers.has(kind));
    if (missing.length) throw new Error(`No handler for job kind ${missing.map((kind) => `"${kind}"`).join(', ')}`);
    this.handlers = handlers;
    this.clock = { now: deps.now, timers: deps.timers ?? systemTimers };
    // Never spins: 50 ms at least between looks.
    this.wakeTimer = new WakeTimer(this.clock, () => this.pump(), 50);
    this.leaseTimer = new WakeTimer(this.clock, () => this.renewAndRecover(), 0);
  }

  get started(): boolean {
    return this.running;
  }

  /**
   * Makes this process run only the provider's lane (a `caption` run): a job of another provider
   * that hangs or crashes its worker cannot stop this run, nor does this run spend on others.
   * Call it before `start`.
   */
  workOnly(provider: string): void {
    this.onlyProvider = provider.toLowerCase();
  }

  /** Takes back the jobs of processes that died, then starts working. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.safely('taking back abandoned jobs', () => this.recoverAbandoned());
    this.scheduleLeaseRenewal();
    this.wake();
  }

  /** Renewed often enough to notice soon a job cancelled by another process. */
  private scheduleLeaseRenewal(): void {
    if (this.running) this.leaseTimer.set(this.deps.now().getTime() + Math.min(this.deps.leaseMs / 3, heartbeatMs));
  }

  private renewAndRecover(): void {
    this.safely('renewing leases', () => {
      this.renewLeases();
      // Another process on this library may have died meanwhile.
      if (this.recoverAbandoned()) this.wake();
    });
    this.scheduleLeaseRenewal();
  }

  /**
   * Extends the lease of the jobs in flight, and stops those that are no longer ours (cancelled,
   * or taken over after our lease ran out): their results are dropped. Called after a cancel too.
   */
  renewLeases(): void {
    if (!this.running) return;
    const inFlight = new Map([...this.lanes.values()].flatMap((lane) => [...lane.inFlight]));
    for (const id of this.deps.jobs.renewLeases(this.deps.owner, [...inFlight.keys()], this.leaseUntil())) {
      inFlight.get(id)!.abort(new LeaseLost(id));
    }
  }

  /** Takes back the jobs of processes that died or hung; true when any came back to the queue. */
  private recoverAbandoned(): boolean {
    const { requeued, failed } = this.deps.jobs.recoverAbandoned(this.timestamp(), this.deps.isOwnerDead, maxCrashes);
    if (requeued) this.deps.logger.info(`queue: resumed ${requeued} job(s) left running by a process that ended or hung`);
    if (failed) this.deps.logger.warn(`queue: gave up ${failed} job(s) that stopped their worker ${maxCrashes} times`);
    return requeued > 0;
  }

  /**
   * Stops taking jobs. Running jobs are aborted and handed back to the queue untouched (an
   * asynchronous provider's task id stays, so the next start polls it instead of paying again).
   */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wakeTimer.clear();
    this.leaseTimer.clear();
    for (const lane of this.lanes.values()) {
      lane.probeController?.abort();
      for (const controller of lane.inFlight.values()) controller.abort();
    }
    await Promise.allSettled([...this.settled]);
  }

  /**
   * Takes no more jobs and waits for those in flight to end as they would: a `caption` run whose
   * own photos are done may be working on others of its provider, whose answers are paid for
   * (aborting them would have another process ask the provider again).
   */
  async finishInFlight(): Promise<void> {
    this.finishing = true;
    await Promise.allSettled([...this.settled]);
  }

  /** Looks for work now: after jobs were queued, a pause lifted, a setting changed. */
  wake(): void {
    if (!this.running) return;
    this.wakeTimer.clear();
    queueMicrotask(() => this.pump());
  }

  /** Lets lanes stopped by an error (a rejected key) try again, e.g. after the user fixed it. */
  retryStopped(provider?: string): void {
    retryStopped([...this.lanes.values()].map((lane) => lane.policy), provider);
    this.wake();
  }

  laneStatuses(): LaneStatus[] {
    return [...this.lanes.values()].map((lane) => lane.policy.status(lane.inFlight.size));
  }

  /** The lane's stop message, when an error only the user can fix stopped it. */
  stoppedBecause(kind: JobKind, provider: string | null): string | null {
    for (const lane of this.lanes.values()) {
      const { policy } = lane;
      if (lane.due.kind === kind && lane.due.provider?.toLowerCase() === provider?.toLowerCase() && policy.state === 'stopped') {
        return policy.message;
      }
    }
    return null;
  }

  /** Finds the lanes with work and fills each. */
  private pump(): void {
    if (!this.running) return;
    this.safely('looking for work', () => {
      for (const due of this.deps.jobs.dueLanes()) {
        if (this.lanes.has(laneKey(due)) || due.viaBatch) continue;
        if (this.onlyProvider === null || due.provider?.toLowerCase() === this.onlyProvider) this.lanes.set(laneKey(due), this.newLane(due));
      }
    });
    for (const lane of this.lanes.values()) this.refill(lane);
    if (!this.lanes.size) this.scheduleWake(this.deps.now().getTime() + heartbeatMs);
  }

  /** Fills one lane (after one of its jobs settled, say) and sets the timer for its next look. */
  private refill(lane: JobLane): void {
    if (!this.running) return;
    this.safely('starting jobs', () => {
      const now = this.deps.now().getTime();
      // Look again at least every few seconds: another process may queue, pause or resume jobs.
      const wakeAt = Math.min(this.fill(lane, now) ?? Infinity, now + heartbeatMs);
      this.deps.onChange();
      this.scheduleWake(wakeAt);
    });
  }

  /**
   * Runs one of the scheduler's own steps, which run from timers: a library busy past the timeout
   * (or any surprise) is logged and the step tried again at the next heartbeat, instead of ending
   * the process with an uncaught error.
   */
  private safely(step: string, run: () => void): void {
    try {
      run();
    } catch (error) {
      const message = `queue: ${step}: ${error instanceof Error ? error.message : String(error)}`;
      if (isDatabaseBusy(error)) this.deps.logger.warn(message);
      else this.deps.logger.error(message);
      this.scheduleWake(this.deps.now().getTime() + heartbeatMs);
    }
  }

  /** Sets the one timer to `at`, unless it already fires sooner. */
  private scheduleWake(at: number): void {
    if (this.running) this.wakeTimer.set(at);
  }

  /** Starts what the lane may start now; returns when it should be looked at again, if ever. */
  private fill(lane: JobLane, now: number): number | null {
    const { policy } = lane;
    if (policy.state === 'stopped') return null;
    const waitingUntil = policy.waitingUntil(now);
    if (waitingUntil !== null) return waitingUntil;
    if (policy.state === 'offline') {
      if (!lane.probeController) this.probe(lane);
      return null;
    }
    policy.configure(lane.handler.concurrency(lane.due.provider));
    let blocked: string | null = null;
    while (!this.finishing && lane.inFlight.size < policy.limit) {
      // Asked before every job, so jobs started together cannot overshoot a budget between them.
      blocked = lane.handler.blockedBecause?.(lane.due.provider) ?? null;
      if (blocked) break;
      const job = this.deps.jobs.claimNext(lane.due, this.deps.owner, new Date(now).toISOString(), this.leaseUntil());
      if (!job) break;
      this.execute(lane, job);
    }
    if (blocked && lane.inFlight.size === 0) {
      policy.set('out-of-budget', blocked);
      // Settings may change (a higher budget): look again now and then.
      return now + 30_000;
    }
    if (lane.inFlight.size > 0) {
      policy.set('running', null);
      return null;
    }
    policy.set('idle', null);
    const nextDue = this.deps.jobs.nextDueAt(lane.due, new Date(now).toISOString());
    return nextDue === null ? null : Date.parse(nextDue);
  }

  private execute(lane: JobLane, job: ClaimedJob): void {
    const controller = new AbortController();
    lane.inFlight.set(job.id, controller);
    let completed = false;
    const context: JobContext = {
      signal: controller.signal,
      complete: () => {
        if (controller.signal.reason instanceof LeaseLost) throw controller.signal.reason;
        // A job removed with its photo (its folder left the library) has nothing left to record.
        if (!this.deps.jobs.complete(job.id, this.deps.owner, this.timestamp()) && this.deps.jobs.exists(job.id)) {
          throw new LeaseLost(job.id);
        }
        completed = true;
      },
    };
    const settled = lane.handler
      .run(job, context)
      .then((outcome) => {
        if (!completed) context.complete();
        return outcome;
      })
      .then(
        (outcome) => lane.policy.succeeded(outcome.rateLimit),
        (error: unknown) => {
          if (controller.signal.reason instanceof LeaseLost) this.deps.logger.info(`queue: ${controller.signal.reason.message}`);
          else if (controller.signal.aborted) this.deps.jobs.release(job.id, this.deps.owner, this.timestamp());
          // Its photo left the library while it ran: nothing failed that anyone still cares about.
          else if (!this.deps.jobs.exists(job.id)) this.deps.logger.info(`queue: job ${job.id} ended: its photo left the library`);
          else this.failed(lane, job, error);
        },
      )
      .catch((error: unknown) => this.deps.logger.error(`queue: job ${job.id}: ${(error as Error).message}`))
      .finally(() => {
        lane.inFlight.delete(job.id);
        this.settled.delete(settled);
        this.refill(lane);
      });
    this.settled.add(settled);
  }

  private failed(lane: JobLane, job: ClaimedJob, error: unknown): void {
    const { jobs, logger, owner } = this.deps;
    const at = this.timestamp();
    if (error instanceof LeaseLost) {
      logger.warn(`queue: ${error.message}`);
      return;
    }
    if (isDatabaseBusy(error)) {
      // Another process held the library past the busy timeout: not the photo's fault, nor the service's.
      logger.warn(`queue: job ${job.id} met a busy library; trying it again shortly`);
      jobs.release(job.id, owner, at, new Date(this.deps.now().getTime() + busyRetryMs).toISOString());
      return;
    }
    const failure = classifiedFailure(error);
    if (!failure) {
      const message = lane.handler.describeError(error);
      logger.error(`queue: ${job.kind} job ${job.id}: ${message}`);
      jobs.fail(job.id, owner, message, false, at);
      return;
    }
    if (lane.policy.failed(failure)) {
      // Not the photo's fault: it waits, its attempt unspent, until the lane runs again.
      const { until } = lane.policy;
      jobs.release(job.id, owner, at, failure.failureKind === 'rate-limited' && until !== null ? new Date(until).toISOString() : undefined);
    } else if (failure.failureKind === 'transient' && job.attempts < this.deps.retryPolicy.maxAttempts) {
      const delay = retryDelay(failure, job.attempts, this.deps.retryPolicy);
      logger.warn(`queue: job ${job.id} attempt ${job.attempts} failed (${failure.message}); retrying in ${Math.round(delay)} ms`);
      jobs.retryLater(job.id, owner, failure.message, new Date(this.deps.now().getTime() + delay).toISOString(), at);
    } else {
      logger.error(`queue: job ${job.id} failed: ${failure.message}`);
      // A task that may yet finish is kept, so retrying the job polls it instead of paying again.
      jobs.fail(job.id, owner, failure.message, failure.taskMayFinish, at);
    }
  }

  /** Asks whether the service answers again; the lane runs as soon as it does. */
  private probe(lane: JobLane): void {
    const controller = new AbortController();
    lane.probeController = controller;
    const reachable = lane.handler.reachable
      ? lane.handler.reachable(lane.due.provider, controller.signal).catch(() => false)
      : Promise.resolve(true);
    const settled = reachable
      .then((answers) => {
        if (answers) {
          lane.policy.reachable();
        } else {
          lane.policy.probeFailed();
          this.deps.onChange();
        }
      })
      .finally(() => {
        lane.probeController = null;
        this.settled.delete(settled);
        this.refill(lane);
      });
    this.settled.add(settled);
  }

  private newLane(due: DueLane): JobLane {
    const handler = this.handlers.get(due.kind)!;
    const { logger, retryPolicy, now } = this.deps;
    const policy = new Lane(due, handler.concurrency(due.provider), { now, retryPolicy, logger, logPrefix: 'queue' });
    return { due, handler, policy, inFlight: new Map(), probeController: null };
  }

  private timestamp(): string {
    return this.deps.now().toISOString();
  }

  private leaseUntil(): string {
    return new Date(this.deps.now().getTime() + this.deps.leaseMs).toISOString();
  }
}
