import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const bin = resolve(import.meta.dirname, '../../bin/captionist.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `captionist` on a data folder without blocking this process. */
export function captionist(args: string[], home: string): Promise<CliResult> {
  return new Promise((done) => {
    execFile(process.execPath, [bin, ...args], { env: { ...process.env, CAPTIONIST_HOME: home }, timeout: 60_000 }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Starts `captionist` and hands back the process, for a test that stops or kills it midway. */
export function startCaptionist(args: string[], home: string): ChildProcess {
  return spawn(process.execPath, [bin, ...args], { env: { ...process.env, CAPTIONIST_HOME: home }, stdio: 'pipe' });
}
