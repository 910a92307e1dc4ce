import { mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createCore } from '../src/main/core';
import { cameraJpegs } from './photos';
import { bareIndexLoop } from './bare-index';
import { measure, median } from './measure';
import type { Sample } from './measure';

/**
 * Indexing throughput: Captionist's full index (metadata, fingerprint, thumbnail, database) against
 * a bare loop that reads each file's metadata with exiftool-vendored and makes the same thumbnail
 * with sharp, two files at a time. Rounds alternate so machine noise hits both alike.
 */
const { values } = parseArgs({
  options: {
    photos: { type: 'string', default: '40' },
    rounds: { type: 'string', default: '3' },
    dir: { type: 'string', default: join(tmpdir(), 'captionist-bench', 'camera-24mp') },
  },
});
const photoCount = Number(values.photos);
const rounds = Number(values.rounds);
const concurrency = 2;

async function captionistIndex(files: string[], dir: string, warmUp: string): Promise<Sample> {
  const dataDir = mkdtempSync(join(tmpdir(), 'captionist-bench-home-'));
  const core = createCore({ dataDir, concurrency });
  try {
    await core.invoke('library:index', { paths: [warmUp] });
    const sample = await measure(async () => {
      const result = await core.invoke('library:index', { paths: [dir] });
      if (result.added !== files.length || result.errors.length) {
        throw new Error(`index went wrong: ${JSON.stringify({ ...result, errors: result.errors.slice(0, 3) })}`);
      }
    });
    return sample;
  } finally {
    await core.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  console.error(`Preparing ${photoCount} 24-megapixel JPEGs in ${values.dir} ...`);
  const files = await cameraJpegs(values.dir, photoCount);
  const photosDir = mkdtempSync(join(tmpdir(), 'captionist-bench-set-'));
  const warmUp = mkdtempSync(join(tmpdir(), 'captionist-bench-warm-'));
  files.forEach((file, i) => symlinkSync(file, join(photosDir, `photo-${i}.jpg`)));
  symlinkSync(files[0]!, join(warmUp, 'warm.jpg'));
  const outDir = mkdtempSync(join(tmpdir(), 'captionist-bench-out-'));
  const averageMb = files.reduce((sum, file) => sum + statSync(file).size, 0) / files.length / 1e6;

  const bare: Sample[] = [];
  const ours: Sample[] = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      bare.push(await bareIndexLoop(files, outDir, concurrency));
      ours.push(await captionistIndex(files, photosDir, warmUp));
      console.error(
        `round ${round}: bare ${(files.length / bare.at(-1)!.seconds).toFixed(2)} photos/s, ` +
          `captionist ${(files.length / ours.at(-1)!.seconds).toFixed(2)} photos/s`,
      );
    }
  } finally {
    for (const dir of [photosDir, warmUp, outDir]) rmSync(dir, { recursive: true, force: true });
  }

  const rate = (samples: Sample[]) => files.length / median(samples.map((s) => s.seconds));
  const cpuMs = (samples: Sample[]) => (median(samples.map((s) => s.cpuSeconds)) / files.length) * 1000;
  const cpu = cpus();
  console.log(`\nIndex throughput, ${new Date().toISOString().slice(0, 10)}, ${cpu.length} x ${cpu[0]?.model.trim()}, ` +
    `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  console.log(`${files.length} JPEGs of 6000x4000 (${averageMb.toFixed(1)} MB average), ${concurrency} at a time, median of ${rounds} rounds\n`);
  console.log('| run | photos/s | main-process CPU ms/photo |');
  console.log('| --- | ---: | ---: |');
  console.log(`| bare loop (exiftool-vendored read + sharp thumbnail) | ${rate(bare).toFixed(2)} | ${cpuMs(bare).toFixed(1)} |`);
  console.log(`| captionist index (metadata, fingerprint, thumbnail, SQLite) | ${rate(ours).toFixed(2)} | ${cpuMs(ours).toFixed(1)} |`);
  console.log(`\nCaptionist / bare loop: ${((rate(ours) / rate(bare)) * 100).toFixed(0)}% (goal: at least 80%)`);
}

await main();
