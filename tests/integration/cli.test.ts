import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, writeJpeg } from '../helpers/files';

const bin = resolve(import.meta.dirname, '../../bin/captionist.js');

interface RunOptions {
  home?: string;
  uid?: number;
}

function captionist(args: string[], options: RunOptions = {}) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, CAPTIONIST_HOME: options.home ?? '' },
    ...(options.uid !== undefined ? { uid: options.uid, gid: options.uid } : {}),
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const json = (result: { stdout: string }) => JSON.parse(result.stdout) as Record<string, unknown>;

describe('the captionist command', () => {
  it('adds a folder, indexes it, reports status and searches, in JSON for scripts', async () => {
    const home = tempDir();
    const library = tempDir();
    await writeJpeg(join(library, 'Iceland', 'glacier lagoon.jpg'), {
      exif: { IFD0: { ImageDescription: 'Icebergs drifting in Jokulsarlon at sunrise' } },
    });
    await writeJpeg(join(library, 'Iceland', 'puffin.jpg'), { seed: 5 });
    writeFileSync(join(library, 'broken.jpg'), 'not a photo');

    expect(captionist(['add-folder', library], { home })).toMatchObject({ code: 0 });

    const indexed = captionist(['index', '--json'], { home });
    expect(indexed.code).toBe(0);
    expect(json(indexed)).toEqual({
      added: 2,
      updated: 0,
      unchanged: 0,
      missing: 0,
      moved: 0,
      errors: [{ path: join(library, 'broken.jpg'), message: expect.stringMatching(/holds TXT data/) }],
    });

    const status = captionist(['status', '--json'], { home });
    expect(json(status)).toMatchObject({ photos: 2, captioned: 0, queued: 0, failed: 0, errors: 1 });

    const byCaption = json(captionist(['search', 'icebergs', 'sunrise', '--json'], { home }));
    expect(byCaption).toMatchObject({
      total: 1,
      results: [{ path: join(library, 'Iceland', 'glacier lagoon.jpg'), caption: 'Icebergs drifting in Jokulsarlon at sunrise' }],
    });
    const byFolder = json(captionist(['search', 'iceland', '--json'], { home }));
    expect(byFolder.total).toBe(2);
    const byFileName = json(captionist(['search', 'puffin', '--json'], { home }));
    expect(byFileName).toMatchObject({ total: 1, results: [{ caption: null }] });

    const human = captionist(['search', 'glacier'], { home });
    expect(human.stdout).toContain('1 photo found.');
    expect(json(captionist(['index', '--json'], { home }))).toMatchObject({ added: 0, unchanged: 2 });
  });

  it('takes --home over CAPTIONIST_HOME', async () => {
    const home = tempDir();
    const other = tempDir();
    const library = tempDir();
    await writeJpeg(join(library, 'a.jpg'));
    expect(captionist(['--home', other, 'index', library, '--json'], { home }).code).toBe(0);
    expect(json(captionist(['status', '--json'], { home: other })).photos).toBe(1);
    expect(json(captionist(['status', '--json'], { home })).photos).toBe(0);
  });

  it('exits 2 with a helpful message on bad usage', () => {
    const home = tempDir();
    for (const args of [[], ['frobnicate'], ['index', '--bogus'], ['search'], ['add-folder'], ['search', 'x', '--limit', 'lots']]) {
      const result = captionist(args, { home });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(/captionist: |Usage: captionist/);
    }
    const missing = captionist(['index', join(home, 'no-such-folder')], { home });
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('Folder not found') });
    expect(captionist(['--help'], { home })).toMatchObject({ code: 0, stdout: expect.stringContaining('Usage:') });
  });

  it('exits 1 when the run itself fails', () => {
    const notADirectory = join(tempDir(), 'file');
    writeFileSync(notADirectory, '');
    const result = captionist(['status'], { home: notADirectory });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^captionist: /);
  });

  it('reports unreadable files and folders and indexes the rest', async () => {
    const home = tempDir();
    const library = tempDir();
    await writeJpeg(join(library, 'readable.jpg'));
    const secret = await writeJpeg(join(library, 'secret.jpg'), { seed: 2 });
    const locked = join(library, 'locked');
    await writeJpeg(join(locked, 'inside.jpg'), { seed: 3 });
    chmodSync(secret, 0o000);
    chmodSync(locked, 0o000);
    // Root reads everything, so run as an unprivileged user to meet the permissions a user meets.
    const asUser = process.getuid?.() === 0 ? 65534 : undefined;
    chmodSync(library, 0o755);
    chmodSync(home, 0o755);
    if (asUser !== undefined) chownSync(home, asUser, asUser);
    try {
      const result = captionist(['index', library, '--json'], { home, uid: asUser });
      expect(result.code, result.stderr).toBe(0);
      expect(json(result)).toMatchObject({
        added: 1,
        errors: expect.arrayContaining([
          { path: locked, message: 'Captionist has no permission to read this folder.' },
          { path: secret, message: expect.stringMatching(/permission/i) },
        ]),
      });
    } finally {
      chmodSync(locked, 0o755);
      chmodSync(secret, 0o644);
    }
  });
});
