/**
 * How a job, or a step of one, failed: the whole vocabulary the queue acts on. The adapters that
 * know the outside world (a provider's HTTP answers) say which kind each of their errors is; the
 * queue and the batch lanes read only the kind, never an adapter's own taxonomy.
 *
 * - offline: the service did not answer; the lane waits and probes until it does.
 * - rate-limited: told to slow down; the lane waits (as long as `retryAfterMs` says, if given)
 *   and runs fewer jobs at once.
 * - stops-lane: only the user can fix it (a rejected key, spent credits, no access to the model);
 *   going on would repeat it for every photo, so the lane stops until the user acts.
 * - transient: this try failed and the next may not (a timeout, a server error); retried with
 *   backoff up to the policy's attempts.
 * - permanent: trying again would fail again (a rejected request, a refused photo); the job fails.
 */
export type FailureKind = 'offline' | 'rate-limited' | 'stops-lane' | 'transient' | 'permanent';

/** An error that says how it failed. */
export interface ClassifiedFailure extends Error {
  readonly failureKind: FailureKind;
  /** How long the service asked us to wait, uncapped. */
  readonly retryAfterMs?: number;
  /** A remote task (paid for already) that may yet finish: a retry polls it instead of paying again. */
  readonly taskMayFinish: boolean;
}

const failureKinds: ReadonlySet<unknown> = new Set<FailureKind>(['offline', 'rate-limited', 'stops-lane', 'transient', 'permanent']);

/** The error as a classified failure, or null for one that does not say (a missing file, a surprise). */
export function classifiedFailure(error: unknown): ClassifiedFailure | null {
  return error instanceof Error && failureKinds.has((error as Partial<ClassifiedFailure>).failureKind) ? (error as ClassifiedFailure) : null;
}

/** What a service's rate-limit headers said about its current window, for a lane to slow down before it is told to. */
export interface RateLimitInfo {
  limit: number | null;
  remaining: number | null;
  /** Milliseconds until the window resets. */
  resetMs: number | null;
}
