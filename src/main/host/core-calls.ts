import type { Core } from '../core';

/** How a shell talks to the core, wherever it runs: in a worker (core-host.ts) or in this thread (the core itself). */
export type CoreClient = Pick<Core, 'invoke'>;
