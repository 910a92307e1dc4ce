import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { calls } from '../../src/shared/contract';
import type { EventName, EventPayload } from '../../src/shared/contract';
import { environmentSecrets } from '../../src/main/base/secrets';
import { testCore } from '../helpers/core';
import { tempDir, writeJpeg } from '../helpers/files';
import { waitFor } from '../helpers/library';
import { visionServer } from '../helpers/vision-server';

const apiKey = 'sk-queued-8e4a1c6b';

describe('a caption run queued from the app', () => {
  it('answers at once, then captions in the background and reports its progress', async () => {
    const progress: EventPayload<'captions:progress'>[] = [];
    const events: EventName[] = [];
    const core = testCore({
      secrets: environmentSecrets({ QUEUED_KEY: apiKey }),
      emit: (name, payload) => {
        events.push(name);
        if (name === 'captions:progress') progress.push(payload as EventPayload<'captions:progress'>);
      },
    });
    const server = await visionServer({ apiKey, latencyMs: 150 });
    await core.invoke('providers:save', {
      name: 'vision',
      type: 'openai-compatible',
      preset: 'inference-net',
      baseUrl: `${server.url}/v1`,
      apiKeyEnv: 'QUEUED_KEY',
      concurrency: 2,
    });
    const root = tempDir('captionist-photos-');
    await Promise.all([1, 2, 3].map((seed) => writeJpeg(join(root, `photo-${seed}.jpg`), { seed })));
    await core.invoke('library:index', { paths: [root] });

    const queued = calls['captions:queue'].output.parse(
      await core.invoke('captions:queue', { provider: 'VISION', options: { detail: 'low' } }),
    );
    expect(queued).toMatchObject({ provider: 'vision', total: 3 });
    // Each answer takes 150 ms: the call came back before any of them.
    expect(server.captioned).toHaveLength(0);

    const last = await waitFor('the run to finish', () => progress.find((update) => update.done === 3));
    expect(last).toMatchObject({ runId: queued.runId, provider: 'vision', total: 3, failed: 0 });
    await waitFor('the library to be told', () => events.lastIndexOf('library:changed') > events.lastIndexOf('captions:progress'));
    expect(server.captioned).toHaveLength(3);
    expect(await core.invoke('library:status', {})).toMatchObject({ captioned: 3, queued: 0, running: 0 });
    const { results } = await core.invoke('photos:search', { text: 'study', captionStatus: 'draft' });
    expect(results).toHaveLength(3);
  });

  it('refuses a run it could not start, before anything is queued', async () => {
    const core = testCore({ secrets: environmentSecrets({}) });
    await expect(core.invoke('captions:queue', { provider: 'nowhere' })).rejects.toThrow(/no provider.*nowhere/i);
    await expect(core.invoke('captions:queue', { provider: '' })).rejects.toThrow(/^Invalid provider: /);
    await core.invoke('providers:save', {
      name: 'keyless',
      type: 'openai-compatible',
      preset: 'inference-net',
      baseUrl: 'http://127.0.0.1:9/v1',
      apiKeyEnv: 'NOT_SET_ANYWHERE',
    });
    await expect(core.invoke('captions:queue', { provider: 'keyless' })).rejects.toThrow(/No API key for provider "keyless"/);
    expect(await core.invoke('queue:list', { states: [] })).toEqual([]);
  });
});
