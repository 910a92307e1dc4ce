import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ExifTool } from 'exiftool-vendored';
import { afterAll, describe, expect, it } from 'vitest';
import { createCore } from '../../src/main/core';
import { addCaptions } from '../helpers/captions';
import { samplesDir, tempDir, writeJpeg } from '../helpers/files';

const bin = resolve(import.meta.dirname, '../../bin/captionist.js');
const exiftool = new ExifTool({ maxProcs: 1, taskRetries: 0 });
afterAll(() => exiftool.end());

function captionist(args: string[], home: string, uid?: number) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, CAPTIONIST_HOME: home },
    ...(uid !== undefined ? { uid, gid: uid } : {}),
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const readTag = async (path: string, name: string) =>
  ((await exiftool.readRaw(path, { readArgs: ['-G1', `-${name}`], useMWG: false })) as Record<string, unknown>)[name];

/** A library folder indexed and captioned in-process, closed again before the CLI opens it. */
async function captionedLibrary(files: Record<string, string | null>, captions: (path: string) => Parameters<typeof addCaptions>[1][string]) {
  const home = tempDir('captionist-home-');
  const library = tempDir('captionist-photos-');
  const paths: Record<string, string> = {};
  for (const [name, sample] of Object.entries(files)) {
    paths[name] = join(library, name);
    mkdirSync(join(paths[name], '..'), { recursive: true });
    if (sample) copyFileSync(join(samplesDir, sample), paths[name]);
    else await writeJpeg(paths[name], { seed: name.length });
    chmodSync(paths[name], 0o644);
  }
  const core = createCore({ dataDir: home, concurrency: 2 });
  try {
    await core.invoke('library:index', { paths: [library] });
    addCaptions({ ...core, dataDir: home }, Object.fromEntries(Object.values(paths).map((path) => [path, captions(path)])));
  } finally {
    await core.close();
  }
  return { home, library, paths };
}

describe('captionist write, revert and export', () => {
  it('shows a dry run, writes, reverts, and prints JSON for scripts', async () => {
    const { home, paths } = await captionedLibrary({ 'harbour.jpg': 'IPTC.jpg', 'boat.jpg': null }, () => ({
      caption: 'Fishing boats in the harbour at dusk',
      title: 'Harbour',
      keywords: ['harbour', 'boats'],
    }));
    const before = sha(paths['harbour.jpg']!);

    const dry = captionist(['write', '--dry-run'], home);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('Would write 2 of 2 photos, 0 unchanged, 0 failed. (Dry run: no file was changed.)');
    expect(dry.stdout).toContain(`caption: kept "A witty caption" (the file's own; --policy append or replace to change it)`);
    expect(dry.stdout).toContain('keywords: merge ExifTool, Test, IPTC, harbour, boats');
    expect(sha(paths['harbour.jpg']!)).toBe(before);

    const written = captionist(['write', '--policy', 'replace', '--json'], home);
    expect(written.code, written.stderr).toBe(0);
    expect(JSON.parse(written.stdout)).toMatchObject({ total: 2, written: 2, failed: 0 });
    expect(await readTag(paths['harbour.jpg']!, 'XMP-dc:Description')).toBe('Fishing boats in the harbour at dusk');
    // Written captions are not written again by default.
    expect(JSON.parse(captionist(['write', '--json'], home).stdout)).toMatchObject({ total: 0 });

    const reverted = captionist(['revert', paths['harbour.jpg']!], home);
    expect(reverted).toMatchObject({ code: 0, stdout: 'Reverted 1 of 1 photo, 0 failed.\n' });
    expect(await readTag(paths['harbour.jpg']!, 'IPTC:Caption-Abstract')).toBe('A witty caption');
    expect(await readTag(paths['harbour.jpg']!, 'XMP-dc:Description')).toBeUndefined();

    for (const args of [['write', '--policy', 'overwrite'], ['write', '--sidecar', 'sometimes'], ['export', '--out', home], ['export', '--format', 'xls', '--out', home], ['export', '--format', 'csv']]) {
      const bad = captionist(args, home);
      expect(bad.code, args.join(' ')).toBe(2);
      expect(bad.stderr, args.join(' ')).toMatch(/^captionist: /);
    }
  });

  it('gives a read-only file and a read-only folder each a clear error and writes the rest', async () => {
    const { home, library, paths } = await captionedLibrary(
      { 'writable.jpg': null, 'readonly.jpg': null, 'locked/inside.jpg': null },
      () => ({ caption: 'Harbour at dusk' }),
    );
    // Root may write anything, so run as an unprivileged user to meet the permissions a user meets.
    const asUser = process.getuid?.() === 0 ? 65534 : undefined;
    const owner = asUser ?? process.getuid!();
    chmodSync(home, 0o755);
    chmodSync(library, 0o755);
    const chownTree = (dir: string) => {
      chownSync(dir, owner, owner);
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) chownTree(path);
        else chownSync(path, owner, owner);
      }
    };
    chownTree(home);
    chownSync(library, owner, owner);
    for (const path of Object.values(paths)) chownSync(path, owner, owner);
    chmodSync(paths['readonly.jpg']!, 0o444);
    // The folder belongs to someone else now and is read-only to us; its photo itself is writable.
    chownSync(join(library, 'locked'), 0, 0);
    chmodSync(join(library, 'locked'), 0o555);
    const hashes = { readonly: sha(paths['readonly.jpg']!), inside: sha(paths['locked/inside.jpg']!) };
    try {
      const result = captionist(['write', '--json'], home, asUser);
      expect(result.code, result.stderr).toBe(0);
      const run = JSON.parse(result.stdout) as { photos: { path: string; status: string; message: string | null }[] };
      const byPath = Object.fromEntries(run.photos.map((photo) => [photo.path, photo]));
      expect(byPath[paths['writable.jpg']!]).toMatchObject({ status: 'written' });
      expect(byPath[paths['readonly.jpg']!]).toMatchObject({
        status: 'failed',
        message: 'The file readonly.jpg is read-only; Captionist left it unchanged.',
      });
      expect(byPath[paths['locked/inside.jpg']!]).toMatchObject({
        status: 'failed',
        message: expect.stringMatching(/^The folder .*locked is read-only; Captionist writes a new copy beside the file/),
      });
      expect(sha(paths['readonly.jpg']!)).toBe(hashes.readonly);
      expect(sha(paths['locked/inside.jpg']!)).toBe(hashes.inside);
      expect(await readTag(paths['writable.jpg']!, 'XMP-dc:Description')).toBe('Harbour at dusk');
      expect(statSync(paths['writable.jpg']!).uid).toBe(owner);
    } finally {
      chmodSync(join(library, 'locked'), 0o755);
    }
  });

  it('exports a sidecar tree, CSV and JSON without touching the photos', async () => {
    const { home, library, paths } = await captionedLibrary(
      { 'a/harbour.jpg': null, 'b/IMG_1.CR2': 'CanonRaw.cr2', 'b/formula.jpg': null },
      (path) =>
        path.endsWith('formula.jpg')
          ? { caption: '=HYPERLINK("http://evil.example","click")', title: '+1 "quoted", title', keywords: ['@risk', 'a;b'] }
          : { caption: 'Harbour at dusk, 港の夕暮れ 🌅', title: 'Harbour', altText: 'Boats at dusk', keywords: ['harbour', 'Places|Japan|Kōbe', 'Smith, John'] },
    );
    const hashes = Object.fromEntries(Object.entries(paths).map(([name, path]) => [name, sha(path)]));
    const out = tempDir('captionist-export-');

    const xmp = captionist(['export', '--format', 'xmp', '--out', join(out, 'xmp'), '--json'], home);
    expect(xmp.code, xmp.stderr).toBe(0);
    expect(JSON.parse(xmp.stdout)).toMatchObject({ exported: 3, errors: [] });
    const folderName = library.split('/').at(-1)!;
    const sidecar = join(out, 'xmp', folderName, 'b', 'IMG_1.xmp');
    expect(await readTag(sidecar, 'XMP-dc:Description')).toBe('Harbour at dusk, 港の夕暮れ 🌅');
    expect(await readTag(sidecar, 'XMP-lr:HierarchicalSubject')).toBe('Places|Japan|Kōbe');
    expect(await readTag(sidecar, 'XMP-photoshop:SidecarForExtension')).toBe('CR2');
    expect(existsSync(join(out, 'xmp', folderName, 'a', 'harbour.xmp'))).toBe(true);

    expect(captionist(['export', '--format', 'csv', '--out', out], home)).toMatchObject({ code: 0 });
    const csv = readFileSync(join(out, 'captions.csv'), 'utf8');
    expect(csv.startsWith('\ufeff"path","title","caption","alt_text","keywords","hierarchical_keywords"\r\n')).toBe(true);
    expect(csv).toContain(
      `"${paths['a/harbour.jpg']}","Harbour","Harbour at dusk, 港の夕暮れ 🌅","Boats at dusk","harbour; Kōbe; Smith, John","Places|Japan|Kōbe"\r\n`,
    );
    // Cells a spreadsheet would run as formulas start with an apostrophe; quotes are doubled.
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(csv).toContain(`"'+1 ""quoted"", title"`);
    expect(csv).toContain(`"'@risk; a;b"`);

    expect(captionist(['export', '--format', 'json', '--out', out], home)).toMatchObject({ code: 0 });
    const rows = JSON.parse(readFileSync(join(out, 'captions.json'), 'utf8')) as Record<string, unknown>[];
    expect(rows.find((row) => row.path === paths['a/harbour.jpg'])).toEqual({
      path: paths['a/harbour.jpg'],
      title: 'Harbour',
      caption: 'Harbour at dusk, 港の夕暮れ 🌅',
      altText: 'Boats at dusk',
      keywords: ['harbour', 'Kōbe', 'Smith, John'],
      hierarchicalKeywords: ['Places|Japan|Kōbe'],
    });
    for (const [name, path] of Object.entries(paths)) expect(sha(path), name).toBe(hashes[name]);
    expect(readdirSync(join(library, 'b')).sort()).toEqual(['IMG_1.CR2', 'formula.jpg']);
  });
});
