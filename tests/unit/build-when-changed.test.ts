import { existsSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { buildWhenChanged, inputsFingerprint } from '../../scripts/build-when-changed.js';
import { tempDir } from '../helpers/files';

/** A small checkout: two sources in a folder and a config file beside it. */
function checkout(): string {
  const base = tempDir();
  mkdirSync(join(base, 'src', 'nested'), { recursive: true });
  writeFileSync(join(base, 'src', 'a.ts'), 'export const a = 1;\n');
  writeFileSync(join(base, 'src', 'nested', 'b.ts'), 'export const b = 2;\n');
  writeFileSync(join(base, 'config.json'), '{}\n');
  return base;
}

const inputs = ['src', 'config.json'];

describe('inputsFingerprint', () => {
  it('changes with any edited, added, removed or restored file, and only then', () => {
    const base = checkout();
    const original = inputsFingerprint(base, inputs);
    expect(inputsFingerprint(base, inputs)).toBe(original);

    const file = join(base, 'src', 'nested', 'b.ts');
    writeFileSync(file, 'export const b = 3;\n');
    const edited = inputsFingerprint(base, inputs);
    expect(edited).not.toBe(original);

    // The same size, an older modification time: a file restored from a backup.
    utimesSync(file, new Date('2020-01-01'), new Date('2020-01-01'));
    const restored = inputsFingerprint(base, inputs);
    expect(restored).not.toBe(edited);

    writeFileSync(join(base, 'src', 'c.ts'), '');
    const added = inputsFingerprint(base, inputs);
    expect(added).not.toBe(restored);
    rmSync(join(base, 'src', 'c.ts'));
    expect(inputsFingerprint(base, inputs)).toBe(restored);

    rmSync(join(base, 'config.json'));
    expect(inputsFingerprint(base, inputs)).not.toBe(restored);
  });
});

describe('buildWhenChanged', () => {
  beforeEach(() => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
  });

  function builder(base: string) {
    const build = vi.fn(async (folder: string) => {
      writeFileSync(join(folder, 'main.js'), readFileSync(join(base, 'src', 'a.ts')));
    });
    const run = () => buildWhenChanged({ name: 'the test output', inputs, output: 'out/app', entry: 'main.js', build, base });
    return { build, run, entry: join(base, 'out', 'app', 'main.js') };
  }

  it('builds the first time, then only when an input changed or the output went missing', async () => {
    const base = checkout();
    const { build, run, entry } = builder(base);

    expect(await run()).toBe(true);
    expect(readFileSync(entry, 'utf8')).toBe('export const a = 1;\n');
    expect(await run()).toBe(false);
    expect(build).toHaveBeenCalledTimes(1);

    writeFileSync(join(base, 'src', 'a.ts'), 'export const a = 10;\n');
    expect(await run()).toBe(true);
    expect(readFileSync(entry, 'utf8')).toBe('export const a = 10;\n');

    rmSync(entry);
    expect(await run()).toBe(true);
    expect(existsSync(entry)).toBe(true);
    expect(build).toHaveBeenCalledTimes(3);
  });

  it('keeps the last good output when a build fails, and tries again next time', async () => {
    const base = checkout();
    const { build, run, entry } = builder(base);
    await run();
    writeFileSync(join(base, 'src', 'a.ts'), 'export const a = ;\n');
    build.mockImplementationOnce(async (folder) => {
      writeFileSync(join(folder, 'main.js'), 'half');
      throw new Error('syntax error in a.ts');
    });

    await expect(run()).rejects.toThrow('syntax error in a.ts');
    expect(readFileSync(entry, 'utf8')).toBe('export const a = 1;\n');
    expect(existsSync(join(base, 'out', `app.partial-${process.pid}`))).toBe(false);

    expect(await run()).toBe(true);
    expect(readFileSync(entry, 'utf8')).toBe('export const a = ;\n');
  });
});
