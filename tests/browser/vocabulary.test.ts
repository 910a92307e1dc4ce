import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it, onTestFinished } from 'vitest';
import { launchChromium, saveScreenshot } from '../helpers/browser';
import { captionist, startCaptionist } from '../helpers/cli';
import { testCore } from '../helpers/core';
import { tempDir, writeJpeg } from '../helpers/files';
import { waitFor } from '../helpers/library';
import { startOpenAiServer } from '../provider-servers/openai-compatible.server';

const lightroomExport = join(import.meta.dirname, '../fixtures/keywords/lightroom-export.txt');

async function openPage(url: string): Promise<Page> {
  const browser = await launchChromium();
  onTestFinished(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  onTestFinished(() => expect(pageErrors).toEqual([]));
  await page.goto(url);
  return page;
}

describe('the keyword vocabulary in a browser', () => {
  it('imports a vocabulary in the settings, and adds a suggested keyword from the inspector', async () => {
    const home = tempDir('captionist-home-');
    const library = tempDir('captionist-library-');
    const photo = join(library, 'Puffins', 'IMG_0412.jpg');
    await writeJpeg(photo);
    const server = await startOpenAiServer({
      apiKey: null,
      answer: {
        title: 'Puffin on a cliff',
        caption: 'A puffin stands on a grassy cliff edge above the sea, a small boat far below.',
        altText: 'Puffin on a grassy cliff edge above the sea.',
        longDescription: '',
        keywords: ['puffins', 'Sea parrot', 'boat'],
      },
    });
    const core = testCore({ dataDir: home });
    await core.invoke('providers:save', { name: 'local', type: 'openai-compatible', preset: 'ollama', baseUrl: `${server.url}/v1` });
    await core.invoke('library:index', { paths: [library] });
    await core.invoke('settings:save', { onboarded: true });
    await core.close();

    const serve = startCaptionist(['serve'], home);
    const url = await waitFor('the address serve prints', () => serve.output().stdout.match(/http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{43}/)?.[0], 30_000);
    const page = await openPage(url);

    // Settings > Keywords: import the file by its path; the tree shows with its counts.
    await page.getByRole('gridcell').first().waitFor();
    await page.keyboard.press('ControlOrMeta+,');
    const settings = page.getByRole('dialog', { name: 'Settings' });
    await settings.getByRole('tab', { name: 'Keywords' }).click();
    await settings.getByText('No vocabulary yet').waitFor();
    await settings.getByRole('textbox', { name: 'Keyword file' }).fill(join(library, 'missing.txt'));
    await settings.getByRole('button', { name: 'Import' }).click();
    await settings.getByRole('alert').getByText(`${join(library, 'missing.txt')} does not exist.`).waitFor();
    await settings.getByRole('textbox', { name: 'Keyword file' }).fill(lightroomExport);
    await settings.getByRole('button', { name: 'Import' }).click();
    await settings.getByText(`Imported 20 keywords, 1 of them a category not written, 7 synonyms from ${lightroomExport}.`).waitFor();
    const tree = settings.getByRole('list', { name: 'Keyword vocabulary' });
    await tree.getByText('[Animals]').click();
    await tree.getByText('Birds').first().click();
    await tree.getByText('Puffin').waitFor();
    expect(await tree.getByText('{Atlantic puffin, Sea parrot}').count()).toBe(1);
    expect(await settings.getByRole('radio', { name: /Suggest/ }).isChecked()).toBe(true);
    await saveScreenshot(page, 'vocabulary 1 settings');

    // The setting is saved as it is chosen, and kept.
    await settings.getByRole('radio', { name: /Drop/ }).check();
    await settings.getByText('Keywords outside the vocabulary: drop.').waitFor();
    await settings.getByRole('tab', { name: 'Write-back' }).click();
    await settings.getByRole('tab', { name: 'Keywords' }).click();
    await expect.poll(() => settings.getByRole('radio', { name: /Drop/ }).isChecked()).toBe(true);
    await settings.getByRole('radio', { name: /Suggest/ }).check();
    await settings.getByText('Keywords outside the vocabulary: suggest.').waitFor();
    await page.keyboard.press('Escape');
    await settings.waitFor({ state: 'hidden' });

    // Caption the photo (the command beside serve, on the same library), then open it in the inspector.
    expect((await captionist(['caption', library, '--provider', 'local'], home)).code).toBe(0);
    await page.reload();
    await page.getByRole('gridcell').first().click();
    await page.keyboard.press('Enter');
    const inspector = page.getByRole('complementary', { name: 'Inspector' });
    const keywords = inspector.getByRole('textbox', { name: 'Keywords' });
    await expect.poll(() => keywords.inputValue()).toBe('Animals|Birds|Puffin, Birds');
    const suggestions = inspector.getByRole('group', { name: /Suggested keywords/ });
    await suggestions.getByText('boat').waitFor();
    await saveScreenshot(page, 'vocabulary 2 suggestion');

    await suggestions.getByRole('button', { name: 'Add keyword boat' }).click();
    await expect.poll(() => keywords.inputValue()).toBe('Animals|Birds|Puffin, Birds, boat');
    await suggestions.waitFor({ state: 'hidden' });
    await inspector.getByText(/Saved as version 2, approved/).waitFor();
    await saveScreenshot(page, 'vocabulary 3 added');

    const listed = JSON.parse((await captionist(['search', 'boat', '--json'], home)).stdout);
    expect(listed.results.map((result: { keywords: string[] }) => result.keywords)).toEqual([['Animals|Birds|Puffin', 'Birds', 'boat']]);
  }, 120_000);
});
