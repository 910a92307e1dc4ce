import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { createCore } from '../src/main/core';
import type { CoreClient } from '../src/main/host/core-calls';
import { startCoreHost } from '../src/main/host/core-host';
import { median } from './measure';

/**
 * How responsive the shell's thread stays while the core indexes a library and answers searches:
 * the event-loop delay of this thread (what a window's or the server's events wait for) with the
 * core in the core host's worker thread (the compiled worker `captionist serve` starts), beside
 * the same work with the core on this thread (the shape before the host), and beside this thread
 * doing nothing (the platform's floor). A search every 100 ms runs throughout, as a UI asks while
 * a folder indexes. Also times starting the core each way, which decides where one-shot commands
 * run it.
 */
const { values } = parseArgs({
  options: {
    photos: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '1' },
    'search-every': { type: 'string', default: '100' },
  },
});
const photoCount = Number(values.photos);
const rounds = Number(values.rounds);
const searchEveryMs = Number(values['search-every']);
const root = join(import.meta.dirname, '..');

execFileSync(process.execPath, [join(root, 'scripts', 'build-cli.js')], { stdio: 'inherit' });
const compiledWorker = pathToFileURL(join(root, 'out', 'cli', 'core-worker.js'));

/** 12-megapixel-class work is not the point here; distinct 1200 x 800 JPEGs, made once and kept. */
async function photos(): Promise<string> {
  const dir = join(tmpdir(), 'captionist-bench', `host-${photoCount}`);
  mkdirSync(dir, { recursive: true });
  if (readdirSync(dir).length >= photoCount) return dir;
  process.stdout.write(`Making ${photoCount} photos in ${dir} ...\n`);
  for (let i = 0; i < photoCount; i++) {
    const file = join(dir, `IMG_${String(i).padStart(5, '0')} ${i % 2 ? 'glacier' : 'harbour'}.jpg`);
    if (existsSync(file)) continue;
    const background = { r: (i * 37) % 256, g: (i * 91) % 256, b: (i * 53) % 256 };
    await sharp({ create: { width: 1200, height: 800, channels: 3, background, noise: { type: 'gaussian', mean: 0, sigma: 12 } } })
      .jpeg({ quality: 85 })
      .toFile(file);
  }
  return dir;
}

interface Run {
  loopDelayMs: { p50: number; p99: number; max: number };
  /** The share of the time this thread was busy running code (its event-loop utilisation). */
  busy: number;
  indexSeconds: number;
  searches: number[];
}

/** Indexes the folder while a search goes out every so often, measuring this thread's event-loop delay. */
async function indexAndSearch(client: CoreClient, folder: string): Promise<Run> {
  await client.invoke('library:addFolder', { path: folder });
  const searches: number[] = [];
  const words = ['glacier', 'harbour', 'IMG_0', 'IMG_01'];
  const loop = monitorEventLoopDelay({ resolution: resolutionMs });
  loop.enable();
  const utilisation = performance.eventLoopUtilization();
  const started = performance.now();
  let indexing = true;
  const searching = (async () => {
    for (let i = 0; indexing; i++) {
      const asked = performance.now();
      await client.invoke('photos:search', { text: words[i % words.length]!, limit: 100 });
      searches.push(performance.now() - asked);
      await delay(searchEveryMs);
    }
  })();
  await client.invoke('library:index', { paths: [folder] });
  const indexSeconds = (performance.now() - started) / 1000;
  indexing = false;
  await searching;
  loop.disable();
  const busy = performance.eventLoopUtilization(utilisation).utilization;
  process.stdout.write(`  ${JSON.stringify({ ...delays(loop), busy, indexSeconds })}\n`);
  return { loopDelayMs: delays(loop), busy, indexSeconds, searches };
}

/** The sampling timer's period: the histogram records each period as it ran, period included. */
const resolutionMs = 5;

/** How late the sampling timer fired, in milliseconds: what anything else waiting on this thread waited. */
function delays(loop: ReturnType<typeof monitorEventLoopDelay>) {
  const late = (ns: number) => Math.max(0, ns / 1e6 - resolutionMs);
  return { p50: late(loop.percentile(50)), p99: late(loop.percentile(99)), max: late(loop.max) };
}

async function idle(seconds: number): Promise<Run['loopDelayMs']> {
  const loop = monitorEventLoopDelay({ resolution: resolutionMs });
  loop.enable();
  await delay(seconds * 1000);
  loop.disable();
  return delays(loop);
}

function freshHome(): string {
  return mkdtempSync(join(tmpdir(), 'captionist-bench-host-home-'));
}

async function inProcessRun(folder: string): Promise<Run> {
  const home = freshHome();
  const core = createCore({ dataDir: home });
  try {
    return await indexAndSearch(core, folder);
  } finally {
    await core.close();
    rmSync(home, { recursive: true, force: true });
  }
}

async function hostRun(folder: string): Promise<Run> {
  const home = freshHome();
  const host = await startCoreHost({ core: { dataDir: home }, workerEntry: compiledWorker });
  try {
    return await indexAndSearch(host, folder);
  } finally {
    await host.close();
    rmSync(home, { recursive: true, force: true });
  }
}

/** Milliseconds from nothing to a first answer (`library:status`) on an existing library, each way. */
async function startTimes(home: string, samples: number) {
  const inProcess: number[] = [];
  const hosted: number[] = [];
  for (let i = 0; i < samples; i++) {
    let started = performance.now();
    const core = createCore({ dataDir: home });
    await core.invoke('library:status', {});
    inProcess.push(performance.now() - started);
    await core.close();
    started = performance.now();
    const host = await startCoreHost({ core: { dataDir: home }, workerEntry: compiledWorker });
    await host.invoke('library:status', {});
    hosted.push(performance.now() - started);
    await host.close();
  }
  return { inProcess: median(inProcess), hosted: median(hosted) };
}

const folder = await photos();
const results: Record<'inProcess' | 'host', Run[]> = { inProcess: [], host: [] };
const floor = await idle(5);
for (let round = 0; round < rounds; round++) {
  // Taking turns, so a load that comes and goes on the shared cores weighs on both alike.
  results.inProcess.push(await inProcessRun(folder));
  results.host.push(await hostRun(folder));
}
const startHome = freshHome();
await createCore({ dataDir: startHome }).close();
const starts = await startTimes(startHome, 10);
rmSync(startHome, { recursive: true, force: true });

const ms = (value: number) => `${value.toFixed(1)} ms`;
const percentile = (numbers: number[], p: number) =>
  [...numbers].sort((a, b) => a - b)[Math.min(numbers.length - 1, Math.floor((numbers.length * p) / 100))]!;
const summary = (runs: Run[]) => ({
  p50: median(runs.map((run) => run.loopDelayMs.p50)),
  p99: median(runs.map((run) => run.loopDelayMs.p99)),
  max: Math.max(...runs.map((run) => run.loopDelayMs.max)),
  busy: median(runs.map((run) => run.busy)),
  indexSeconds: median(runs.map((run) => run.indexSeconds)),
  searches: runs.flatMap((run) => run.searches),
});
const row = (name: string, run: ReturnType<typeof summary>) =>
  `| ${name} | ${(run.busy * 100).toFixed(1)}% | ${ms(run.p50)} | ${ms(run.p99)} | ${ms(run.max)} | ${run.indexSeconds.toFixed(1)} s | ` +
  `${ms(median(run.searches))} | ${ms(percentile(run.searches, 99))} | ${run.searches.length} |`;
const inProcess = summary(results.inProcess);
const host = summary(results.host);

process.stdout.write(
  `\n${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model.trim()}), ` +
    `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; load average now ${loadavg().map((load) => load.toFixed(1)).join(' ')}\n` +
    `${photoCount} photos indexed, a search every ${searchEveryMs} ms meanwhile, ${rounds} round(s)\n\n` +
    `| the shell's thread | busy | loop delay p50 | p99 | max | index time | search p50 | search p99 | searches |\n` +
    `| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n` +
    `| doing nothing (floor) | | ${ms(floor.p50)} | ${ms(floor.p99)} | ${ms(floor.max)} | | | | |\n` +
    `${row('core on this thread', inProcess)}\n${row('core in the host', host)}\n\n` +
    `ratios, core on this thread / in the host: busy ${(inProcess.busy / host.busy).toFixed(1)}x, loop delay p99 ${(inProcess.p99 / host.p99).toFixed(1)}x, ` +
    `max ${(inProcess.max / host.max).toFixed(1)}x; index time ${(host.indexSeconds / inProcess.indexSeconds).toFixed(2)}x with the host\n` +
    `start to a first answer (median of 10): ${ms(starts.inProcess)} in-process, ${ms(starts.hosted)} through the host ` +
    `(+${ms(starts.hosted - starts.inProcess)})\n`,
);
