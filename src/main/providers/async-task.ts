import { ProviderError } from './errors';
import { asRecord, isSuccess } from './http';
import type { HttpResponse } from './http';
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

/**
 * Sends a paid submit exactly once. Whatever leaves its fate unknown (a timeout, a connection
 * lost after connecting, a success whose answer cannot be read) becomes a final maybe-submitted error.
 */
export async function submitPaidTask(
  label: string,
  whereToCheck: string,
  send: () => Promise<HttpResponse>,
): Promise<HttpResponse> {
  let response: HttpResponse;
  try {
    response = await send();
  } catch (error) {
    if (mayHaveArrived(error)) {
      throw maybeSubmittedError(label, `${label} may have received the photo before the connection failed`, whereToCheck);
    }
    throw error;
  }
  if (isSuccess(response.status) && !asRecord(response.json)) {
    throw maybeSubmittedError(label, `${label} took the photo but its answer could not be read`, whereToCheck);
  }
  return response;
}

/**
 * A failure after which the server may hold the request: without a status read, any that may
 * have reached it (a timeout, a connection lost after connecting, an answer that was not HTTP);
 * with one, a success whose answer could not be read (broken off, too large).
 */
function mayHaveArrived(error: unknown): boolean {
  if (!(error instanceof ProviderError)) return false;
  return error.status === undefined ? error.mayHaveReachedServer : isSuccess(error.status);
}

/**
 * A paid submit whose fate is unknown: final, so the queue never resends it by itself.
 * `whereToCheck` names the provider's own record of tasks ("the task list on WaveSpeed").
 */
export function maybeSubmittedError(label: string, what: string, whereToCheck: string): ProviderError {
  return new ProviderError(
    'maybe-submitted',
    label,
    `${what}; it was not resent automatically so it is not paid for twice. Check ${whereToCheck}, then caption the photo again if needed`,
  );
}
