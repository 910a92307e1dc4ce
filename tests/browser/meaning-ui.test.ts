import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCore } from '../../src/main/core';
import { saveScreenshot } from '../helpers/browser';
import { captionist } from '../helpers/cli';
import { tempDir, writeJpeg } from '../helpers/files';
import { servedPage } from '../helpers/serve-process';
import { embeddingsServer, type EmbeddingsServer } from '../provider-servers/embeddings.server';

/** Four photos whose captions (in the files) are embedded through the CLI by the loopback synonyms server, unless `embed` is false. */
async function embeddedLibrary(server: EmbeddingsServer, embed = true): Promise<string> {
  const home = tempDir('captionist-home-');
  const library = tempDir('captionist-library-');
  const captions = {
    'glow.jpg': 'Orange glow over the hills',
    'necklace.jpg': 'An amber necklace',
    'beach.jpg': 'A child on the beach',
    'shore.jpg': 'Children on the shore',
  };
  let seed = 1;
  for (const [name, caption] of Object.entries(captions)) {
    await writeJpeg(join(library, name), { seed: seed++, exif: { IFD0: { ImageDescription: caption } } });
  }
  const core = createCore({ dataDir: home, concurrency: 2 });
  await core.invoke('settings:save', { onboarded: true });
  await core.close();
  const steps = [
    ['index', library],
    ['provider', 'add', 'local', '--type', 'openai-compatible', '--preset', 'ollama', '--base-url', `${server.url}/v1`],
    ...(embed ? [['embeddings', 'use', 'local', '--model', 'synonyms'], ['embeddings', 'run']] : []),
  ];
  for (const args of steps) expect(await captionist(args, home)).toMatchObject({ code: 0 });
  return home;
}

describe('search by meaning in the app', () => {
  it('marks meaning-only matches, waits for a pause before embedding the query, and finds similar photos', { timeout: 180_000 }, async () => {
    const server = await embeddingsServer();
    const { serve, page } = await servedPage(await embeddedLibrary(server), { width: 1200, height: 800 });
    await page.goto(serve.url);
    const grid = page.getByRole('grid');
    // The app renders after the first screen's thumbnails have painted (src/renderer/src/main.tsx).
    await expect.poll(() => grid.getByRole('gridcell').count(), { timeout: 15_000 }).toBe(4);

    // A first letter alone is not searched yet: past both pauses, every photo still shows and the
    // letter was not embedded.
    const searchBox = page.getByRole('searchbox', { name: 'Search photos' });
    const embeddedAtStart = server.inputs.length;
    await searchBox.fill('a');
    await page.waitForTimeout(1_000);
    expect(await grid.getByRole('gridcell').count()).toBe(4);
    expect(server.inputs.slice(embeddedAtStart)).toEqual([]);
    await searchBox.fill('');

    // Each key comes after the word search has run (150 ms) but, unless the machine is slow, before
    // the meaning pause (300 ms); the page notes when each key came, so the check holds either way.
    const embeddedBefore = server.inputs.length;
    await searchBox.evaluate((element) => {
      const typed: [string, number][] = [];
      Object.assign(globalThis, { typed });
      const input = element as unknown as { value: string; addEventListener(type: 'input', listener: () => void): void };
      input.addEventListener('input', () => typed.push([input.value, performance.now()]));
    });
    await searchBox.pressSequentially('amber', { delay: 200 });
    const glow = grid.getByRole('gridcell', { name: 'Orange glow over the hills' });
    await expect.poll(() => glow.getAttribute('aria-describedby'), { timeout: 10_000 }).toMatch(/meaning/);
    expect(await glow.textContent()).toContain('By meaning');
    const necklace = grid.getByRole('gridcell', { name: 'An amber necklace' });
    expect(await necklace.textContent()).not.toContain('By meaning');
    expect(await grid.getByRole('gridcell').count()).toBe(2);
    const typed = await page.evaluate(() => (globalThis as unknown as { typed: [string, number][] }).typed);
    const followedWithinPause = typed.filter(([, at], index) => index + 1 < typed.length && typed[index + 1]![1] - at < 290).map(([text]) => text);
    expect(followedWithinPause.length).toBeGreaterThan(0);
    const queriesEmbedded = server.inputs.slice(embeddedBefore);
    expect(queriesEmbedded).toContain('amber');
    expect(queriesEmbedded.filter((text) => followedWithinPause.includes(text))).toEqual([]);
    await saveScreenshot(page, 'meaning 1 marked match');
    // Select all takes the photos the grid shows, the meaning match among them.
    await glow.click();
    await page.keyboard.press('Control+a');
    await expect.poll(() => page.getByText(/photos? selected/).textContent()).toContain('2 photos selected');

    // Find similar leaves the search for the photo's look-alikes, and comes back to it.
    await page.getByRole('searchbox', { name: 'Search photos' }).fill('beach');
    await grid.getByRole('gridcell', { name: 'A child on the beach' }).dblclick();
    const inspector = page.getByRole('complementary', { name: 'Inspector' });
    await inspector.getByRole('button', { name: 'Find similar' }).click();
    const similarBar = page.getByRole('region', { name: 'Similar photos' });
    await expect.poll(() => similarBar.textContent()).toContain('Photos like beach.jpg');
    await expect.poll(() => grid.getByRole('gridcell').first().getAttribute('aria-label')).toBe('Children on the shore');
    await saveScreenshot(page, 'meaning 2 find similar');
    await similarBar.getByRole('button', { name: 'Back to search' }).click();
    await expect.poll(() => similarBar.count()).toBe(0);
    expect(await page.getByRole('searchbox', { name: 'Search photos' }).inputValue()).toBe('beach');
    await expect.poll(() => grid.getByRole('gridcell').first().getAttribute('aria-label')).toBe('A child on the beach');

    // The provider gone: word matches, and the status line says why.
    server.fault = 'no-endpoint';
    await page.getByRole('searchbox', { name: 'Search photos' }).fill('seaside');
    await expect.poll(() => page.locator('.status-line').textContent(), { timeout: 15_000 }).toContain('Searching by words only');
    await saveScreenshot(page, 'meaning 3 provider offline');
  });

  it('says how to set up search by meaning instead of offering Find similar', { timeout: 120_000 }, async () => {
    const server = await embeddingsServer();
    const { serve, page } = await servedPage(await embeddedLibrary(server, false), { width: 1200, height: 800 });
    await page.goto(serve.url);
    await page.getByRole('grid').getByRole('gridcell', { name: 'A child on the beach' }).dblclick();
    const inspector = page.getByRole('complementary', { name: 'Inspector' });
    await expect.poll(() => inspector.textContent()).toContain('Find similar needs search by meaning: choose an embeddings provider');
    expect(await inspector.getByRole('button', { name: 'Find similar' }).count()).toBe(0);
    expect(server.inputs).toEqual([]);
  });
});
