import type { JobKind, LaneState, LaneStatus } from '../../shared/queue';
import type { Logger } from '../base/logger';
import type { ClassifiedFailure, RateLimitInfo } from '../base/failure';
import { retryDelay } from '../base/retry';
import type { RetryPolicy } from '../base/retry';

/** How often lanes look for work they were not told about: another process may queue, pause or resume jobs. */
export const heartbeatMs = 5000;

/** Successes in a row after which a throttled lane may run one more job at once. */
const successesPerStep = 10;

/** Calls `run` after `delayMs`, without keeping the process alive; returns the cancel. */
export type Timers = (delayMs: number, run: () => void) => () => void;

export const systemTimers: Timers = (delayMs, run) => {
  const timer = setTimeout(run, delayMs);
  timer.unref();
  return () => clearTimeout(timer);
};

/** The queue's time: what it reads and what it waits on, both injected so tests can move them. */
export interface Clock {
  now: () => Date;
  timers: Timers;
}

/**
 * One timer set to the earliest time anyone asked to be looked at again: a lane's `until`, a
 * poll, the heartbeat. Times are the clock's milliseconds.
 */
export class WakeTimer {
  private cancel: (() => void) | null = null;
  private at = Infinity;

  constructor(
    private readonly clock: Clock,
    private readonly fire: () => void,
    /** Never sooner than this after it is set, so a time already past cannot spin. */
    private readonly minDelayMs: number,
  ) {}

  /** Fires at `at`, unless already set to fire sooner. */
  set(at: number): void {
    if (this.cancel && this.at <= at) return;
    this.cancel?.();
    this.at = at;
    this.cancel = this.clock.timers(Math.max(this.minDelayMs, at - this.clock.now().getTime()), () => {
      this.cancel = null;
      this.fire();
    });
  }

  clear(): void {
    this.cancel?.();
    this.cancel = null;
  }
}

export interface LaneKey {
  kind: JobKind;
  provider: string | null;
  viaBatch: boolean;
}

export interface LaneDeps {
  now: () => Date;
  retryPolicy: RetryPolicy;
  logger: Logger;
  /** Starts its log lines: "queue", "batch". */
  logPrefix: string;
}

/**
 * How a lane of work for one service reacts to it, shared by direct captioning and the Batch API:
 * unreachable, it waits and probes with backoff until the service answers; told to slow down, it
 * waits and halves its concurrency, then earns it back; refused (a rejected key, spent credits),
 * it stops until the user acts; over budget, it waits for the settings to change.
 */
export class Lane {
  state: LaneState = 'idle';
  message: string | null = null;
  /** When an offline or rate-limited lane next tries. */
  until: number | null = null;
  private probes = 0;
  private rateLimitHits = 0;
  private successesInRow = 0;
  /** How many jobs may run at once now: `configured`, lowered while the service pushes back. */
  limit: number;

  constructor(
    readonly key: LaneKey,
    public configured: number,
    private readonly deps: LaneDeps,
  ) {
    this.limit = configured;
  }

  /** Whether `provider` (any when undefined) names this lane's, as the user typed it. */
  serves(provider: string | undefined): boolean {
    return provider === undefined || this.key.provider?.toLowerCase() === provider.toLowerCase();
  }

  /** When an offline or rate-limited lane may try again, while that is still ahead. */
  waitingUntil(now: number): number | null {
    return (this.state === 'offline' || this.state === 'rate-limited') && this.until !== null && this.until > now ? this.until : null;
  }

  /** Follows the configured concurrency, never above what the service currently allows. */
  configure(concurrency: number): void {
    this.configured = concurrency;
    this.limit = Math.min(this.limit, concurrency);
  }

  /**
   * Takes a failure that concerns the whole lane, not one photo: the network, a 429, a refused
   * key or spent credits. False for any other failure, which is the job's (or step's) to handle.
   */
  failed(failure: ClassifiedFailure): boolean {
    if (failure.failureKind === 'offline') this.unreachable(failure.message);
    else if (failure.failureKind === 'rate-limited') this.throttle(failure);
    else if (failure.failureKind === 'stops-lane') this.stop(failure.message);
    else return false;
    return true;
  }

  /** The service did not answer: the lane waits, then probes. Already waiting, it changes nothing. */
  unreachable(message: string): void {
    if (this.state === 'offline') return;
    this.log('warn', `unreachable, waiting for it: ${message}`);
    this.until = this.now() + this.probeDelay();
    this.set('offline', message);
  }

  /** A probe (or a retried step) of an offline lane failed again: wait longer. */
  probeFailed(message = this.message): void {
    this.probes++;
    this.until = this.now() + this.probeDelay();
    this.set('offline', message);
  }

  /** The service answers again: a lane waiting for it runs. */
  reachable(): void {
    if (this.state === 'offline') this.log('info', 'reachable again');
    this.probes = 0;
    this.rateLimitHits = 0;
    if (this.state === 'offline' || this.state === 'rate-limited') this.set('idle', null);
  }

  /** A 429: wait as the service says (or with backoff), and run half as many jobs at once. */
  throttle(failure: ClassifiedFailure): void {
    const delay = retryDelay(failure, ++this.rateLimitHits, this.deps.retryPolicy);
    this.limit = Math.max(1, Math.floor(this.limit / 2));
    this.successesInRow = 0;
    this.slowDown(delay, failure.message);
  }

  /** Waits `delayMs` before the next request (longer if already waiting longer). */
  slowDown(delayMs: number, message: string): void {
    this.until = Math.max(this.until ?? 0, this.now() + delayMs);
    this.set('rate-limited', message);
  }

  /** An error only the user can fix: nothing more is sent until `retry`. */
  stop(message: string): void {
    if (this.state !== 'stopped') this.log('warn', `stopped: ${message}`);
    this.set('stopped', message);
  }

  /** A stopped lane tries again (the user fixed the key, say). */
  retry(): void {
    if (this.state === 'stopped') this.set('idle', null);
  }

  /**
   * A job got through: a lane that thought the service gone has it back, a throttled one earns
   * back concurrency, and one whose rate-limit window the headers say is used up waits for it.
   */
  succeeded(rateLimit?: RateLimitInfo): void {
    if (this.state === 'offline') this.set('idle', null);
    this.probes = 0;
    this.rateLimitHits = 0;
    if (++this.successesInRow >= successesPerStep && this.limit < this.configured) {
      this.limit++;
      this.successesInRow = 0;
    }
    const { remaining, resetMs } = rateLimit ?? {};
    if (remaining === 0 && resetMs) {
      // The window is used up: wait for it rather than collect a 429 per photo.
      this.slowDown(resetMs, 'the service\'s request limit for this period is used up');
    } else if (remaining !== null && remaining !== undefined && remaining < this.limit) {
      this.limit = Math.max(1, remaining);
    }
  }

  set(state: LaneState, message: string | null): void {
    this.state = state;
    this.message = message;
    if (state !== 'offline' && state !== 'rate-limited') this.until = null;
  }

  status(inFlight: number, shown: Partial<Pick<LaneStatus, 'state' | 'message' | 'concurrency' | 'configuredConcurrency'>> = {}): LaneStatus {
    return {
      ...this.key,
      state: this.state,
      message: this.message,
      inFlight,
      concurrency: this.limit,
      configuredConcurrency: this.configured,
      until: this.until === null ? null : new Date(this.until).toISOString(),
      ...shown,
    };
  }

  /** Backoff between probes: from the policy's first delay, doubling, up to its cap. */
  private probeDelay(): number {
    const { baseDelayMs, maxDelayMs, random } = this.deps.retryPolicy;
    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** this.probes);
    return ceiling / 2 + (ceiling / 2) * random();
  }

  private now(): number {
    return this.deps.now().getTime();
  }

  private log(level: 'info' | 'warn', message: string): void {
    this.deps.logger[level](`${this.deps.logPrefix}: ${this.key.provider ?? this.key.kind} ${message}`);
  }
}

/** Lets the lanes stopped by an error (a rejected key) for `provider` (any when undefined) try again. */
export function retryStopped(lanes: Iterable<Lane>, provider?: string): void {
  for (const lane of lanes) if (lane.serves(provider)) lane.retry();
}
