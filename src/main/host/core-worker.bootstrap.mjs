// The worker's entry when Captionist runs from its TypeScript sources (tests, benchmarks, tsx):
// a worker thread starts without the parent's TypeScript loader, so it registers tsx first.
// Built code (out/main, out/cli) starts core-worker.js directly and never loads this file.
import { register } from 'tsx/esm/api';

register();
await import('./core-worker.ts');
