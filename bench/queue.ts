import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { fetch } from 'undici';
import { createCore } from '../src/main/core';
import { forEachConcurrently } from '../src/main/base/concurrency';
import { measure, median } from './measure';
import type { Sample } from './measure';

/**
 * Queue throughput: Captionist captions N photos through the persistent queue against a provider
 * that answers each request after a fixed latency L with concurrency C, next to a bare loop that
 * posts the same caption-ready JPEGs with undici, C at a time. The ideal is C / L photos per
 * second; main-process CPU per photo is the pipeline's own cost (the server runs in its own process).
 */
const { values } = parseArgs({
  options: {
    photos: { type: 'string', default: '500' },
    latency: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '2' },
  },
});
const photoCount = Number(values.photos);
const latencyMs = Number(values.latency);
const concurrency = Number(values.concurrency);
const rounds = Number(values.rounds);
const ideal = concurrency / (latencyMs / 1000);

async function startServer(): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'latency-server.ts'), String(latencyMs)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
  return { url: `http://127.0.0.1:${port}/v1`, stop: () => child.kill() };
}

/** Distinct 3000 x 2000 JPEGs (6 MP, about what a phone or a downsized export holds), made once and reused. */
async function makePhotos(dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const existing = readdirSync(dir).filter((name) => name.endsWith('.jpg')).sort();
  if (existing.length === photoCount) return existing.map((name) => join(dir, name));
  const base = await sharp({
    create: { width: 3000, height: 2000, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 120, sigma: 18 } },
  })
    .raw()
    .toBuffer();
  const files: string[] = [];
  for (let i = 0; i < photoCount; i++) {
    const row = (i * 37) % 1990;
    base.fill((i * 7) % 256, row * 3000 * 3, (row + 4) * 3000 * 3);
    const file = join(dir, `IMG_${String(i).padStart(4, '0')}.jpg`);
    files.push(file);
    if (existsSync(file)) continue;
    await sharp(base, { raw: { width: 3000, height: 2000, channels: 3 } }).jpeg({ quality: 90 }).toFile(file);
  }
  return files;
}

/** What the bare loop sends: each photo's caption-ready JPEG as Captionist makes it, prepared beforehand. */
async function captionReady(files: string[]): Promise<Buffer[]> {
  return Promise.all(
    files.map((file) => sharp(file).rotate().resize(1024, 1024, { fit: 'inside' }).jpeg({ quality: 85 }).toBuffer()),
  );
}

async function bareLoop(url: string, images: Buffer[]): Promise<Sample> {
  let failures = 0;
  const sample = await measure(() =>
    forEachConcurrently(images, concurrency, async (image) => {
      const response = await fetch(`${url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer local' },
        body: JSON.stringify({
          model: 'bench-vision',
          messages: [
            { role: 'system', content: 'Answer in JSON.' },
            { role: 'user', content: [{ type: 'text', text: 'Caption this photo.' }, { type: 'image_url', image_url: { url: `data:image/jpeg;base64,${image.toString('base64')}` } }] },
          ],
        }),
      });
      const completion = (await response.json()) as { choices: { message: { content: string } }[] };
      JSON.parse(completion.choices[0]!.message.content);
      if (!response.ok) failures++;
    }),
  );
  if (failures) throw new Error(`bare loop: ${failures} failures`);
  return sample;
}

async function captionistRun(url: string, photosDir: string): Promise<Sample> {
  const dataDir = mkdtempSync(join(tmpdir(), 'captionist-bench-home-'));
  const core = createCore({ dataDir, concurrency: 2 });
  try {
    await core.invoke('library:index', { paths: [photosDir] });
    await core.invoke('providers:save', {
      name: 'bench',
      type: 'openai-compatible',
      baseUrl: url,
      model: 'bench-vision',
      requiresApiKey: false,
      concurrency,
    });
    return await measure(async () => {
      const result = await core.invoke('captions:generate', { provider: 'bench', paths: [], options: {}, force: false });
      if (result.captioned !== photoCount) throw new Error(`captionist: ${JSON.stringify({ ...result, failed: result.failed.slice(0, 3) })}`);
    });
  } finally {
    await core.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  const photosDir = join(tmpdir(), 'captionist-bench', `queue-${photoCount}`);
  console.error(`Preparing ${photoCount} 6-megapixel JPEGs in ${photosDir} ...`);
  const files = await makePhotos(photosDir);
  const images = await captionReady(files);
  const server = await startServer();
  const bare: Sample[] = [];
  const ours: Sample[] = [];
  try {
    await bareLoop(server.url, images.slice(0, concurrency)); // warm the connection pool and the server
    for (let round = 1; round <= rounds; round++) {
      bare.push(await bareLoop(server.url, images));
      ours.push(await captionistRun(server.url, photosDir));
      console.error(
        `round ${round}: bare ${(photoCount / bare.at(-1)!.seconds).toFixed(2)} photos/s, ` +
          `captionist ${(photoCount / ours.at(-1)!.seconds).toFixed(2)} photos/s (ideal ${ideal.toFixed(2)})`,
      );
    }
  } finally {
    server.stop();
  }

  const rate = (samples: Sample[]) => photoCount / median(samples.map((sample) => sample.seconds));
  const cpuMs = (samples: Sample[]) => (median(samples.map((sample) => sample.cpuSeconds)) / photoCount) * 1000;
  const cpu = cpus();
  console.log(
    `\nQueue throughput, ${new Date().toISOString().slice(0, 10)}, ${cpu.length} x ${cpu[0]?.model.trim()}, ` +
      `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  );
  console.log(`${photoCount} JPEGs of 3000x2000, provider latency ${latencyMs} ms, concurrency ${concurrency}, median of ${rounds} rounds\n`);
  console.log('| run | photos/s | of ideal C/L | main-process CPU ms/photo |');
  console.log('| --- | ---: | ---: | ---: |');
  console.log(`| ideal C/L | ${ideal.toFixed(2)} | 100% | |`);
  console.log(`| bare loop (undici POST of prepared JPEGs) | ${rate(bare).toFixed(2)} | ${((rate(bare) / ideal) * 100).toFixed(1)}% | ${cpuMs(bare).toFixed(1)} |`);
  console.log(
    `| captionist queue (caption-ready JPEG, prompt, SQLite, leases) | ${rate(ours).toFixed(2)} | ` +
      `${((rate(ours) / ideal) * 100).toFixed(1)}% | ${cpuMs(ours).toFixed(1)} |`,
  );
  console.log(`\nCaptionist / ideal: ${((rate(ours) / ideal) * 100).toFixed(1)}% (goal: within 10%); Captionist / bare loop: ${((rate(ours) / rate(bare)) * 100).toFixed(1)}%`);
}

await main();
