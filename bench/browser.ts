import Sqlite from 'better-sqlite3';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { createCore } from '../src/main/core';
import { openDatabase } from '../src/main/db/database';
import { Derivatives, thumbnailLongEdge } from '../src/main/images/derivatives';
import { SharpAdapter } from '../src/main/images/sharp.adapter';
import { ExifToolAdapter } from '../src/main/metadata/exiftool.adapter';
import { launchChromium } from '../tests/helpers/browser';
import { goToStart, otherSiteStartUrl, rendererSwap, startPageHtml } from './first-paint-start';
import type { PaintStart } from './first-paint-start';
import { median } from './measure';
import { generateLibrary } from './search-library';

/**
 * The browser UI of `captionist serve` over a large library, in headless Chromium: time from
 * navigation to the first thumbnail painted in the grid, search-to-results latency, and frame
 * times while the grid scrolls through thousands of rows. Each beside a bare baseline in the same
 * run: a static page of plain <img>s served by a bare node:http server (first paint, scrolling),
 * and the bare FTS5 query in better-sqlite3 plus the bridge call alone (search).
 *
 * Each first paint starts from a page of another site (see first-paint-start.ts), so every page
 * gets a new renderer as in a real tab; `--from-blank` measures the fresh tab's about:blank start
 * too, in the same rounds. The bare page is also served with Cross-Origin-Opener-Policy, as
 * captionist serve is, to show whether the start condition charges the renderer swap to one side.
 *
 * The library (rows generated through SQL into a database the core's migrations made, and a few
 * hundred real thumbnails hard-linked under every fingerprint) is built once and kept.
 */
const { values } = parseArgs({
  options: {
    photos: { type: 'string', default: '100000' },
    thumbs: { type: 'string', default: '300' },
    rounds: { type: 'string', default: '5' },
    'scroll-frames': { type: 'string', default: '600' },
    dir: { type: 'string' },
    rebuild: { type: 'boolean', default: false },
    /** Only first paint and scrolling: quicker repeated runs while working on those. */
    'no-search': { type: 'boolean', default: false },
    /**
     * Another checkout of Captionist (built: out/cli and out/renderer) served over the same library
     * beside this one, its first paint measured in the same rounds and its scrolling after ours:
     * a before/after on a noisy machine.
     */
    compare: { type: 'string' },
    /** Also measure every first paint from the fresh tab's about:blank (the bench's start until 2026-12-04). */
    'from-blank': { type: 'boolean', default: false },
  },
});
const photoCount = Number(values.photos);
const thumbCount = Number(values.thumbs);
const rounds = Number(values.rounds);
const scrollFrames = Number(values['scroll-frames']);
const dataDir = values.dir ?? join(tmpdir(), 'captionist-bench', `browser-${photoCount}`);
const dbFile = join(dataDir, 'library.db');
const sourcesDir = join(dataDir, 'thumb-sources');
const readyMarker = join(dataDir, 'ready');
const root = resolve(import.meta.dirname, '..');
const frameMs = 1000 / 60;
const queries = values['no-search'] ? [] : ['beach', 'dog', 'lighthouse', 'glacier', 'wedding', 'market', 'fox', 'aurora'];

const say = (line: string) => process.stdout.write(`${line}\n`);

/** A thumbnail-sized JPEG with structure, so it decodes like a photo's. */
async function writeThumbnail(path: string, seed: number): Promise<void> {
  const width = thumbnailLongEdge;
  const height = Math.round((thumbnailLongEdge * 2) / 3);
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      pixels[i] = (x * 255) / width;
      pixels[i + 1] = (y * 255) / height;
      pixels[i + 2] = ((x ^ y) * seed) & 255;
    }
  }
  await sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality: 80 }).toFile(path);
}

async function buildLibrary(): Promise<void> {
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(sourcesDir, { recursive: true });
  const db = openDatabase(dbFile);
  say(`Building a library of ${photoCount.toLocaleString('en-US')} photos in ${dataDir} ...`);
  generateLibrary(db, { photos: photoCount, folders: 12 });
  db.prepare('UPDATE photos SET has_thumbnail = 1').run();
  const fingerprints = db.prepare('SELECT fingerprint FROM photos').pluck().all() as string[];
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();

  say(`Making ${thumbCount} thumbnails and linking them under ${fingerprints.length.toLocaleString('en-US')} fingerprints ...`);
  for (let k = 0; k < thumbCount; k++) await writeThumbnail(join(sourcesDir, `${k}.jpg`), k + 1);
  const core = createCore({ dataDir, concurrency: 2 });
  // The core's cache, named as the core names it; only paths are asked of it, so no adapter runs.
  const cache = new Derivatives(join(dataDir, 'cache'), new SharpAdapter({ limitInputPixels: 1 }), new ExifToolAdapter({ maxProcs: 1 }));
  const made = new Set<string>();
  fingerprints.forEach((fingerprint, i) => {
    const target = cache.thumbnailPath(fingerprint);
    const shard = dirname(target);
    if (!made.has(shard)) mkdirSync(shard, { recursive: true });
    made.add(shard);
    linkSync(join(sourcesDir, `${i % thumbCount}.jpg`), target);
  });
  await core.close();
  writeFileSync(readyMarker, new Date().toISOString());
}

/** The real `captionist serve` over the library; resolves with the address it prints. */
async function startServe(checkout = root): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [join(checkout, 'bin/captionist.js'), 'serve'], {
    env: { ...process.env, CAPTIONIST_HOME: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  for (let waited = 0; ; waited += 50) {
    const url = output.match(/http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+/)?.[0];
    if (url) {
      return {
        url,
        stop: async () => {
          const exited = new Promise((done) => child.once('exit', done));
          child.kill('SIGTERM');
          await exited;
        },
      };
    }
    if (child.exitCode !== null || waited > 60_000) throw new Error(`captionist serve did not start:\n${output}`);
    await delay(50);
  }
}

/**
 * The baseline: static pages of plain <img>s, the same cells and selectors as the app's grid; the
 * grid also with the Cross-Origin-Opener-Policy captionist serve sends, and the first paints' start
 * page (reached as localhost, another site than the measured pages' 127.0.0.1).
 */
async function startBareServer(scrollRows: number): Promise<{ origin: string; startUrl: string; close(): void }> {
  const columns = 6;
  const cell = (k: number) =>
    `<div role="gridcell" style="height:200px"><img src="/thumb/${k % thumbCount}.jpg" alt="IMG_${k}" loading="lazy" style="width:100%;height:100%;object-fit:cover"></div>`;
  const page = (cells: number) =>
    `<!doctype html><html><head><meta charset="utf-8"><title>bare</title></head><body style="margin:0">` +
    `<div role="grid" aria-label="Photos" style="height:100vh;overflow:auto;display:grid;grid-template-columns:repeat(${columns},1fr);gap:8px">` +
    Array.from({ length: cells }, (_, k) => cell(k)).join('') +
    `</div></body></html>`;
  const grid = page(100);
  const pages: Record<string, string> = { '/grid.html': grid, '/grid-coop.html': grid, '/scroll.html': page(scrollRows * columns), '/start.html': startPageHtml };
  const server = createServer((request, response) => {
    const html = pages[request.url ?? ''];
    const thumb = request.url?.match(/^\/thumb\/(\d+)\.jpg$/)?.[1];
    const coop = request.url === '/grid-coop.html' ? { 'Cross-Origin-Opener-Policy': 'same-origin' } : {};
    if (html) response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', ...coop }).end(html);
    else if (thumb !== undefined) {
      response.writeHead(200, { 'Content-Type': 'image/jpeg', 'Cache-Control': 'max-age=31536000, immutable' });
      response.end(readFileSync(join(sourcesDir, `${thumb}.jpg`)));
    } else response.writeHead(404).end();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as AddressInfo).port;
  return { origin: `http://127.0.0.1:${port}`, startUrl: otherSiteStartUrl(port), close: () => server.close() };
}

/** The few DOM pieces the in-page probes use (these scripts compile against Node's types). */
interface ProbeElement {
  querySelector(selector: string): ProbeElement | null;
  querySelectorAll(selector: string): ArrayLike<ProbeElement>;
  textContent: string | null;
  scrollTop: number;
  scrollHeight: number;
  clientHeight: number;
  offsetHeight: number;
  complete?: boolean;
  naturalWidth?: number;
  dispatchEvent(event: unknown): boolean;
}
interface ProbeWindow {
  document: ProbeElement;
  performance: { now(): number };
  requestAnimationFrame(callback: (time: number) => void): number;
  Event: new (type: string, init: { bubbles: boolean }) => unknown;
  HTMLInputElement: { prototype: object };
  sessionStorage: { getItem(key: string): string | null };
}

/**
 * A fresh browser context (an empty cache). tsx compiles this file keeping function names, which
 * wraps the probes' inner functions in a `__name` helper the page does not have: give it one.
 */
async function freshContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.addInitScript({ content: 'globalThis.__name = (target) => target;' });
  return context;
}

/**
 * Milliseconds from navigation start to the first frame with a decoded thumbnail in the grid. The
 * new document's clock starts when the navigation does, so a renderer swap is counted.
 */
async function firstGridPaint(browser: Browser, url: string, start: PaintStart, startUrl: string): Promise<number> {
  const context = await freshContext(browser);
  try {
    const page = await context.newPage();
    await goToStart(page, start, startUrl);
    await page.goto(url, { waitUntil: 'commit' });
    return await page.evaluate(
      () =>
        new Promise<number>((done, fail) => {
          const window = globalThis as unknown as ProbeWindow;
          const check = () => {
            const images = Array.from(window.document.querySelectorAll('[role="grid"] img'));
            if (images.some((img) => img.complete && (img.naturalWidth ?? 0) > 0)) done(window.performance.now());
            else if (window.performance.now() > 60_000) fail(new Error('No thumbnail painted in a [role="grid"] within 60 s'));
            else window.requestAnimationFrame(check);
          };
          check();
        }),
    );
  } finally {
    await context.close();
  }
}

/**
 * Types `text` into the searchbox at once (as a paste would) and returns the milliseconds until
 * the grid shows the new results, known by their highlighted matches (a count such as "10,000+"
 * may stay the same from one word to the next); the UI's wait for typing to pause is included.
 */
async function searchToResults(page: Page, text: string): Promise<number> {
  return page.evaluate(
    (query) =>
      new Promise<number>((done, fail) => {
        const window = globalThis as unknown as ProbeWindow;
        // Stemming may highlight "beaches" for "beach": the word's start is enough.
        const stem = query.toLowerCase().slice(0, 4);
        const marks = () => Array.from(window.document.querySelectorAll('[role="grid"] mark'));
        // Cleared, the grid shows the library again: no highlights at all.
        const shown = () => (stem ? marks().some((mark) => mark.textContent?.toLowerCase().startsWith(stem)) : marks().length === 0);
        const box = window.document.querySelector('input[type="search"]');
        if (!box) return fail(new Error('No searchbox'));
        const started = window.performance.now();
        // React listens for input events; the native setter makes it see the new value.
        Object.getOwnPropertyDescriptor(window.HTMLInputElement.prototype, 'value')!.set!.call(box, query);
        box.dispatchEvent(new window.Event('input', { bubbles: true }));
        const check = () => {
          if (shown()) done(window.performance.now() - started);
          else if (window.performance.now() - started > 30_000) fail(new Error(`No results for "${query}" were shown`));
          else window.requestAnimationFrame(check);
        };
        check();
      }),
    text,
  );
}

/** The bridge alone: one photos:search call from the page, as the UI makes it. */
async function bridgeSearch(page: Page, text: string): Promise<number> {
  return page.evaluate(async (query) => {
    const window = globalThis as unknown as ProbeWindow;
    const token = window.sessionStorage.getItem('captionist:token');
    const started = window.performance.now();
    const response = await fetch('/api/call/photos:search', {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ text: query, limit: 200 }),
    });
    await response.json();
    return window.performance.now() - started;
  }, text);
}

interface FrameStats {
  p50: number;
  p95: number;
  max: number;
  dropped: number;
  frames: number;
  rows: number;
}

/** Scrolls the grid a few rows every frame and records the intervals between animation frames. */
async function scrollFrameTimes(page: Page, frames: number): Promise<FrameStats> {
  const { intervals, rows } = await page.evaluate(
    (frameCount) =>
      new Promise<{ intervals: number[]; rows: number }>((done) => {
        const window = globalThis as unknown as ProbeWindow;
        const grid = window.document.querySelector('[role="grid"][aria-label="Photos"]')!;
        const rowHeight = grid.querySelector('[role="gridcell"]')?.offsetHeight || 200;
        const intervals: number[] = [];
        let last = 0;
        let left = frameCount;
        const start = grid.scrollTop;
        const step = (time: number) => {
          if (last) intervals.push(time - last);
          last = time;
          grid.scrollTop += rowHeight * 3;
          if (--left > 0) window.requestAnimationFrame(step);
          else done({ intervals, rows: Math.round((grid.scrollTop - start) / rowHeight) });
        };
        window.requestAnimationFrame(step);
      }),
    frames,
  );
  const sorted = [...intervals].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
  return {
    p50: at(0.5),
    p95: at(0.95),
    max: sorted.at(-1)!,
    dropped: intervals.reduce((sum, interval) => sum + Math.max(0, Math.round(interval / frameMs) - 1), 0),
    frames: intervals.length,
    rows,
  };
}

/** The first screen's thumbnails asked for at once over HTTP, as a page would: milliseconds until the last has arrived. */
async function thumbnailBurst(urls: string[]): Promise<number> {
  const started = performance.now();
  await Promise.all(
    urls.map(async (url) => {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`${url} answered ${response.status}`);
      await response.arrayBuffer();
    }),
  );
  return performance.now() - started;
}

/** A served app's thumbnail URLs (its address carries the token) for these fingerprints. */
function appThumbnailUrls(appUrl: string, fingerprints: string[]): string[] {
  const { origin, hash } = new URL(appUrl);
  const token = new URLSearchParams(hash.slice(1)).get('token')!;
  return fingerprints.map((fingerprint) => `${origin}/media/thumb/${fingerprint}?token=${token}`);
}

async function openApp(browser: Browser, url: string): Promise<Page> {
  const page = await (await freshContext(browser)).newPage();
  await page.goto(url);
  await page.getByRole('grid', { name: 'Photos' }).locator('img').first().waitFor({ timeout: 60_000 });
  await page.getByRole('status').filter({ hasText: /\d/ }).first().waitFor();
  return page;
}

if (values.rebuild || !existsSync(readyMarker)) await buildLibrary();
say('Building the web UI ...');
execFileSync(process.execPath, [join(root, 'scripts/build-web.js')], { stdio: 'inherit' });

const serve = await startServe();
const compared = values.compare ? await startServe(resolve(values.compare)) : null;
const bare = await startBareServer(scrollFrames * 3 + 50);
const browser = await launchChromium();
const sqlite = new Sqlite(dbFile, { readonly: true });
try {
  const sqliteVersion = sqlite.prepare('SELECT sqlite_version()').pluck().get() as string;
  say(
    `\n${new Date().toISOString().slice(0, 10)}, ${cpus().length} x ${cpus()[0]?.model.trim()}, ` +
      `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, SQLite ${sqliteVersion}, ` +
      `Chromium ${browser.version()} headless, ${photoCount.toLocaleString('en-US')} photos, ${rounds} rounds\n`,
  );
  const ms = (value: number) => value.toFixed(1);
  const ratio = (ours: number, theirs: number) => (theirs > 0 ? (ours / theirs).toFixed(2) : 'n/a');

  const starts: PaintStart[] = values['from-blank'] ? ['other-site', 'blank'] : ['other-site'];
  const appLanes = [
    { name: 'Captionist', url: serve.url },
    ...(compared ? [{ name: `Captionist, ${values.compare}`, url: compared.url }] : []),
  ];
  const bareLane = { name: 'bare static page, 100 imgs', url: `${bare.origin}/grid.html` };
  const lanes = [...appLanes, bareLane, { name: 'bare static page with COOP same-origin', url: `${bare.origin}/grid-coop.html` }];

  say('| renderer of the measured page (one traced navigation) | start | start page pid | page pid | new renderer | time origin after the call to navigate, ms |\n| --- | --- | ---: | ---: | --- | ---: |');
  for (const start of starts) {
    for (const lane of lanes) {
      const context = await freshContext(browser);
      const page = await context.newPage();
      await goToStart(page, start, bare.startUrl);
      const swap = await rendererSwap(browser, page, lane.url);
      await context.close();
      say(`| ${lane.name} | ${start} | ${swap.startPid} | ${swap.pagePid} | ${swap.pagePid === swap.startPid ? 'no' : 'yes'} | ${ms(swap.timeOriginLagMs)} |`);
    }
  }

  const paints = new Map(starts.map((start) => [start, new Map(lanes.map((lane) => [lane, [] as number[]]))]));
  // Every other round in the opposite order: the first page of a round tends to be the slower.
  const inTurn = <T>(items: T[], round: number) => (round % 2 ? [...items].reverse() : items);
  for (let round = 0; round < rounds; round++) {
    for (const start of starts) {
      for (const lane of inTurn(lanes, round)) paints.get(start)!.get(lane)!.push(await firstGridPaint(browser, lane.url, start, bare.startUrl));
    }
  }
  for (const start of starts) {
    const byLane = paints.get(start)!;
    const bareMedian = median(byLane.get(bareLane)!);
    say(`\n| first grid paint from ${start === 'blank' ? "the fresh tab's about:blank" : 'a page of another site'} (fresh context, warm server) | median ms | ratio to the bare page |\n| --- | ---: | ---: |`);
    for (const [lane, times] of byLane) say(`| ${lane.name} | ${ms(median(times))} | ${ratio(median(times), bareMedian)} |`);
    say(`\nRounds (ms): ${[...byLane].map(([lane, times]) => `${lane.name} ${times.map(ms).join(', ')}`).join('; ')}`);
  }

  // The server's side of the first screen's thumbnails alone, without a browser: a screen of 36.
  const burst = 36;
  const someFingerprints = sqlite.prepare('SELECT fingerprint FROM photos ORDER BY random() LIMIT ?').pluck();
  const bursts = new Map([...appLanes, bareLane].map((lane) => [lane, [] as number[]]));
  for (let round = 0; round < rounds * 3; round++) {
    const fingerprints = someFingerprints.all(burst) as string[];
    for (const [lane, times] of inTurn([...bursts], round)) {
      const urls = lane === bareLane ? fingerprints.map((_, k) => `${bare.origin}/thumb/${(round * burst + k) % thumbCount}.jpg`) : appThumbnailUrls(lane.url, fingerprints);
      times.push(await thumbnailBurst(urls));
    }
  }
  say(`\n| ${burst} thumbnails asked for at once (${rounds * 3} rounds) | median ms | ratio to the bare server |\n| --- | ---: | ---: |`);
  for (const [lane, times] of bursts) say(`| ${lane.name} | ${ms(median(times))} | ${ratio(median(times), median(bursts.get(bareLane)!))} |`);
  say('');

  const app = await openApp(browser, serve.url);
  const bareCount = sqlite.prepare('SELECT count(*) FROM photo_search WHERE photo_search MATCH ?').pluck();
  const bareRanked = sqlite.prepare('SELECT rowid FROM photo_search WHERE photo_search MATCH ? ORDER BY rank LIMIT 200');
  if (queries.length > 0) say('| search, typed at once | UI to results shown, median ms | bridge call alone | bare FTS5 count + first 200 | UI / bare |\n| --- | ---: | ---: | ---: | ---: |');
  for (const query of queries) {
    const ui: number[] = [];
    const bridge: number[] = [];
    const sql: number[] = [];
    for (let round = 0; round < rounds; round++) {
      ui.push(await searchToResults(app, query));
      await searchToResults(app, '');
      bridge.push(await bridgeSearch(app, query));
      const started = process.hrtime.bigint();
      bareCount.get(`${query}*`);
      bareRanked.all(`${query}*`);
      sql.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    say(`| ${query} | ${ms(median(ui))} | ${ms(median(bridge))} | ${ms(median(sql))} | ${ratio(median(ui), median(sql))} |`);
  }

  const appScroll = await scrollFrameTimes(app, scrollFrames);
  await app.close();
  const comparedApp = compared && (await openApp(browser, compared.url));
  const comparedScroll = comparedApp && (await scrollFrameTimes(comparedApp, scrollFrames));
  await comparedApp?.close();
  const barePage = await (await freshContext(browser)).newPage();
  await barePage.goto(`${bare.origin}/scroll.html`);
  const bareScroll = await scrollFrameTimes(barePage, scrollFrames);
  await barePage.close();
  say(`\n| scrolling, 3 rows a frame (${scrollFrames} frames) | p50 ms | p95 ms | max ms | dropped frames | rows scrolled |\n| --- | ---: | ---: | ---: | ---: | ---: |`);
  const scrolled: [string, FrameStats][] = [['Captionist grid', appScroll], ['bare static page (lazy imgs)', bareScroll]];
  if (comparedScroll) scrolled.push([`Captionist grid, ${values.compare}`, comparedScroll]);
  for (const [name, stats] of scrolled) {
    say(`| ${name} | ${ms(stats.p50)} | ${ms(stats.p95)} | ${ms(stats.max)} | ${stats.dropped} | ${stats.rows} |`);
  }
  say(`| ratio | ${ratio(appScroll.p50, bareScroll.p50)} | ${ratio(appScroll.p95, bareScroll.p95)} | ${ratio(appScroll.max, bareScroll.max)} | | |`);
} finally {
  sqlite.close();
  await browser.close();
  bare.close();
  await serve.stop();
  await compared?.stop();
}
