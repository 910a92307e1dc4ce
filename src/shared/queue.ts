import { z } from 'zod';

export const JobKindSchema = z.enum(['caption', 'writeMetadata', 'embed']);
export type JobKind = z.infer<typeof JobKindSchema>;

export const JobStateSchema = z.enum(['queued', 'running', 'waiting-for-retry', 'done', 'failed', 'cancelled']);
export type JobState = z.infer<typeof JobStateSchema>;

/** A job as the queue list shows it; `paused` is true when a pause covers its photo. */
export const QueueJobSchema = z.object({
  id: z.number().int(),
  kind: JobKindSchema,
  provider: z.string().nullable(),
  path: z.string(),
  state: JobStateSchema,
  paused: z.boolean(),
  viaBatch: z.boolean(),
  priority: z.number().int(),
  attempts: z.number().int(),
  nextRunAt: z.string().nullable(),
  lastError: z.string().nullable(),
  updatedAt: z.string(),
});
export type QueueJob = z.infer<typeof QueueJobSchema>;

/**
 * What a provider's lane is doing: working; idle (nothing due); paused by the user; waiting for
 * the network (a probe checks for its return); rate-limited until a time; out of budget; or stopped
 * by an error only the user can fix (a rejected key, exhausted credits).
 */
export const LaneStateSchema = z.enum(['running', 'idle', 'paused', 'offline', 'rate-limited', 'out-of-budget', 'stopped']);
export type LaneState = z.infer<typeof LaneStateSchema>;

export const LaneStatusSchema = z.object({
  kind: JobKindSchema,
  provider: z.string().nullable(),
  /** The provider's Batch API lane, beside its direct one. */
  viaBatch: z.boolean(),
  state: LaneStateSchema,
  /** Why it is not running, in words for the user. */
  message: z.string().nullable(),
  inFlight: z.number().int(),
  /** Jobs it may run at once now: the configured limit, lowered while the service pushes back. */
  concurrency: z.number().int(),
  configuredConcurrency: z.number().int(),
  /** When it will next try (a probe, the end of a rate-limit window). */
  until: z.string().nullable(),
});
export type LaneStatus = z.infer<typeof LaneStatusSchema>;

export const QueueCountsSchema = z.object({
  queued: z.number().int(),
  running: z.number().int(),
  waitingForRetry: z.number().int(),
  paused: z.number().int(),
  done: z.number().int(),
  failed: z.number().int(),
  cancelled: z.number().int(),
});
export type QueueCounts = z.infer<typeof QueueCountsSchema>;

export const QueueStatusSchema = z.object({
  counts: QueueCountsSchema,
  /** Jobs finished per minute over the last few minutes. */
  perMinute: z.number(),
  /** Seconds until the unfinished jobs are done at that rate; null when unknown. */
  etaSeconds: z.number().nullable(),
  /** Spent on captions since the oldest unfinished job was queued. */
  costUsd: z.number().nullable(),
  globallyPaused: z.boolean(),
  pausedScopes: z.array(z.string()),
  lanes: z.array(LaneStatusSchema),
});
export type QueueStatus = z.infer<typeof QueueStatusSchema>;

/** Where a queue command applies: files or folders, or everything when empty. */
export const QueueScopeSchema = z.object({ paths: z.array(z.string().min(1)).default([]) });

/** What a cancel did: jobs taken out of the queue before they started, and jobs stopped while running. */
export const CancelledJobsSchema = z.object({ queued: z.number().int(), running: z.number().int() });
export type CancelledJobs = z.infer<typeof CancelledJobsSchema>;

/** "Cancelled 12 queued and 2 running jobs.", as the command line and the app both say it. */
export function describeCancelled({ queued, running }: CancelledJobs): string {
  return `Cancelled ${queued.toLocaleString('en-US')} queued and ${running.toLocaleString('en-US')} running job${queued + running === 1 ? '' : 's'}.`;
}
