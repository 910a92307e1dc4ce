import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import Sqlite from 'better-sqlite3';
import { migrate } from '../../src/main/db/migrate';
import { migrations } from '../../src/main/db/migrations';
import { selectionFilter } from '../../src/main/db/photo-selection';
import { environmentSecrets } from '../../src/main/base/secrets';
import { testCore } from '../helpers/core';
import type { TestCore } from '../helpers/core';
import { tempDir, writeJpeg } from '../helpers/files';
import { visionServer } from '../helpers/vision-server';

const apiKey = 'sk-selection-41c7';

/** A library of three photos and a loopback provider; the UI's selections name photos by id. */
async function library(): Promise<{ core: TestCore; root: string; ids: Map<string, number> }> {
  const core = testCore({ secrets: environmentSecrets({ SELECTION_KEY: apiKey }) });
  const root = tempDir('captionist-selection-');
  await Promise.all(['a.jpg', 'b.jpg', 'c.jpg'].map((name, seed) => writeJpeg(join(root, name), { seed: seed + 5 })));
  await core.invoke('library:addFolder', { path: root });
  await core.invoke('library:index', {});
  const server = await visionServer({ apiKey });
  await core.invoke('providers:save', {
    name: 'vision',
    type: 'openai-compatible',
    preset: 'inference-net',
    baseUrl: `${server.url}/v1`,
    apiKeyEnv: 'SELECTION_KEY',
    pricing: { perImageUsd: 0.01 },
  });
  const found = await core.invoke('photos:search', {});
  return { core, root, ids: new Map(found.results.map((photo) => [photo.fileName, photo.id])) };
}

describe('acting on a selection of photos', () => {
  it('captions, writes and exports exactly the photos selected by id', async () => {
    const { core, root, ids } = await library();
    const chosen = [ids.get('a.jpg')!, ids.get('c.jpg')!];

    expect(await core.invoke('captions:estimate', { provider: 'vision', photoIds: chosen })).toMatchObject({ photos: 2, costUsd: 0.02 });
    const run = await core.invoke('captions:generate', { provider: 'vision', paths: [], photoIds: chosen, options: {}, force: false });
    expect(run).toMatchObject({ total: 2, captioned: 2 });
    const captioned = (await core.invoke('photos:search', { hasCaption: true })).results.map((photo) => photo.fileName);
    expect(captioned.sort()).toEqual(['a.jpg', 'c.jpg']);

    expect(await core.invoke('metadata:queueWrite', { photoIds: [ids.get('c.jpg')!] })).toEqual({ count: 1 });
    const out = tempDir('captionist-selection-out-');
    const exported = await core.invoke('metadata:export', { format: 'csv', outDir: out, photoIds: [ids.get('a.jpg')!] });
    expect(exported.exported).toBe(1);
    const csv = readFileSync(join(out, 'captions.csv'), 'utf8');
    expect(csv).toContain(join(root, 'a.jpg'));
    expect(csv).not.toContain(join(root, 'c.jpg'));
    expect(existsSync(join(root, 'b.jpg'))).toBe(true);
    await core.close();
  });

  it('selects every photo a search matches, in its order', async () => {
    const { core, ids } = await library();
    const all = await core.invoke('photos:ids', { sort: 'date' });
    const shown = (await core.invoke('photos:search', { sort: 'date' })).results.map((photo) => photo.id);
    expect(all).toEqual({ ids: shown, truncated: false });
    expect(all.ids.sort()).toEqual([...ids.values()].sort());
    // A whole word: as a prefix, "b" would also find every photo when the temporary folder's random name has a word starting with b.
    expect(await core.invoke('photos:ids', { text: 'b ' })).toEqual({ ids: [ids.get('b.jpg')], truncated: false });
    const ranked = (await core.invoke('photos:search', { text: 'jpg OR a' })).results.map((photo) => photo.id);
    expect((await core.invoke('photos:ids', { text: 'jpg OR a' })).ids).toEqual(ranked);
    await core.close();
  });

  it('sums up a selection: gone, missing, and by caption status', async () => {
    const { core, root, ids } = await library();
    const [a, b, c] = ['a.jpg', 'b.jpg', 'c.jpg'].map((name) => ids.get(name)!) as [number, number, number];
    await core.invoke('captions:generate', { provider: 'vision', paths: [], photoIds: [a, c], options: {}, force: false });
    await core.invoke('captions:approve', { photoIds: [a] });
    rmSync(join(root, 'c.jpg'));
    await core.invoke('library:index', {});
    expect(await core.invoke('photos:selectionSummary', { photoIds: [a, b, c, 424_242] })).toEqual({
      gone: [424_242],
      missing: 1,
      draft: 0,
      approved: 1,
      written: 0,
      none: 1,
    });
    await core.close();
  });

  it('takes a selection far longer than SQLite allows in one expression', async () => {
    const { core, root, ids } = await library();
    // The same folder named 1,200 times, and 100,000 ids of which three exist.
    const manyPaths = Array.from({ length: 1200 }, () => root);
    expect((await core.invoke('captions:estimate', { provider: 'vision', paths: manyPaths })).photos).toBe(3);
    const manyIds = [...ids.values(), ...Array.from({ length: 100_000 - 3 }, (_, index) => 1_000_000 + index)];
    expect((await core.invoke('captions:estimate', { provider: 'vision', photoIds: manyIds })).photos).toBe(3);
    await expect(core.invoke('captions:estimate', { provider: 'vision', photoIds: [...manyIds, 7] })).rejects.toThrow(/photoIds/);
    await expect(core.invoke('captions:estimate', { provider: 'vision', photoIds: [] })).rejects.toThrow(/photoIds/);
    await core.close();
  });
});

describe('selection filter', () => {
  it('takes a folder with everything below it, never its namesake siblings, and files by exact path', () => {
    const db = new Sqlite(':memory:');
    migrate(db, migrations);
    db.prepare(`INSERT INTO folders (path, name, added_at) VALUES ('/p', 'p', 'now')`).run();
    const paths = ['/p/Trips/a.jpg', '/p/Trips/2019/b.jpg', '/p/Trips 2/c.jpg', '/p/Trips-old/d.jpg', '/p/Trips0/e.jpg', '/p/Tripsa/f.jpg', '/p/g.jpg'];
    const insert = db.prepare(
      `INSERT INTO photos (folder_id, path, rel_path, file_name, file_type, size, mtime_ms, fingerprint, indexed_at)
       VALUES (1, ?, ?, ?, 'JPEG', 1, 1, ?, 'now')`,
    );
    paths.forEach((path, index) => insert.run(path, path.slice(3), path.split('/').at(-1), String(index).padStart(32, '0')));
    const chosen = (scopes: string[]) => {
      const filter = selectionFilter({ scopes });
      return db.prepare(`SELECT p.path FROM photos p WHERE 1 ${filter.sql} ORDER BY p.path`).pluck().all(...filter.params);
    };
    expect(chosen(['/p/Trips/'])).toEqual(['/p/Trips/2019/b.jpg', '/p/Trips/a.jpg']);
    expect(chosen(['/p/Trips 2/', '/p/g.jpg', '/p/Trips/a.jpg'])).toEqual(['/p/Trips 2/c.jpg', '/p/Trips/a.jpg', '/p/g.jpg']);
    expect(chosen(['/p/nothing.jpg'])).toEqual([]);
    expect(chosen([])).toHaveLength(paths.length);
    db.close();
  });
});
