import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import Sqlite from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { PassThrough } from 'node:stream';
import { onTestFinished } from 'vitest';
import { main } from '../../src/main/cli/main';

export const bin = resolve(import.meta.dirname, '../../bin/captionist.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const environment = (home: string, env: Record<string, string>) => ({ ...process.env, CAPTIONIST_HOME: home, ...env });

/** Runs the command without blocking this process, whose loopback servers must keep answering. */
export function captionist(args: string[], home: string, env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((done) => {
    execFile(process.execPath, [bin, ...args], { env: environment(home, env), timeout: 60_000 }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

export interface RunningCli {
  child: ChildProcess;
  /** What it printed so far. */
  output(): { stdout: string; stderr: string };
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts a command that runs until it is stopped (watch, serve, a long caption); killed if still running when the test ends. */
export function startCaptionist(args: string[], home: string, env: Record<string, string> = {}): RunningCli {
  const child = spawn(process.execPath, [bin, ...args], { env: environment(home, env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('exit', (code, signal) => done({ code, signal })),
  );
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, output: () => ({ stdout, stderr }), exited };
}

/** Reads the library database of `home` directly, as another program would. */
export function readLibrary<T>(home: string, read: (db: Database) => T): T {
  const db = new Sqlite(join(home, 'library.db'), { readonly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
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
