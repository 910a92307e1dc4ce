/*
 * Limits the UI, the CLI and the core agree on. Zod-free, so the first screen can use them without
 * loading the schemas.
 */

/** The most photos one selection, and so one bulk call, may hold. */
export const maxPhotoIds = 100_000;

/**
 * The most photo ids one call that touches each photo in its own statement takes (approve,
 * prioritise). The core answers calls one at a time, so a call this size (tens of milliseconds)
 * never holds up the searches behind it for long; the UI sends a larger selection in chunks of it.
 */
export const maxIdsPerCall = 10_000;

/** The most jobs one queue listing returns (the app's failed-jobs list, `captionist queue list`). */
export const maxJobsListed = 10_000;
