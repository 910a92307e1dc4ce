export interface RetryPolicy {
  maxAttempts: number;
  /** First backoff; doubles per attempt. */
  baseDelayMs: number;
  /** No wait is ever longer, whatever retry-after says. */
  maxDelayMs: number;
  random: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  random: Math.random,
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(resolve, ms);
      signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(signal.reason);
      }, { once: true });
    }),
};

/** How long to wait before attempt `attempt + 1`: the service's retry-after if given, else exponential backoff; both capped and jittered. */
export function retryDelay(failure: { retryAfterMs?: number }, attempt: number, policy: RetryPolicy): number {
  const { retryAfterMs } = failure;
  if (retryAfterMs !== undefined) {
    // A little jitter on top so many waiting jobs do not return in the same millisecond.
    const jitter = Math.min(1000, retryAfterMs * 0.1) * policy.random();
    return Math.min(policy.maxDelayMs, retryAfterMs + jitter);
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return ceiling / 2 + (ceiling / 2) * policy.random();
}
