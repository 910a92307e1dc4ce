import { ExifTool } from 'exiftool-vendored';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { createCore } from '../src/main/core';
import { forEachConcurrently } from '../src/main/base/concurrency';
import { PlaceFinder } from '../src/main/places/gazetteer';
import { bareIndexLoop } from './bare-index';
import { measure, median } from './measure';
import type { Sample } from './measure';

/**
 * What naming places costs indexing: Captionist's index of photos with GPS with place names on
 * and off (off is the index as it was before places: the same single ExifTool read per photo),
 * beside a bare exiftool-vendored read + sharp thumbnail loop, rounds alternating. The one-time
 * gazetteer load is timed on its own (the runs with places on load it in their warm-up).
 */
const { values } = parseArgs({
  options: {
    photos: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '3' },
  },
});
const photoCount = Number(values.photos);
const rounds = Number(values.rounds);
const concurrency = 2;

/** Positions near towns on every continent, and a few at sea, jittered per photo. */
const positions: [number, number][] = [
  [64.1466, -21.9426], [48.8566, 2.3522], [-33.8688, 151.2093], [35.0116, 135.7681], [-18.1416, 178.4419],
  [40.7128, -74.006], [-22.9068, -43.1729], [30, -40], [1.3521, 103.8198], [-1.2921, 36.8219],
];

async function photosWithGps(dir: string, count: number): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const exiftool = new ExifTool({ maxProcs: concurrency });
  const files = Array.from({ length: count }, (_, i) => join(dir, `IMG_${String(i).padStart(4, '0')}.jpg`));
  try {
    await forEachConcurrently(files, concurrency, async (file) => {
      const i = files.indexOf(file);
      await sharp({ create: { width: 1600, height: 1067, channels: 3, background: { r: (i * 37) % 255, g: 120, b: (i * 11) % 255 }, noise: { type: 'gaussian', mean: 120, sigma: 18 } } })
        .jpeg({ quality: 85 })
        .toFile(file);
      const [latitude, longitude] = positions[i % positions.length]!;
      const jitter = (i % 7) * 0.01;
      await exiftool.write(
        file,
        {
          GPSLatitude: Math.abs(latitude + jitter), GPSLatitudeRef: latitude < 0 ? 'S' : 'N',
          GPSLongitude: Math.abs(longitude + jitter), GPSLongitudeRef: longitude < 0 ? 'W' : 'E',
        } as never,
        { writeArgs: ['-overwrite_original'] },
      );
    });
  } finally {
    await exiftool.end();
  }
  return files;
}

async function captionistIndex(dir: string, warmUp: string, placeNames: boolean, expected: number): Promise<Sample> {
  const dataDir = mkdtempSync(join(tmpdir(), 'captionist-bench-home-'));
  const core = createCore({ dataDir, concurrency, dailyBackups: false });
  try {
    await core.invoke('settings:save', { placeNames });
    // Starts ExifTool and, with places on, loads the gazetteer: outside the timing, as in a running app.
    await core.invoke('library:index', { paths: [warmUp] });
    return await measure(async () => {
      const result = await core.invoke('library:index', { paths: [dir] });
      if (result.added !== expected || result.errors.length) throw new Error(`index went wrong: ${JSON.stringify(result).slice(0, 300)}`);
    });
  } finally {
    await core.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  const root = mkdtempSync(join(tmpdir(), 'captionist-bench-places-'));
  try {
    console.error(`Preparing ${photoCount} JPEGs with GPS ...`);
    const files = await photosWithGps(join(root, 'photos'), photoCount);
    const [warmFile] = await photosWithGps(join(root, 'warm'), 1);
    const outDir = join(root, 'out');
    mkdirSync(outDir);

    const loadStarted = process.hrtime.bigint();
    await new PlaceFinder().placeAt(64.1466, -21.9426);
    const loadMs = Number(process.hrtime.bigint() - loadStarted) / 1e6;

    const samples = { bare: [] as Sample[], off: [] as Sample[], on: [] as Sample[] };
    for (let round = 1; round <= rounds; round++) {
      samples.bare.push(await bareIndexLoop(files, outDir, concurrency));
      samples.off.push(await captionistIndex(join(root, 'photos'), join(warmFile!, '..'), false, files.length));
      samples.on.push(await captionistIndex(join(root, 'photos'), join(warmFile!, '..'), true, files.length));
      console.error(`round ${round}: ${Object.entries(samples).map(([name, list]) => `${name} ${list.at(-1)!.seconds.toFixed(2)} s`).join(', ')}`);
    }

    const seconds = (list: Sample[]) => median(list.map((sample) => sample.seconds));
    const perPhotoMs = (list: Sample[]) => (seconds(list) / files.length) * 1000;
    const cpu = cpus();
    console.log(`\nIndex with places, ${new Date().toISOString().slice(0, 10)}, ${cpu.length} x ${cpu[0]?.model.trim()}, ` +
      `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
    console.log(`${files.length} JPEGs of 1600x1067 with GPS (9 of 10 positions near a town, 1 at sea), ${concurrency} at a time, median of ${rounds} rounds\n`);
    console.log('| run | seconds | ms/photo | vs places off |');
    console.log('| --- | ---: | ---: | ---: |');
    for (const [label, list] of [
      ['bare loop (exiftool-vendored read + sharp thumbnail)', samples.bare],
      ['captionist index, place names off (as before places)', samples.off],
      ['captionist index, place names on', samples.on],
    ] as const) {
      console.log(`| ${label} | ${seconds(list).toFixed(2)} | ${perPhotoMs(list).toFixed(2)} | ${(seconds(list) / seconds(samples.off)).toFixed(3)} |`);
    }
    console.log(`\nGazetteer load on the first lookup (once per process): ${loadMs.toFixed(0)} ms`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
