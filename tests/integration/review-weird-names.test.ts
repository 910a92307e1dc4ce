import { copyFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addCaptions } from '../helpers/captions';
import { testCore } from '../helpers/core';
import { tempDir, writeJpeg } from '../helpers/files';

describe('file names that are not valid UTF-8 (a Latin-1 name from an old camera card or zip)', () => {
  it('are reported by name while the other photos are indexed and written', async () => {
    const core = testCore();
    const dir = tempDir('captionist-latin1-');
    const good = await writeJpeg(join(dir, 'lake.jpg'), { seed: 30 });
    // "café.jpg" in Latin-1: the byte 0xE9 alone is not UTF-8.
    copyFileSync(good, Buffer.concat([Buffer.from(`${dir}/caf`), Buffer.from([0xe9]), Buffer.from('.jpg')]));

    const indexed = await core.invoke('library:index', { paths: [dir] });
    expect(indexed, JSON.stringify(indexed)).toMatchObject({ added: 1 });
    expect(indexed.errors).toEqual([{ path: `${dir}/caf\uFFFD.jpg`, message: expect.stringMatching(/name is not valid UTF-8.*rename it/) }]);
    addCaptions(core, { [good]: { caption: 'A lake at dawn' } });
    expect(await core.invoke('metadata:write', {})).toMatchObject({ written: 1, failed: 0 });
    // The oddly named file is still there, untouched, and nothing was left beside it.
    expect(readdirSync(dir, { encoding: 'buffer' }).length).toBe(2);
  });
});
