import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/** The browser tests serve the built UI: built once per run (about a second), and only when its sources changed. */
export default function buildUi(): void {
  execFileSync(process.execPath, [resolve(import.meta.dirname, '../../scripts/build-web.js')], { stdio: 'inherit' });
}
