import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { saveScreenshot } from '../helpers/browser';
import { writeJpeg } from '../helpers/files';
import { indexedHome, servedPage } from '../helpers/serve-process';

const photoCount = 9;

/** A library of a few indexed photos, past the first run. */
function smallLibrary(): Promise<string> {
  return indexedHome((library) => Promise.all(Array.from({ length: photoCount }, (_, k) => writeJpeg(join(library, `photo ${k + 1}.jpg`), { seed: k + 1 }))));
}

/** Where each image is on screen, and whether it has been decoded and shown. */
function imageBoxes(images: Locator) {
  return images.evaluateAll((elements) =>
    elements.map((element) => {
      const image = element as unknown as { complete: boolean; naturalWidth: number; getBoundingClientRect(): { x: number; y: number; width: number; height: number } };
      const { x, y, width, height } = image.getBoundingClientRect();
      return { x, y, width, height, shown: image.complete && image.naturalWidth > 0 };
    }),
  );
}

describe('the first screen, painted before the app', () => {
  it("shows the opening search's thumbnails while the app's script is held back, where the app's grid then shows them", { timeout: 120_000 }, async () => {
    const { serve, page } = await servedPage(await smallLibrary(), { width: 1200, height: 800 });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));

    // React and the app come in the mount chunk: hold it until the first screen has been looked at.
    let releaseApp = () => {};
    const appHeld = new Promise<void>((release) => (releaseApp = release));
    let appAsked = false;
    await page.route(/\/assets\/mount-[\w-]+\.js$/, async (route) => {
      appAsked = true;
      await appHeld;
      await route.continue();
    });
    await page.goto(serve.url);

    const painted = page.locator('.first-screen [role="grid"] img');
    await expect.poll(async () => (await imageBoxes(painted)).filter((box) => box.shown).length, { timeout: 30_000 }).toBe(photoCount);
    expect(await page.locator('#root').innerHTML()).toBe('');
    // A picture for the eye, not for screen readers: they meet the app's grid, with its labels.
    expect(await page.getByRole('img').count()).toBe(0);
    await saveScreenshot(page, 'first-screen 1 painted before the app');
    const paintedBoxes = (await imageBoxes(painted)).map(({ x, y, width, height }) => ({ x, y, width, height }));

    releaseApp();
    await expect.poll(() => page.locator('.first-screen').count(), { timeout: 30_000 }).toBe(0);
    expect(appAsked).toBe(true);
    const grid = page.getByRole('grid', { name: 'Photos' });
    const appImages = grid.getByRole('img');
    await expect.poll(async () => (await imageBoxes(appImages)).filter((box) => box.shown).length).toBe(photoCount);
    expect((await imageBoxes(appImages)).map(({ x, y, width, height }) => ({ x, y, width, height }))).toEqual(paintedBoxes);
    await saveScreenshot(page, 'first-screen 2 the app took over');
    expect(pageErrors).toEqual([]);
  });

  it('still loads the app when the first screen cannot be painted', { timeout: 120_000 }, async () => {
    const { serve, page } = await servedPage(await smallLibrary(), { width: 1200, height: 800 });
    // The painter builds its screen with Element.append; React does not use it.
    await page.addInitScript(() => {
      (globalThis as unknown as { Element: { prototype: { append: () => never } } }).Element.prototype.append = () => {
        throw new Error('the first screen could not be painted');
      };
    });
    await page.goto(serve.url);
    const grid = page.getByRole('grid', { name: 'Photos' });
    await expect.poll(async () => (await imageBoxes(grid.getByRole('img'))).filter((box) => box.shown).length, { timeout: 30_000 }).toBe(photoCount);
    expect(await page.locator('.first-screen').count()).toBe(0);
    await saveScreenshot(page, 'first-screen 3 the app without a painted first screen');
  });
});
