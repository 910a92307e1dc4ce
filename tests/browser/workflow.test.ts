import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ExifTool } from 'exiftool-vendored';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, saveScreenshot } from '../helpers/browser';
import { writeJpeg } from '../helpers/files';
import { waitFor } from '../helpers/library';
import { visionServer } from '../helpers/vision-server';
import type { VisionServer } from '../helpers/vision-server';

const bin = resolve(import.meta.dirname, '../../bin/captionist.js');
const photoNames = ['DSC_0001.jpg', 'DSC_0002.jpg', 'DSC_0003.jpg'];
const editedCaption = 'A red kayak drifts on a glacial lake at dawn.';

let home: string;
let library: string;
let vision: VisionServer;
let serve: ChildProcess;
let url: string;
let browser: Browser;
let page: Page;
const exiftool = new ExifTool({ maxProcs: 1 });

/**
 * A photographer's first session, in Debian's Chromium against the real `captionist serve`: a
 * new library, a local OpenAI-compatible server on loopback (as Ollama would be), real JPEGs.
 */
beforeAll(async () => {
  home = realpathSync(mkdtempSync(join(tmpdir(), 'captionist-home-')));
  library = realpathSync(mkdtempSync(join(tmpdir(), 'captionist-library-')));
  await Promise.all(photoNames.map((name, seed) => writeJpeg(join(library, name), { seed: seed + 11 })));
  serve = spawn(process.execPath, [bin, 'serve'], { env: { ...process.env, CAPTIONIST_HOME: home }, stdio: 'pipe' });
  let output = '';
  serve.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  serve.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  url = await waitFor(
    'the address captionist serve prints',
    () => output.match(/http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{43}/)?.[0],
    30_000,
  );
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
});

afterAll(async () => {
  await browser?.close();
  if (serve && serve.exitCode === null) {
    const exited = new Promise((done) => serve.once('exit', done));
    serve.kill('SIGTERM');
    await exited;
  }
  await exiftool.end();
  rmSync(home, { recursive: true, force: true });
  rmSync(library, { recursive: true, force: true });
});

async function pixelHash(path: string): Promise<string> {
  return createHash('sha256').update(await sharp(path).raw().toBuffer()).digest('hex');
}

/** The three tiles' names: each is the photo's caption once it has one. */
async function tileNames(): Promise<string[]> {
  return page.getByRole('grid', { name: 'Photos' }).getByRole('gridcell').evaluateAll((cells) =>
    cells.map((cell) => cell.querySelector('img')?.getAttribute('alt') ?? ''),
  );
}

/** An <img> as the page has it (the tests are typed without the DOM's types). */
type Picture = { src: string; complete: boolean; naturalWidth: number };

/** Each grid tile's thumbnail: its address and whether it is a decoded picture (not a broken image). */
async function gridThumbnails(): Promise<{ src: string; loaded: boolean }[]> {
  return page
    .getByRole('grid', { name: 'Photos' })
    .locator('img')
    .evaluateAll((images) => (images as unknown as Picture[]).map((img) => ({ src: img.src, loaded: img.complete && img.naturalWidth > 0 })));
}

describe('the whole workflow in a browser', () => {
  it('adds a folder, captions it, searches, edits, approves and writes the metadata', async () => {
    // Local presets send this placeholder key; the server checks it like a real one.
    vision = await visionServer({ apiKey: 'not-needed', latencyMs: 50 });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(url);

    // First run: a local server as the provider, tested before going on.
    const welcome = page.getByRole('dialog', { name: 'Welcome to Captionist' });
    // A cloud service comes first: its key is typed into a password field that says where it goes.
    const apiKey = welcome.getByLabel('API key');
    expect(await apiKey.getAttribute('type')).toBe('password');
    const keyNote = await apiKey.getAttribute('aria-describedby');
    expect(await welcome.locator(`[id="${keyNote}"]`).textContent()).toBe('From your Inference.net account; stored securely.');
    await welcome.getByRole('radio', { name: /Ollama/ }).check();
    expect(await apiKey.count()).toBe(0);
    await welcome.getByLabel('Base URL').fill(`${vision.url}/v1`);
    await welcome.getByRole('button', { name: 'Test connection' }).click();
    await welcome.getByRole('button', { name: 'Continue', exact: true }).click();
    await saveScreenshot(page, 'workflow 1 provider tested');
    // The test captioned a sample picture of Captionist's own.
    expect(vision.captioned).toHaveLength(1);

    // Add the folder: a browser has no native picker, so the path is typed.
    await welcome.getByRole('button', { name: 'Choose a folder' }).click();
    const addFolder = page.getByRole('dialog', { name: 'Add a folder' });
    await addFolder.getByRole('textbox', { name: 'Folder path' }).fill(library);
    await addFolder.getByRole('button', { name: 'Add', exact: true }).click();
    await welcome.getByRole('button', { name: 'Continue', exact: true }).click();

    // Caption it, and watch the run finish.
    await welcome.getByRole('button', { name: 'Caption 3 photos' }).click();
    await welcome.getByText('All done.').waitFor({ timeout: 20_000 });
    await saveScreenshot(page, 'workflow 2 captioned');
    await welcome.getByRole('button', { name: 'Continue', exact: true }).click();
    await welcome.getByRole('button', { name: 'Start using Captionist' }).click();
    await welcome.waitFor({ state: 'hidden' });
    expect(vision.captioned).toHaveLength(4);
    const captioned = vision.captioned.slice(1);
    expect(new Set(captioned).size).toBe(3);

    // Every thumbnail's alt text is now its caption.
    await expect.poll(tileNames, { timeout: 15_000 }).toEqual(
      expect.arrayContaining(captioned.map((hash) => `A quiet study in colour, number ${hash.slice(0, 6)}.`)),
    );
    await saveScreenshot(page, 'workflow 3 grid');

    // Search for one photo by a word only its caption holds.
    const target = captioned[0]!.slice(0, 6);
    const status = page.getByRole('status');
    await page.getByRole('searchbox', { name: 'Search photos' }).fill(target);
    await expect.poll(() => status.textContent()).toBe('1 photo');
    const found = page.getByRole('gridcell');
    await expect.poll(() => found.count()).toBe(1);
    await saveScreenshot(page, 'workflow 4 search');

    // Edit its caption in the inspector, opened from the keyboard.
    await found.first().click();
    await page.keyboard.press('Enter');
    const inspector = page.getByRole('complementary', { name: 'Inspector' });
    // The keyboard goes along: focus is on the inspector's heading, for a screen reader to announce.
    await expect.poll(() => inspector.locator('h2:focus').count()).toBe(1);
    const caption = inspector.getByLabel('Caption', { exact: true });
    await expect.poll(() => caption.inputValue()).toContain(target);
    await caption.fill(editedCaption);
    await inspector.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => inspector.getByRole('button', { name: 'Save', exact: true }).isDisabled()).toBe(true);
    await saveScreenshot(page, 'workflow 5 edited');

    // The edit is searchable at once, by a word the provider never wrote.
    await page.getByRole('searchbox', { name: 'Search photos' }).fill('kayak');
    await expect.poll(() => status.textContent()).toBe('1 photo');
    await expect.poll(tileNames).toEqual([editedCaption]);

    // Approve the other two from a multi-selection.
    await page.getByRole('searchbox', { name: 'Search photos' }).fill('');
    await expect.poll(() => status.textContent()).toBe('3 photos');
    await inspector.getByRole('button', { name: 'Close inspector' }).click();
    // Closing gave focus back to the grid: Ctrl+A there selects every photo the search matches.
    await expect.poll(() => page.getByRole('grid', { name: 'Photos' }).locator('[role="gridcell"]:focus').count()).toBe(1);
    await page.getByRole('gridcell').first().click();
    await page.keyboard.press('ControlOrMeta+a');
    const selection = page.getByRole('toolbar', { name: 'Selection' });
    await selection.getByText('3 photos selected').waitFor();
    // A single letter acts on the selection: A approves.
    await page.keyboard.press('a');
    await expect.poll(() => page.getByRole('gridcell', { description: /Approved/ }).count()).toBe(3);
    await saveScreenshot(page, 'workflow 6 approved');
    // The one edited in the inspector was approved by saving it.
    await page.getByText('Approved 2 captions; 1 photo was not a draft or had no caption.').waitFor();

    // Escape in the grid takes away the selection first; then the inspector (opened again) closes.
    await page.keyboard.press('Enter');
    await inspector.waitFor();
    await page.getByRole('gridcell').first().focus();
    await page.keyboard.press('Escape');
    await selection.waitFor({ state: 'hidden' });
    expect(await inspector.isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await inspector.waitFor({ state: 'hidden' });
    await page.keyboard.press('ControlOrMeta+a');
    await selection.getByText('3 photos selected').waitFor();

    // Write the metadata into the files and read it back with ExifTool.
    const pixelsBefore = await Promise.all(photoNames.map((name) => pixelHash(join(library, name))));
    const thumbnailsBefore = await gridThumbnails();
    expect(thumbnailsBefore.map((thumbnail) => thumbnail.loaded)).toEqual([true, true, true]);
    await selection.getByRole('button', { name: 'Write metadata' }).click();
    await expect.poll(() => page.getByRole('gridcell', { description: /Written to file/ }).count(), { timeout: 30_000 }).toBe(3);
    // The grid keeps its pictures: each thumbnail is the rewritten file's (a new fingerprint) and loaded, no placeholder.
    await expect
      .poll(async () => (await gridThumbnails()).filter((thumbnail) => thumbnail.loaded && !thumbnailsBefore.some((before) => before.src === thumbnail.src)).length, { timeout: 15_000 })
      .toBe(3);
    expect(await page.getByRole('grid', { name: 'Photos' }).locator('.placeholder').count()).toBe(0);
    await saveScreenshot(page, 'workflow 7 written');
    // So does the inspector: its preview (the caption-ready copy) of the rewritten file loads.
    await page.getByRole('gridcell').first().focus();
    await page.keyboard.press('Enter');
    await inspector.waitFor();
    const preview = inspector.locator('figure img');
    await expect.poll(() => preview.evaluate((element) => {
      const img = element as unknown as Picture;
      return img.complete && img.naturalWidth > 0 && img.src;
    }), { timeout: 15_000 }).toMatch(/preview/);
    await saveScreenshot(page, 'workflow 8 written inspector');
    const descriptions = await Promise.all(
      photoNames.map(async (name) => (await exiftool.read(join(library, name))).Description),
    );
    expect(descriptions).toContain(editedCaption);
    expect(descriptions.filter((text) => typeof text === 'string' && text.startsWith('A quiet study in colour'))).toHaveLength(2);
    // Metadata only: every photo decodes to exactly the pixels it had.
    expect(await Promise.all(photoNames.map((name) => pixelHash(join(library, name))))).toEqual(pixelsBefore);
    expect(pageErrors).toEqual([]);

    // A tab holding a token from an earlier serve is told so instead of reconnecting forever.
    const stale = await browser.newPage();
    await stale.goto(url.replace(/#token=[\w-]+/, `#token=${'x'.repeat(43)}`));
    await stale.getByText(/access token is no longer valid/).first().waitFor();
    await stale.close();
  }, 180_000);
});
