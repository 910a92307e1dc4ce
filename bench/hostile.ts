import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs, promisify } from 'node:util';
import sharp from 'sharp';
import { fetch } from 'undici';
import { createCore } from '../src/main/core';
import { median } from './measure';

/**
 * A hostile provider's answer against memory: the peak RSS and wall time of a caption run (the
 * core's real path, every photo, the provider's concurrency) against a provider that answers one
 * photo with a BODY_MB megabyte completion and the others normally, beside the same run with
 * normal answers only, and beside the bare platform (undici's fetch) reading that one huge
 * answer whole. Each measured side runs in a fresh process of its own, so its peak RSS is its
 * own; the servers run in processes of their own too.
 */
const { values } = parseArgs({
  options: {
    side: { type: 'string' },
    home: { type: 'string' },
    url: { type: 'string' },
    photos: { type: 'string', default: '16' },
    concurrency: { type: 'string', default: '8' },
    'body-mb': { type: 'string', default: '200' },
    latency: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '3' },
  },
});
const photoCount = Number(values.photos);
const concurrency = Number(values.concurrency);
const bodyMb = Number(values['body-mb']);
const rounds = Number(values.rounds);

interface Outcome {
  seconds: number;
  peakRssMb: number;
  note: string;
}

const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

/** Indexes the photos into a fresh data folder, in a process whose memory is not measured. */
async function indexSide(home: string, photosDir: string): Promise<void> {
  const core = createCore({ dataDir: home, concurrency: 2 });
  try {
    await core.invoke('library:index', { paths: [photosDir] });
  } finally {
    await core.close();
  }
}

/** A run's outcome as the table shows it: "15 captioned, 1 failed: why". */
function describeRun(captioned: number, failed: { message: string }[]): string {
  return `${captioned} captioned, ${failed.length} failed${failed.length ? `: ${failed.map((failure) => failure.message).join('; ')}` : ''}`;
}

/** Captions every indexed photo through the queue, as `captionist caption` does. */
async function captionSide(home: string, url: string): Promise<Outcome> {
  const core = createCore({ dataDir: home, concurrency: 2 });
  try {
    await core.invoke('providers:save', {
      name: 'bench',
      type: 'openai-compatible',
      baseUrl: url,
      model: 'bench-vision',
      requiresApiKey: false,
      concurrency,
    });
    const started = performance.now();
    const result = await core.invoke('captions:generate', { provider: 'bench', paths: [], options: {}, force: false });
    const seconds = (performance.now() - started) / 1000;
    return { seconds, peakRssMb: peakRssMb(), note: describeRun(result.captioned, result.failed) };
  } finally {
    await core.close();
  }
}

/** undici's fetch reading the huge answer whole, as a client without a cap does. */
async function bareSide(url: string): Promise<Outcome> {
  const started = performance.now();
  const response = await fetch(`${url}/big`);
  const text = await response.text();
  const seconds = (performance.now() - started) / 1000;
  return { seconds, peakRssMb: peakRssMb(), note: `read ${(text.length / 1024 / 1024).toFixed(0)} MB` };
}

/** Distinct 2400 x 1600 JPEGs, made once and reused. */
async function makePhotos(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  if (readdirSync(dir).filter((name) => name.endsWith('.jpg')).length === photoCount) return;
  for (let i = 0; i < photoCount; i++) {
    const file = join(dir, `IMG_${String(i).padStart(4, '0')}.jpg`);
    if (existsSync(file)) continue;
    await sharp({ create: { width: 2400, height: 1600, channels: 3, background: { r: (i * 37) % 256, g: 90, b: 140 }, noise: { type: 'gaussian', mean: 100, sigma: 20 } } })
      .jpeg({ quality: 90 })
      .toFile(file);
  }
}

/** Runs this script again as `side`, in a fresh process, and returns what it reports. */
function child<T>(args: string[]): Promise<T> {
  const process_ = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  process_.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) =>
    process_.on('exit', (code) => (code === 0 ? resolve(JSON.parse(output || 'null') as T) : reject(new Error(`${args[1]} side exited with ${code}`)))),
  );
}

async function startServer(hostile: 'first' | 'none'): Promise<{ url: string; stop(): void }> {
  const server = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'hostile-server.ts'), String(bodyMb), String(values.latency), hostile], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<string>((resolve) => createInterface({ input: server.stdout! }).once('line', resolve));
  return { url: `http://127.0.0.1:${port}`, stop: () => server.kill() };
}

/** A fresh data folder with the photos indexed (in a process whose memory is not measured), removed after `run`. */
async function withIndexedHome(photosDir: string, run: (home: string) => Promise<Outcome>): Promise<Outcome> {
  const home = mkdtempSync(join(tmpdir(), 'captionist-bench-hostile-home-'));
  try {
    await child(['--side', 'index', '--home', home, '--url', photosDir]);
    return await run(home);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

function captionRun(url: string, photosDir: string): Promise<Outcome> {
  return withIndexedHome(photosDir, (home) =>
    child<Outcome>(['--side', 'caption', '--home', home, '--url', `${url}/v1`, '--concurrency', String(concurrency)]),
  );
}

const bin = join(import.meta.dirname, '../bin/captionist.js');
const peakRssPreload = join(import.meta.dirname, 'peak-rss.mjs');

/**
 * The same run as the `captionist caption` command a photographer types (compiled, as installed),
 * its peak RSS reported by a preload at its exit.
 */
function commandRun(url: string, photosDir: string): Promise<Outcome> {
  return withIndexedHome(photosDir, async (home) => {
    const peakFile = join(home, 'peak-rss');
    const env = { ...process.env, CAPTIONIST_HOME: home, BENCH_KEY: 'unused', PEAK_RSS_FILE: peakFile };
    const run = promisify(execFile);
    await run(process.execPath, [bin, 'provider', 'add', 'bench', '--type', 'openai-compatible', '--base-url', `${url}/v1`,
      '--model', 'bench-vision', '--api-key-env', 'BENCH_KEY', '--concurrency', String(concurrency)], { env });
    const started = performance.now();
    const { stdout } = await run(process.execPath, ['--import', peakRssPreload, bin, 'caption', '--provider', 'bench', '--json'], { env })
      .catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '{}' }));
    const seconds = (performance.now() - started) / 1000;
    const result = JSON.parse(stdout) as { captioned?: number; failed?: { message: string }[] };
    return { seconds, peakRssMb: Number(readFileSync(peakFile, 'utf8')), note: describeRun(result.captioned ?? 0, result.failed ?? []) };
  });
}

async function main(): Promise<void> {
  const photosDir = join(tmpdir(), 'captionist-bench', `hostile-${photoCount}`);
  console.error(`Preparing ${photoCount} JPEGs in ${photosDir} ...`);
  await makePhotos(photosDir);
  const hostileServer = await startServer('first');
  const normalServer = await startServer('none');
  const runs: Record<'hostile' | 'normal' | 'commandHostile' | 'commandNormal' | 'bare', Outcome[]> = {
    hostile: [],
    normal: [],
    commandHostile: [],
    commandNormal: [],
    bare: [],
  };
  try {
    for (let round = 1; round <= rounds; round++) {
      runs.normal.push(await captionRun(normalServer.url, photosDir));
      runs.hostile.push(await captionRun(hostileServer.url, photosDir));
      runs.commandNormal.push(await commandRun(normalServer.url, photosDir));
      runs.commandHostile.push(await commandRun(hostileServer.url, photosDir));
      runs.bare.push(await child<Outcome>(['--side', 'bare', '--url', hostileServer.url]));
      const last = (name: keyof typeof runs) => `${runs[name].at(-1)!.peakRssMb.toFixed(0)} MB in ${runs[name].at(-1)!.seconds.toFixed(2)} s`;
      console.error(
        `round ${round}: normal ${last('normal')}, hostile ${last('hostile')}, command normal ${last('commandNormal')}, ` +
          `command hostile ${last('commandHostile')}, bare ${last('bare')}`,
      );
    }
  } finally {
    hostileServer.stop();
    normalServer.stop();
  }

  const cpu = cpus();
  console.log(
    `\nHostile answers, ${new Date().toISOString().slice(0, 10)}, ${cpu.length} x ${cpu[0]?.model.trim()}, ` +
      `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  );
  console.log(`${photoCount} JPEGs of 2400x1600, concurrency ${concurrency}, normal answers after ${values.latency} ms, one answer of ${bodyMb} MB, median of ${rounds} rounds\n`);
  console.log('| run | peak RSS | wall time | outcome |');
  console.log('| --- | ---: | ---: | --- |');
  const row = (name: string, outcomes: Outcome[]) =>
    console.log(
      `| ${name} | ${median(outcomes.map((outcome) => outcome.peakRssMb)).toFixed(0)} MB | ` +
        `${median(outcomes.map((outcome) => outcome.seconds)).toFixed(2)} s | ${outcomes.at(-1)!.note} |`,
    );
  row('captionist caption run, normal answers only', runs.normal);
  row(`captionist caption run, one ${bodyMb} MB answer`, runs.hostile);
  row('captionist caption command (compiled), normal answers only', runs.commandNormal);
  row(`captionist caption command (compiled), one ${bodyMb} MB answer`, runs.commandHostile);
  row(`bare undici fetch reading the ${bodyMb} MB answer whole`, runs.bare);
  const ratio = median(runs.bare.map((outcome) => outcome.peakRssMb)) / median(runs.hostile.map((outcome) => outcome.peakRssMb));
  console.log(`\nPeak RSS, bare read of one answer / Captionist's whole run: ${ratio.toFixed(1)}x`);
}

switch (values.side) {
  case undefined:
    await main();
    break;
  case 'index':
    await indexSide(values.home!, values.url!);
    break;
  case 'caption':
    process.stdout.write(JSON.stringify(await captionSide(values.home!, values.url!)));
    break;
  case 'bare':
    process.stdout.write(JSON.stringify(await bareSide(values.url!)));
    break;
}
