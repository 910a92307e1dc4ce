import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { saveScreenshot } from '../helpers/browser';
import { writeJpeg } from '../helpers/files';
import { indexedHome, servedPage } from '../helpers/serve-process';

const photoCount = 120;

/** A library of enough indexed photos that the grid scrolls through many rows. */
function tallLibrary(): Promise<string> {
  return indexedHome((library) =>
    Promise.all(Array.from({ length: photoCount }, (_, k) => writeJpeg(join(library, `photo ${k + 1}.jpg`), { seed: k + 1, width: 64, height: 48 }))),
  );
}

/** The thumbnail addresses the grid's images show now, and how many of them are decoded and shown. */
function gridImages(page: Page) {
  return page
    .getByRole('grid', { name: 'Photos' })
    .locator('img')
    .evaluateAll((elements) =>
      elements.map((element) => {
        const image = element as unknown as { src: string; complete: boolean; naturalWidth: number };
        return { src: image.src, shown: image.src !== '' && image.complete && image.naturalWidth > 0 };
      }),
    );
}

describe('scrolling the grid', () => {
  it('asks for no thumbnail of a row that only passed through, and shows every thumbnail in view once it stops', { timeout: 180_000 }, async () => {
    const { serve, page } = await servedPage(await tallLibrary(), { width: 900, height: 500 });
    const thumbnailsAsked: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/media/thumb/')) thumbnailsAsked.push(request.url());
    });
    await page.goto(serve.url);
    await expect.poll(async () => (await gridImages(page)).filter((image) => image.shown).length, { timeout: 30_000 }).toBeGreaterThan(0);
    await expect.poll(async () => (await gridImages(page)).every((image) => image.shown), { timeout: 30_000 }).toBe(true);
    const firstScreen = (await gridImages(page)).map((image) => image.src);

    // Four rows a frame, top to bottom: each row passes through the view in a frame or two.
    await page.getByRole('grid', { name: 'Photos' }).evaluate(
      (grid) =>
        new Promise<void>((done) => {
          const scroller = grid as unknown as { scrollTop: number; scrollHeight: number; clientHeight: number };
          const { requestAnimationFrame } = globalThis as unknown as { requestAnimationFrame(step: () => void): number };
          const rowHeight = (grid.querySelector('[role="row"]') as unknown as { offsetHeight: number }).offsetHeight;
          const step = () => {
            scroller.scrollTop += rowHeight * 4;
            if (scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight) done();
            else requestAnimationFrame(step);
          };
          requestAnimationFrame(step);
        }),
    );
    await saveScreenshot(page, 'scrolling 1 just stopped');
    await expect.poll(async () => (await gridImages(page)).every((image) => image.shown), { timeout: 30_000 }).toBe(true);
    await saveScreenshot(page, 'scrolling 2 at rest, every thumbnail shown');

    const lastScreen = (await gridImages(page)).map((image) => image.src);
    expect(lastScreen.length).toBeGreaterThan(0);
    const passedThrough = thumbnailsAsked.filter((url) => !firstScreen.includes(url) && !lastScreen.includes(url));
    expect(passedThrough).toEqual([]);
    expect(new Set(thumbnailsAsked).size).toBeLessThan(photoCount);
  });
});
