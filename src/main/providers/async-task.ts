import { ProviderError } from './errors';
import type { ProviderDeps } from './provider';

/**
 * Checks a paid remote task until `check` returns its result: first after `firstWaitMs` (0 for a
 * resumed task), then at growing intervals, until the deadline. Past it, a retryable timeout:
 * the task id is stored, so the retry polls again without paying twice.
 */
export async function pollUntilSettled<T>(
  label: string,
  deps: Pick<ProviderDeps, 'poll' | 'sleep'>,
  firstWaitMs: number,
  check: () => Promise<T | null>,
  signal?: AbortSignal,
): Promise<T> {
  const { intervalMs, maxIntervalMs, deadlineMs } = deps.poll;
  const deadline = Date.now() + deadlineMs;
  for (let waitMs = firstWaitMs; ; waitMs = waitMs === 0 ? intervalMs : Math.min(waitMs * 1.5, maxIntervalMs)) {
    const remainingMs = deadline - Date.now();
    if (remainingMs <= 0) {
      throw new ProviderError(
        'timeout',
        label,
        `${label} has not finished the caption after ${Math.ceil(deadlineMs / 1000)} s; the task is kept, so a retry checks it again without paying twice`,
      );
    }
    if (waitMs > 0) await deps.sleep(Math.min(waitMs, remainingMs), signal);
    const result = await check();
    if (result !== null) return result;
  }
}

/** A transport failure after which the server may hold the request: a timeout, or a connection lost after connecting. */
export function mayHaveArrived(error: unknown): boolean {
  return (
    error instanceof ProviderError &&
    (error.kind === 'timeout' || (error.kind === 'network' && error.mayHaveReachedServer))
  );
}
