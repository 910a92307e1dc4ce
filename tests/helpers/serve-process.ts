import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { onTestFinished } from 'vitest';
import { createCore } from '../../src/main/core';
import { launchChromium } from './browser';
import { tempDir } from './files';
import { waitFor } from './library';

const bin = resolve(import.meta.dirname, '../../bin/captionist.js');

export interface ServeProcess {
  process: ChildProcess;
  /** The address it printed, with its token. */
  url: string;
  port: number;
  token: string;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** SIGTERM, then waits for it to exit. */
  stop(): Promise<void>;
}

/** The real `captionist serve` on a data folder, once it has printed its address. */
export async function spawnServe(home: string): Promise<ServeProcess> {
  const child = spawn(process.execPath, [bin, 'serve'], { env: { ...process.env, CAPTIONIST_HOME: home }, stdio: 'pipe' });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await waitFor('the address captionist serve prints', () => output.match(/http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{43}/)?.[0], 30_000);
  const address = new URL(url);
  return {
    process: child,
    url,
    port: Number(address.port),
    token: address.hash.slice('#token='.length),
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** `captionist serve` on `home`, and a page of a fresh Chromium of that size: both closed when the test ends. */
export async function servedPage(home: string, viewport: { width: number; height: number }): Promise<{ serve: ServeProcess; page: Page }> {
  const serve = await spawnServe(home);
  onTestFinished(() => serve.stop());
  const browser = await launchChromium();
  onTestFinished(() => browser.close());
  return { serve, page: await browser.newPage({ viewport }) };
}

/**
 * A data folder past the first run whose one library folder holds what `fill` writes into it,
 * indexed: what `spawnServe` is started on.
 */
export async function indexedHome(fill: (library: string) => Promise<unknown>): Promise<string> {
  const home = tempDir('captionist-home-');
  const library = tempDir('captionist-library-');
  await fill(library);
  const core = createCore({ dataDir: home, concurrency: 2 });
  await core.invoke('settings:save', { onboarded: true });
  await core.invoke('library:addFolder', { path: library });
  await core.invoke('library:index', { paths: [library] });
  await core.close();
  return home;
}
