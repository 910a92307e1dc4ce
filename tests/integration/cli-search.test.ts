import { spawnSync } from 'node:child_process';
import { basename, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SavedSearch, SearchResults } from '../../src/shared/domain';
import { tempDir, writeJpeg } from '../helpers/files';

const bin = resolve(import.meta.dirname, '../../bin/captionist.js');

function captionist(args: string[], home: string) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, CAPTIONIST_HOME: home },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const found = (result: { stdout: string }) =>
  (JSON.parse(result.stdout) as SearchResults).results.map((photo) => basename(photo.path));

describe('captionist search', () => {
  // Each run starts a process: allow for a busy machine.
  it('searches with filters, sorts, pages, and keeps smart albums', { timeout: 180_000 }, async () => {
    const home = tempDir();
    const library = tempDir();
    const photo = (relPath: string, caption: string, date: string, model: string, seed: number) =>
      writeJpeg(join(library, relPath), {
        seed,
        exif: { IFD0: { ImageDescription: caption, Make: model.split(' ')[0]!, Model: model }, IFD2: { DateTimeOriginal: date } },
      });
    await photo('Iceland/2019/glacier.jpg', 'Icebergs drifting at sunrise', '2019:06:15 06:00:00', 'Canon EOS R5', 1);
    await photo('Iceland/2021/lagoon.jpg', 'Icebergs in a lagoon at dusk', '2021:08:01 21:00:00', 'NIKON Z 6', 2);
    await photo('Lisbon/tram.jpg', 'A yellow tram at sunrise', '2020:02:02 07:00:00', 'Canon EOS R5', 3);
    expect(captionist(['index', library, '--json'], home).code).toBe(0);

    expect(found(captionist(['search', 'icebergs', '--json'], home)).sort()).toEqual(['glacier.jpg', 'lagoon.jpg']);
    expect(found(captionist(['search', 'icebergs', '--sort', 'date', '--json'], home))).toEqual(['lagoon.jpg', 'glacier.jpg']);
    expect(found(captionist(['search', 'iceberg', '--folder', join(library, 'Iceland', '2019'), '--json'], home))).toEqual(['glacier.jpg']);
    expect(found(captionist(['search', 'sunrise', '--from', '2020', '--to', '2020-12', '--json'], home))).toEqual(['tram.jpg']);
    expect(found(captionist(['search', '--camera', 'r5', '--sort', 'date', '--json'], home))).toEqual(['tram.jpg', 'glacier.jpg']);
    // After "--", a query may start with "-" (an exclusion) without being read as an option.
    expect(found(captionist(['search', '--json', '--', '"at sunrise"', '-tram'], home))).toEqual(['glacier.jpg']);
    expect(found(captionist(['search', '"at sunrise"', 'NOT', 'tram', '--json'], home))).toEqual(['glacier.jpg']);
    expect(found(captionist(['search', '--uncaptioned', '--limit', '1', '--offset', '1', '--json'], home))).toHaveLength(1);

    const human = captionist(['search', 'sunrise'], home);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('2 photos found.');
    expect(human.stdout).toContain(join(library, 'Lisbon', 'tram.jpg'));
    expect(human.stdout).toContain('A yellow tram at sunrise');

    const saved = captionist(['search', 'icebergs', '--camera', 'nikon', '--save', 'Nikon ice'], home);
    expect(saved).toMatchObject({ code: 0, stdout: expect.stringContaining('Saved the smart album "Nikon ice"') });
    expect(found(captionist(['search', '--album', 'nikon ICE', '--json'], home))).toEqual(['lagoon.jpg']);
    expect(captionist(['albums'], home).stdout).toContain('Nikon ice  "icebergs", camera: nikon');
    expect(captionist(['albums', 'rename', 'Nikon ice', 'Ice (Nikon)'], home).code).toBe(0);
    const albums = JSON.parse(captionist(['albums', '--json'], home).stdout) as SavedSearch[];
    expect(albums.map((album) => album.name)).toEqual(['Ice (Nikon)']);
    expect(captionist(['albums', 'delete', 'Ice (Nikon)'], home).code).toBe(0);
    expect(captionist(['search', '--album', 'Ice (Nikon)'], home)).toMatchObject({ code: 2, stderr: expect.stringContaining('no saved search') });
  });

  it('explains bad flags and survives any query', { timeout: 180_000 }, async () => {
    const home = tempDir();
    const library = tempDir();
    await writeJpeg(join(library, 'a.jpg'));
    expect(captionist(['index', library, '--json'], home).code).toBe(0);
    for (const [args, message] of [
      [['search'], 'needs a QUERY or a filter'],
      [['search', 'x', '--from', '2019-02-30'], '--from: no such date'],
      [['search', 'x', '--status', 'done'], '--status: '],
      [['search', 'x', '--captioned', '--uncaptioned'], 'exclude each other'],
      [['albums', 'frobnicate'], 'albums takes'],
    ] as const) {
      const result = captionist([...args], home);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toContain(message);
    }
    // The core's tests try every kind of hostile query; here, that the command passes them on whole.
    for (const query of ['(((', "'; DROP TABLE photos; --", 'x'.repeat(100_000)]) {
      const result = captionist(['search', query, '--json'], home);
      expect(result.code, query.slice(0, 20)).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ total: expect.any(Number) });
    }
    expect(found(captionist(['search', '--folder', join(library, 'nowhere'), '--json'], home))).toEqual([]);
    expect(found(captionist(['search', '--folder', library, '--json'], home))).toEqual(['a.jpg']);
  });
});
