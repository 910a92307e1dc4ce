import type { JobKind, LaneStatus } from '../../shared/queue';
import { JobKindSchema } from '../../shared/queue';
import type { Logger } from '../base/logger';
import type { RetryPolicy } from '../base/retry';
import { isDatabaseBusy } from '../db/database';
import type { DueLane, JobsRepository } from '../db/jobs.repo';
import { JobLane, LeaseLost } from './job-lane';
import type { JobHandler } from './job-lane';
import { heartbeatMs, Lane, retryStopped, systemTimers, WakeTimer } from './lane';
import type { Clock, Timers } from './lane';
import type { BatchLanes, LaneContext, LaneStep, LaneWork } from './lane-work';

export interface SchedulerDeps {
  jobs: JobsRepository;
  /** What runs each job kind directly: one handler per kind, the whole of the kind's dispatch. */
  handlers: readonly JobHandler[];
  /** The Batch API's lanes, run beside the direct ones under the same policy. */
  batchLanes?: BatchLanes;
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

/** A lane run here: the shared lane policy, its work, and the steps and probe in flight. */
interface RunningLane {
  readonly key: DueLane;
  readonly work: LaneWork;
  readonly policy: Lane;
  readonly inFlight: Map<LaneStep, AbortController>;
  probeController: AbortController | null;
}

const laneKey = (lane: DueLane) => `${lane.kind}\u0000${lane.provider ?? ''}\u0000${lane.viaBatch ? 1 : 0}`;

/**
 * Works through the persistent queue: one lane per job kind and provider, direct or through a
 * Batch API, each running up to its concurrency. A lane whose service is unreachable stops taking
 * work and probes with backoff until it answers; one that is told to slow down (429, exhausted
 * rate-limit window) waits and halves its concurrency, then earns it back; one whose key or
 * credits fail stops until the user acts. In none of these cases does a photo fail or use up an
 * attempt. Other failures are retried with backoff up to the policy's attempts, then the job fails
 * with its reason. A Batch API lane's steps (send a batch, poll it, collect its answers) run here
 * like a direct lane's jobs, on the same clock, under the same owner id.
 */
export class QueueScheduler {
  private readonly handlers: ReadonlyMap<JobKind, JobHandler>;
  private readonly lanes = new Map<string, RunningLane>();
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
    for (const handler of this.handlers.values()) this.safely(`queueing waiting ${handler.kind} work`, () => handler.queueWaiting?.());
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
    const inFlight = new Map<number, AbortController>();
    for (const lane of this.lanes.values()) {
      for (const [step, controller] of lane.inFlight) if (step.jobId !== undefined) inFlight.set(step.jobId, controller);
    }
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
   * asynchronous provider's task id stays, so the next start polls it instead of paying again);
   * a batch being prepared is left for whoever starts next.
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
    this.deps.batchLanes?.disown(this.deps.owner);
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
    return [...this.lanes.values()].map((lane) => lane.work.status(lane.policy, lane.inFlight.size));
  }

  /** The lane's stop message, when an error only the user can fix stopped it. */
  stoppedBecause(kind: JobKind, provider: string | null): string | null {
    for (const lane of this.lanes.values()) {
      const { policy } = lane;
      if (lane.key.kind === kind && lane.key.provider?.toLowerCase() === provider?.toLowerCase() && policy.state === 'stopped') {
        return policy.message;
      }
    }
    return null;
  }

  /** Finds the lanes with work and fills each. */
  private pump(): void {
    if (!this.running) return;
    this.safely('looking for work', () => {
      const waitingForBatch: string[] = [];
      for (const due of this.deps.jobs.dueLanes()) {
        if (!due.viaBatch) this.addLane(due);
        else if (due.kind === 'caption' && due.provider) waitingForBatch.push(due.provider);
      }
      for (const provider of this.deps.batchLanes?.providers(waitingForBatch) ?? []) this.addLane({ kind: 'caption', provider, viaBatch: true });
    });
    for (const lane of this.lanes.values()) this.refill(lane);
    if (!this.lanes.size) this.scheduleWake(this.deps.now().getTime() + heartbeatMs);
  }

  /** Fills one lane (after one of its jobs settled, say) and sets the timer for its next look. */
  private refill(lane: RunningLane): void {
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
  private fill(lane: RunningLane, now: number): number | null {
    const { policy, work } = lane;
    if (policy.state === 'stopped') return null;
    const waitingUntil = policy.waitingUntil(now);
    if (waitingUntil !== null) return waitingUntil;
    // A lane whose work has no probe of its own tries its next step instead: that step is the probe.
    const probing = policy.state === 'offline';
    if (probing && work.reachable) {
      if (!lane.probeController) this.probe(lane, work.reachable.bind(work));
      return null;
    }
    policy.configure(work.concurrency());
    let blocked: string | null = null;
    while (!this.finishing && lane.inFlight.size < (probing ? 1 : policy.limit)) {
      blocked = work.blockedBecause();
      if (blocked) break;
      const step = work.take(now);
      if (!step) break;
      this.execute(lane, step);
    }
    if (blocked && lane.inFlight.size === 0) {
      policy.set('out-of-budget', blocked);
      // Settings may change (a higher budget): look again now and then.
      return now + 30_000;
    }
    if (lane.inFlight.size > 0) {
      if (!probing) policy.set('running', null);
      return null;
    }
    if (!probing) policy.set('idle', null);
    return work.nextDueAt(now);
  }

  private execute(lane: RunningLane, step: LaneStep): void {
    const controller = new AbortController();
    lane.inFlight.set(step, controller);
    const settled = step
      .run(controller.signal)
      .then(
        (rateLimit) => lane.policy.succeeded(rateLimit),
        (error: unknown) => (controller.signal.aborted ? step.abandoned() : step.failed(error, lane.policy)),
      )
      .catch((error: unknown) => this.deps.logger.error(`queue: ${(error as Error).message}`))
      .finally(() => {
        lane.inFlight.delete(step);
        this.settled.delete(settled);
        this.refill(lane);
      });
    this.settled.add(settled);
  }

  /** Asks whether the service answers again; the lane runs as soon as it does. */
  private probe(lane: RunningLane, reachable: (signal: AbortSignal) => Promise<boolean>): void {
    const controller = new AbortController();
    lane.probeController = controller;
    const settled = reachable(controller.signal)
      .catch(() => false)
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

  /** Starts a lane for work found in the library, unless it runs already or this process works on another provider only. */
  private addLane(key: DueLane): void {
    if (this.lanes.has(laneKey(key))) return;
    if (this.onlyProvider !== null && key.provider?.toLowerCase() !== this.onlyProvider) return;
    const work = key.viaBatch ? this.deps.batchLanes!.work(key.provider!, this.laneContext()) : this.jobLane(key);
    const { logger, retryPolicy, now } = this.deps;
    const policy = new Lane(key, work.concurrency(), { now, retryPolicy, logger, logPrefix: key.viaBatch ? 'batch' : 'queue' });
    this.lanes.set(laneKey(key), { key, work, policy, inFlight: new Map(), probeController: null });
  }

  private jobLane(key: DueLane): JobLane {
    const { jobs, logger, now, retryPolicy, owner } = this.deps;
    return new JobLane(key, this.handlers.get(key.kind)!, { jobs, logger, now, retryPolicy, owner, leaseUntil: () => this.leaseUntil() });
  }

  private laneContext(): LaneContext {
    const { owner, isOwnerDead, onChange } = this.deps;
    return { owner, isOwnerDead, onChange };
  }

  private timestamp(): string {
    return this.deps.now().toISOString();
  }

  private leaseUntil(): string {
    return new Date(this.deps.now().getTime() + this.deps.leaseMs).toISOString();
  }
}
