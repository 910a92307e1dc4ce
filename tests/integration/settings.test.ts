import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { calls } from '../../src/shared/contract';
import { environmentSecrets } from '../../src/main/base/secrets';
import { testCore } from '../helpers/core';
import type { TestCore } from '../helpers/core';
import { tempDir, writeJpeg } from '../helpers/files';
import { jsonBody } from '../helpers/loopback';
import type { RecordedRequest } from '../helpers/loopback';
import { visionServer } from '../helpers/vision-server';

const apiKey = 'sk-settings-7a3f9c2e';
const secrets = () => environmentSecrets({ SETTINGS_KEY: apiKey });

async function addVision(core: TestCore, url: string): Promise<void> {
  await core.invoke('providers:save', {
    name: 'Vision',
    type: 'openai-compatible',
    preset: 'inference-net',
    baseUrl: `${url}/v1`,
    apiKeyEnv: 'SETTINGS_KEY',
  });
}

/** The system and user text of a chat/completions request. */
function promptOf(request: RecordedRequest): { system: string; user: string } {
  const body = jsonBody(request) as { messages: { content: unknown }[] };
  const parts = body.messages[1]!.content as { type: string; text?: string }[];
  return {
    system: String(body.messages[0]!.content),
    user: parts.find((part) => part.type === 'text')!.text!,
  };
}

describe('app settings', () => {
  it('answers the defaults until something is saved, then keeps what was saved across restarts', async () => {
    const dataDir = tempDir('captionist-home-');
    const core = testCore({ dataDir, secrets: secrets() });
    const defaults = calls['settings:get'].output.parse(await core.invoke('settings:get', {}));
    expect(defaults).toEqual({
      defaultProvider: null,
      captionDefaults: {},
      write: {
        policies: { caption: 'skip', title: 'skip', altText: 'skip', longDescription: 'skip' },
        sidecar: 'auto',
        sidecarNaming: 'auto',
      },
      onboarded: false,
      placeNames: true,
      placePolicy: 'skip',
      unmatchedKeywords: 'suggest',
    });

    const server = await visionServer({ apiKey });
    await addVision(core, server.url);
    const saved = await core.invoke('settings:save', { defaultProvider: 'vision', captionDefaults: { language: 'German' } });
    // The provider is stored under its own name; what the patch left out kept its value.
    expect(saved).toEqual({ ...defaults, defaultProvider: 'Vision', captionDefaults: { language: 'German' } });
    const onboarded = await core.invoke('settings:save', { onboarded: true, unmatchedKeywords: 'drop' });
    expect(onboarded).toEqual({ ...saved, onboarded: true, unmatchedKeywords: 'drop' });
    await core.close();

    const reopened = testCore({ dataDir, secrets: secrets() });
    expect(await reopened.invoke('settings:get', {})).toEqual(onboarded);
    expect(await reopened.invoke('settings:save', { defaultProvider: null })).toEqual({ ...onboarded, defaultProvider: null });
  });

  it('refuses a default provider that does not exist and bad values, keeping what was there', async () => {
    const core = testCore({ secrets: secrets() });
    await core.invoke('settings:save', { captionDefaults: { detail: 'high' } });
    await expect(core.invoke('settings:save', { defaultProvider: 'nowhere', onboarded: true })).rejects.toThrow(
      /no provider.*nowhere/i,
    );
    await expect(core.invoke('settings:save', { captionDefaults: { detail: 'huge' } } as never)).rejects.toThrow(
      /^Invalid captionDefaults\.detail: /,
    );
    await expect(core.invoke('settings:save', { defaultProvider: '' })).rejects.toThrow(/^Invalid defaultProvider: /);
    await expect(core.invoke('settings:save', { unmatchedKeywords: 'ignore' } as never)).rejects.toThrow(/^Invalid unmatchedKeywords: /);
    const settings = await core.invoke('settings:get', {});
    expect(settings).toMatchObject({ defaultProvider: null, captionDefaults: { detail: 'high' }, onboarded: false });
  });

  it('falls back to the default for a stored value that no longer reads', async () => {
    const dataDir = tempDir('captionist-home-');
    const core = testCore({ dataDir });
    await core.invoke('settings:save', { onboarded: true, captionDefaults: { language: 'Dutch' } });
    await core.close();

    const db = new Sqlite(join(dataDir, 'library.db'));
    db.prepare(`UPDATE settings SET value = '{"detail": 7' WHERE key = 'captionDefaults'`).run();
    db.prepare(`UPDATE settings SET value = '"yes"' WHERE key = 'onboarded'`).run();
    db.prepare(`INSERT INTO settings (key, value) VALUES ('write', '{"sidecar": "sometimes"}')`).run();
    db.close();

    const reopened = testCore({ dataDir });
    const settings = await reopened.invoke('settings:get', {});
    expect(settings).toMatchObject({ captionDefaults: {}, onboarded: false, write: { sidecar: 'auto' } });
    expect(await reopened.invoke('settings:save', { onboarded: true })).toMatchObject({ onboarded: true, captionDefaults: {} });
  });

  it('applies the library caption defaults to runs, under a folder\'s own options and a run\'s', async () => {
    const core = testCore({ secrets: secrets() });
    const server = await visionServer({ apiKey });
    await addVision(core, server.url);
    const root = tempDir('captionist-photos-');
    const plain = await writeJpeg(join(root, 'plain', 'street.jpg'), { seed: 3 });
    const french = await writeJpeg(join(root, 'french', 'cafe.jpg'), { seed: 5 });
    await core.invoke('library:index', { paths: [join(root, 'plain'), join(root, 'french')] });
    const frenchFolder = (await core.invoke('library:listFolders', {})).find((folder) => folder.path.endsWith('french'))!;
    await core.invoke('library:setFolderCaptionOptions', { folderId: frenchFolder.id, options: { language: 'French' } });
    await core.invoke('settings:save', { captionDefaults: { language: 'German', focus: 'the light' } });

    await core.invoke('captions:generate', { provider: 'vision', paths: [], options: {}, force: false });
    const prompts = server.requests.map(promptOf);
    // The built-in prompt names the folder a photo lies in.
    const byPhoto = async (path: string, folderName: string) => {
      const id = (await core.invoke('photos:search', { text: `"${path.split('/').at(-1)!}"` })).results[0]!.id;
      const [version] = (await core.invoke('photos:get', { id })).versions;
      return { version: version!, prompt: prompts.find((prompt) => prompt.user.includes(`folder named "${folderName}"`))! };
    };

    const street = await byPhoto(plain, 'plain');
    expect(street.prompt.user).toContain('Write in German.');
    expect(street.prompt.user).toContain('Focus on the light.');
    expect(street.prompt.system).toContain('Write every field in German.');
    expect(street.version.options).toMatchObject({ language: 'German', focus: 'the light' });

    const cafe = await byPhoto(french, 'french');
    expect(cafe.prompt.user).toContain('Write in French.');
    // What the folder leaves unset still comes from the library.
    expect(cafe.prompt.user).toContain('Focus on the light.');

    // A run's own options win over both.
    await core.invoke('captions:generate', { provider: 'vision', paths: [french], options: { language: 'Italian' }, force: true });
    expect(promptOf(server.requests.at(-1)!).user).toContain('Write in Italian.');
  });
});
