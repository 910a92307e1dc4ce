import { describe, expect, it } from 'vitest';
import { callNames, calls } from '../../src/shared/contract';
import { testCore } from '../helpers/core';
import { tempDir, writeJpeg } from '../helpers/files';
import { join } from 'node:path';

describe('the contract between UI and core', () => {
  it('reaches every call through invoke, refusing input its schema refuses with the schema\'s message', async () => {
    const core = testCore();
    for (const name of callNames) {
      await expect(core.invoke(name, 42 as never), name).rejects.toThrow(/^Invalid input: expected object/);
      // A call whose input may be empty reaches its handler: it answers, or refuses in words, never "not a function".
      if (!calls[name].input.safeParse({}).success) continue;
      const outcome = await core.invoke(name, {} as never).then(
        (output) => (calls[name].output.safeParse(output).success ? 'answered in the contract shape' : 'answered outside the contract'),
        (error: Error) => error.message,
      );
      expect(outcome, name).not.toMatch(/not a function|undefined|outside the contract/);
    }
  });

  it('validates input before a service sees it, and answers in the contract shape', async () => {
    const core = testCore();
    await expect(core.invoke('library:addFolder', { path: 42 } as never)).rejects.toThrow(/^Invalid path: /);
    await expect(core.invoke('library:addFolder', {} as never)).rejects.toThrow(/^Invalid path: /);
    await expect(core.invoke('photos:search', { text: 'x', limit: -1 })).rejects.toThrow(/^Invalid limit: /);
    await expect(core.invoke('providers:save', { name: 'x', type: 'anthropic', baseUrl: 'ftp://x' } as never)).rejects.toThrow(
      'Invalid baseUrl: the base URL must be an http or https URL',
    );
    await expect(core.invoke('nope' as never, {} as never)).rejects.toThrow(/Unknown call/);

    const library = tempDir();
    await writeJpeg(join(library, 'harbour.jpg'));
    await core.invoke('library:addFolder', { path: library });
    const indexed = await core.invoke('library:index', {} as never);
    expect(calls['library:index'].output.parse(indexed)).toMatchObject({ added: 1 });
    const found = await core.invoke('photos:search', { text: 'harbour' });
    expect(calls['photos:search'].output.parse(found).total).toBe(1);
    expect(calls['library:status'].output.parse(await core.invoke('library:status', undefined as never)).photos).toBe(1);
  });

  it('tells the UI what changed through the injected emit', async () => {
    const events: string[] = [];
    const core = testCore({ emit: (name) => events.push(name) });
    const library = tempDir();
    await writeJpeg(join(library, 'a.jpg'));
    await core.invoke('library:index', { paths: [library] });
    expect(events).toContain('index:progress');
    expect(events.at(-1)).toBe('library:changed');
  });
});
