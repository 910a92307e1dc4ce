import type { LaneStatus } from '../../shared/queue';
import type { RateLimitInfo } from '../base/failure';
import type { Lane } from './lane';

/** One unit of a lane's work that the scheduler runs: a job, or a step of a batch (send, poll, collect). */
export interface LaneStep {
  /** The job whose lease the scheduler renews while the step runs, when the step is one job. */
  readonly jobId?: number;
  /** Does the work; resolves with the service's rate-limit headers, when it sent any. */
  run(signal: AbortSignal): Promise<RateLimitInfo | undefined>;
  /** Settles a failure: what concerns the whole lane goes to its policy, the rest to the step's own work. */
  failed(error: unknown, lane: Lane): void;
  /** The queue stopped while it ran: its work goes back as it was. */
  abandoned(): void;
}

/** The work of one lane (a job kind and provider, direct or through a Batch API), run by the scheduler under the lane policy. */
export interface LaneWork {
  /** How many steps may run at once, as configured. */
  concurrency(): number;
  /** Why the lane may not start anything now (its budget is spent), or null. */
  blockedBecause(): string | null;
  /** Takes the next step due now, or null when none is. */
  take(now: number): LaneStep | null;
  /** When something of the lane falls due after `now`, if anything does. */
  nextDueAt(now: number): number | null;
  /** Whether the service answers again, asked while the lane waits for it; without it the lane's next step is its probe. */
  reachable?(signal: AbortSignal): Promise<boolean>;
  status(lane: Lane, inFlight: number): LaneStatus;
}

/** What a lane's work shares with the scheduler: the process's one owner id, and its listener. */
export interface LaneContext {
  /** Names this process on the work it takes; another process leaves that work alone while it lives. */
  owner: string;
  isOwnerDead(owner: string): boolean;
  /** Told when the work changed in a way the queue's status shows. */
  onChange(): void;
}

/** Lanes whose work is batches of jobs (the Batch API's): the scheduler finds and runs them beside the direct ones. */
export interface BatchLanes {
  /**
   * Providers with batch work: `waiting` (the providers whose caption jobs wait for a batch, from
   * the scheduler's own look at the queue) and those with batches under way.
   */
  providers(waiting: readonly string[]): string[];
  /** The provider's batch lane's work, done under the process's owner id, clock and listener. */
  work(provider: string, context: LaneContext): LaneWork;
  /** This process stops: a batch it was preparing becomes anyone's to resume, this process's next start included. */
  disown(owner: string): void;
}
