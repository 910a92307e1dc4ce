import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCore } from '../../src/main/core';
import type { CaptionistApi } from '../../src/shared/contract';
import { launchChromium, saveScreenshot } from '../helpers/browser';
import { writeJpeg } from '../helpers/files';
import { waitFor } from '../helpers/library';

/** What the page's scripts see, typed here without the DOM library the Node tests compile against. */
interface PageGlobals {
  api: CaptionistApi;
  seenEvents: string[];
}

const bin = resolve(import.meta.dirname, '../../bin/captionist.js');
const photoNames = ['alpine lake.jpg', 'city at night.jpg', 'red fox.jpg'];

let home: string;
let library: string;
let serve: ChildProcess;
let url: string;
let browser: Browser;
let page: Page;
let stderr = '';

/** The real `captionist serve` over a library indexed beforehand, opened in one headless Chromium. */
beforeAll(async () => {
  home = realpathSync(mkdtempSync(join(tmpdir(), 'captionist-home-')));
  library = realpathSync(mkdtempSync(join(tmpdir(), 'captionist-library-')));
  await Promise.all(photoNames.map((name, seed) => writeJpeg(join(library, name), { seed: seed + 1 })));
  const core = createCore({ dataDir: home, concurrency: 2 });
  await core.invoke('library:addFolder', { path: library });
  await core.invoke('library:index', { paths: [library] });
  await core.close();

  serve = spawn(process.execPath, [bin, 'serve'], { env: { ...process.env, CAPTIONIST_HOME: home }, stdio: 'pipe' });
  serve.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let stdout = '';
  serve.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  url = await waitFor(`the address captionist serve prints (stderr: ${stderr})`, () => stdout.match(/http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{43}/)?.[0], 30_000);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  // Normally stopped by the last test already.
  if (serve && serve.exitCode === null) {
    const exited = new Promise((done) => serve.once('exit', done));
    serve.kill('SIGTERM');
    await exited;
  }
  rmSync(home, { recursive: true, force: true });
  rmSync(library, { recursive: true, force: true });
});

beforeEach(async () => {
  page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
});

afterEach(async (context) => {
  await saveScreenshot(page, `serve-ui ${context.task.name}`);
  await page.close();
});

describe('captionist serve in a browser', () => {
  it('opens the app with the printed address and shows the library\'s thumbnails', async () => {
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(url);

    // The app renders after the first screen's thumbnails have painted (src/renderer/src/main.tsx).
    await expect.poll(() => page.getByRole('searchbox', { name: 'Search photos' }).count(), { timeout: 15_000 }).toBe(1);
    for (const name of photoNames) {
      const thumbnail = page.getByRole('img', { name, exact: true });
      await thumbnail.waitFor();
      await expect.poll(() => thumbnail.evaluate((element) => {
        const img = element as unknown as { complete: boolean; naturalWidth: number };
        return img.complete && img.naturalWidth > 0;
      })).toBe(true);
    }
    // The token left the address bar but stays with the tab.
    expect(page.url()).not.toContain('token');
    await page.reload();
    await page.getByRole('img', { name: photoNames[0], exact: true }).waitFor();

    const api = await page.evaluate(async () => {
      const { api } = globalThis as unknown as PageGlobals;
      return {
        hasNativeDialogs: api.hasNativeDialogs,
        picker: await api.shell('dialog:pickFolder').catch((error: Error) => error.message),
        thumbnail: api.thumbnailUrl('0123456789abcdef0123456789abcdef'),
      };
    });
    expect(api).toMatchObject({ hasNativeDialogs: false, picker: expect.stringContaining('desktop app') });
    expect(api.thumbnail).toMatch(/^\/media\/thumb\/0123456789abcdef0123456789abcdef\?token=/);
    expect(pageErrors).toEqual([]);
  });

  it('passes core events to the page: a photo added to a watched folder appears', async () => {
    await page.goto(url);
    await page.getByRole('img', { name: photoNames[0], exact: true }).waitFor();
    await page.evaluate(() => {
      const page = globalThis as unknown as PageGlobals;
      page.seenEvents = [];
      page.api.on('library:changed', () => page.seenEvents.push('library:changed'));
    });

    // The serve process watches its folders, indexes the new file and tells the page.
    await writeJpeg(join(library, 'harbour seals.jpg'), { seed: 9 });
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).seenEvents.length > 0, null, { timeout: 30_000 });
    await page.getByRole('img', { name: 'harbour seals.jpg', exact: true }).waitFor({ timeout: 30_000 });
  });

  it('without the token, the page says how to get in and the server gives nothing away', async () => {
    const origin = new URL(url).origin;
    await page.goto(`${origin}/`);
    await page.getByRole('searchbox', { name: 'Search photos' }).waitFor();
    const refused = await page.evaluate(async () => {
      const call = await fetch('/api/call/library:status', { method: 'POST', body: '{}' });
      const error = await (globalThis as unknown as PageGlobals).api.invoke('library:status', {}).catch((failure: Error) => failure.message);
      return { status: call.status, error };
    });
    expect(refused).toMatchObject({ status: 401, error: expect.stringContaining('#token=') });
    expect(await page.getByRole('img').count()).toBe(0);
  });

  it('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((done) => serve.once('exit', done));
    serve.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toContain('Stopping');
  });
});
