import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../src/main/cli/main';

const bin = resolve(import.meta.dirname, '../../bin/captionist.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `captionist` process on a data folder without blocking this process. */
export function captionist(args: string[], home: string): Promise<CliResult> {
  return new Promise((done) => {
    execFile(process.execPath, [bin, ...args], { env: { ...process.env, CAPTIONIST_HOME: home }, timeout: 60_000 }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/**
 * Runs a command through the CLI's `main` in this process: the same code as the `captionist`
 * process minus its start-up, which takes seconds on a busy machine.
 */
export async function captionistHere(args: string[], home: string): Promise<CliResult> {
  const collect = () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
    return { stream: stream as unknown as NodeJS.WriteStream, text: () => text };
  };
  const stdout = collect();
  const stderr = collect();
  const code = await main(args, { CAPTIONIST_HOME: home }, { stdout: stdout.stream, stderr: stderr.stream });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** Starts `captionist` and hands back the process, for a test that stops or kills it midway. */
export function startCaptionist(args: string[], home: string): ChildProcess {
  return spawn(process.execPath, [bin, ...args], { env: { ...process.env, CAPTIONIST_HOME: home }, stdio: 'pipe' });
}
