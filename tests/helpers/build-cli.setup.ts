import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/** Tests run the captionist command as users do, compiled: built once per run, and only when the sources changed. */
export default function buildCli(): void {
  execFileSync(process.execPath, [resolve(import.meta.dirname, '../../scripts/build-cli.js')], { stdio: 'inherit' });
}
