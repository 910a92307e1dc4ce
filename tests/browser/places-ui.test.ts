import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExifToolAdapter } from '../../src/main/metadata/exiftool.adapter';
import { saveScreenshot } from '../helpers/browser';
import { tempDir, writeJpeg } from '../helpers/files';
import { indexedHome, servedPage } from '../helpers/serve-process';

/** A library of one photo whose GPS, written by ExifTool, lies in Reykjavík's harbour. */
function reykjavikLibrary(): Promise<string> {
  return indexedHome(async (library) => {
    const exiftool = new ExifToolAdapter({ maxProcs: 1 });
    try {
      const plain = await writeJpeg(join(tempDir(), 'harbour.jpg'));
      await exiftool.writeTagsInto(
        join(library, 'harbour.jpg'),
        { 'GPS:GPSLatitude': '64.1466', 'GPS:GPSLatitudeRef': 'N', 'GPS:GPSLongitude': '21.9426', 'GPS:GPSLongitudeRef': 'W' },
        plain,
      );
    } finally {
      await exiftool.end();
    }
  });
}

describe('places in the app', () => {
  it('shows the place in the inspector, the place settings, and the GeoNames credit in About', { timeout: 120_000 }, async () => {
    const { serve, page } = await servedPage(await reykjavikLibrary(), { width: 1200, height: 800 });
    await page.goto(serve.url);

    await page.getByRole('gridcell').first().click();
    await page.keyboard.press('Enter');
    const inspector = page.getByRole('complementary', { name: 'Inspector' });
    await expect.poll(() => inspector.textContent()).toContain('Reykjavík, Capital Region, Iceland (2.6 km away)');
    await saveScreenshot(page, 'places 1 inspector');
    await inspector.getByRole('button', { name: 'Close inspector' }).click();

    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const settings = page.getByRole('dialog', { name: 'Settings' });
    await settings.getByRole('tab', { name: 'Places' }).click();
    const names = settings.getByRole('switch', { name: 'Name places from GPS' });
    await expect.poll(() => names.isChecked()).toBe(true);
    await settings.getByLabel('When a file already names a location').selectOption('replace');
    await saveScreenshot(page, 'places 2 settings');
    await settings.getByRole('button', { name: 'Save place settings' }).click();
    await expect.poll(() => settings.textContent()).toContain('Place settings saved.');
    const saved = await page.evaluate(() =>
      (globalThis as unknown as { api: { invoke(name: string, input: object): Promise<{ placePolicy: string }> } }).api.invoke('settings:get', {}),
    );
    expect(saved.placePolicy).toBe('replace');

    await settings.getByRole('tab', { name: 'About' }).click();
    await expect.poll(() => settings.textContent()).toContain('GeoNames (www.geonames.org)');
    expect(await settings.getByRole('link', { name: 'CC BY 4.0' }).getAttribute('href')).toBe('https://creativecommons.org/licenses/by/4.0/');
    await saveScreenshot(page, 'places 3 about');
  });
});
