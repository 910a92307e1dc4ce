import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, writeJpeg } from '../helpers/files';

const bin = resolve(import.meta.dirname, '../../bin/captionist.js');

/** The libraries that cost a start its speed; only a command that uses one may load it. */
const heavyPackages = /^(sharp|exiftool-vendored|openai|chokidar|undici|ws)(\/|$)/;
/** Loaded with the core (by every command), never for help. */
const database = /^better-sqlite3$/;

/**
 * Runs the compiled command with a module hook that refuses every import matching `refused`, so
 * a command that loads one fails, naming it.
 */
function captionistRefusing(refused: RegExp, args: string[], home: string) {
  const hooks = `export async function resolve(specifier, context, next) {
    if (${refused}.test(specifier)) throw new Error('refused to load ' + specifier);
    return next(specifier, context);
  }`;
  const register = `import { register } from 'node:module';
    register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});`;
  const result = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(register)}`, bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, CAPTIONIST_HOME: home },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('starting the captionist command', () => {
  it('answers status and search without loading sharp, ExifTool, a provider SDK, chokidar, undici or ws', async () => {
    const home = tempDir();
    const library = tempDir();
    await writeJpeg(join(library, 'glacier.jpg'));
    const indexed = spawnSync(process.execPath, [bin, 'index', library, '--json'], { encoding: 'utf8', env: { ...process.env, CAPTIONIST_HOME: home } });
    expect(indexed.status, indexed.stderr).toBe(0);

    const status = captionistRefusing(heavyPackages, ['status', '--json'], home);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ photos: 1 });
    const search = captionistRefusing(heavyPackages, ['search', 'glacier', '--json'], home);
    expect(search.code, search.stderr).toBe(0);
    expect(JSON.parse(search.stdout)).toMatchObject({ total: 1, results: [{ path: join(library, 'glacier.jpg') }] });

    // The hook does refuse: indexing a new photo needs ExifTool and sharp, and cannot do without them.
    await writeJpeg(join(library, 'puffin.jpg'), { seed: 2 });
    const index = captionistRefusing(heavyPackages, ['index', '--json'], home);
    expect(`${index.stdout}${index.stderr}`).toMatch(/refused to load (sharp|exiftool-vendored)/);
  });

  it('shows its help without loading the core', () => {
    const home = tempDir();
    const help = captionistRefusing(database, ['--help'], home);
    expect(help).toMatchObject({ code: 0, stdout: expect.stringContaining('Usage: captionist') });
    expect(help.stderr).toBe('');

    // The hook does refuse: status needs the core.
    const status = captionistRefusing(database, ['status'], home);
    expect(status.code).not.toBe(0);
    expect(status.stderr).toContain('refused to load better-sqlite3');
  });

  it('explains how to build it when it is not built', () => {
    const checkout = tempDir();
    mkdirSync(join(checkout, 'bin'));
    copyFileSync(bin, join(checkout, 'bin', 'captionist.js'));
    const result = spawnSync(process.execPath, [join(checkout, 'bin', 'captionist.js'), 'status'], { encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`captionist: the command is not built yet (no ${join(checkout, 'out', 'cli', 'main.js')})`);
    expect(result.stderr).toContain('npm run build:cli');
  });
});
