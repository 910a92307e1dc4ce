import { basename, join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { environmentSecrets } from '../../src/main/base/secrets';
import { ExifToolAdapter } from '../../src/main/metadata/exiftool.adapter';
import { PlaceFinder } from '../../src/main/places/gazetteer';
import type { SearchResults } from '../../src/shared/domain';
import { addCaptions, queryLibrary } from '../helpers/captions';
import { captionist, captionistHere, readLibrary } from '../helpers/cli';
import { testCore } from '../helpers/core';
import { tempDir, writeJpeg } from '../helpers/files';
import { testLibrary } from '../helpers/library';
import { jsonBody } from '../helpers/loopback';
import type { RecordedRequest } from '../helpers/loopback';
import { visionServer } from '../helpers/vision-server';

/** JPEGs made by sharp, their GPS (and one person's City) written by ExifTool as a camera or Lightroom would. */
async function photosWithGps(library: string) {
  const exiftool = new ExifToolAdapter({ maxProcs: 1 });
  const gps = (latitude: number, longitude: number) => ({
    'GPS:GPSLatitude': String(Math.abs(latitude)),
    'GPS:GPSLatitudeRef': latitude < 0 ? 'S' : 'N',
    'GPS:GPSLongitude': String(Math.abs(longitude)),
    'GPS:GPSLongitudeRef': longitude < 0 ? 'W' : 'E',
  });
  const photo = async (name: string, tags: Record<string, string>, seed: number) => {
    const plain = await writeJpeg(join(tempDir(), name), { seed });
    await exiftool.writeTagsInto(join(library, name), tags, plain);
  };
  try {
    await photo('harbour.jpg', gps(64.1466, -21.9426), 1);
    await photo('own-city.jpg', { ...gps(64.1466, -21.9426), 'XMP-photoshop:City': 'Home Harbour' }, 2);
    await photo('atlantic.jpg', gps(30, -40), 3);
    await photo('null-island.jpg', gps(0, 0), 4);
    await photo('beyond.jpg', { 'XMP-exif:GPSLatitude': '95', 'XMP-exif:GPSLongitude': '10' }, 5);
    await photo('suva.jpg', gps(-18.1416, 178.4419), 6);
  } finally {
    await exiftool.end();
  }
}

const found = (stdout: string) => (JSON.parse(stdout) as SearchResults).results.map((photo) => basename(photo.path)).sort();

describe('places named from GPS when photos are indexed', () => {
  it('stores the place, makes it searchable, and gives none at sea, at 0,0 or off the Earth without stopping the index', { timeout: 120_000 }, async () => {
    const library = tempDir();
    await photosWithGps(library);
    const core = testCore();
    await core.invoke('library:addFolder', { path: library });
    const result = await core.invoke('library:index', { paths: [] });
    expect(result).toMatchObject({ added: 6, errors: [] });

    const { results } = await core.invoke('photos:search', { text: '' });
    const detail = async (name: string) => core.invoke('photos:get', { id: results.find((photo) => photo.fileName === name)!.id });
    expect((await detail('harbour.jpg')).place).toEqual({
      name: 'Reykjavík',
      asciiName: 'Reykjavik',
      region: 'Capital Region',
      country: 'Iceland',
      countryCode: 'IS',
      distanceKm: expect.closeTo(2.6, 0),
    });
    expect((await detail('suva.jpg')).place).toMatchObject({ name: 'Suva', country: 'Fiji' });
    for (const name of ['atlantic.jpg', 'null-island.jpg', 'beyond.jpg']) expect((await detail(name)).place).toBeNull();
    // exiftool-vendored drops a latitude beyond 90° as it reads it: no position, so no place.
    expect((await detail('beyond.jpg')).gpsLatitude).toBeNull();

    await core.close();
    const withOwnLocation = readLibrary(core.dataDir, (db) => db.prepare('SELECT file_name FROM photos WHERE own_location = 1').pluck().all());
    expect(withOwnLocation).toEqual(['own-city.jpg']);
    const search = async (text: string) => found((await captionistHere(['search', text, '--json'], core.dataDir)).stdout);
    expect(await search('reykjavik')).toEqual(['harbour.jpg', 'own-city.jpg']);
    expect(await search('Reykjavík')).toEqual(['harbour.jpg', 'own-city.jpg']);
    expect(await search('iceland')).toEqual(['harbour.jpg', 'own-city.jpg']);
    expect(await search('fiji')).toEqual(['suva.jpg']);
  });

  it('forgets stored places when place names are turned off, and names them again from the stored GPS when turned on', { timeout: 120_000 }, async () => {
    const library = tempDir();
    await photosWithGps(library);
    const core = testCore();
    await core.invoke('library:addFolder', { path: library });
    await core.invoke('settings:save', { placeNames: false });
    await core.invoke('library:index', { paths: [] });
    const searchFor = async (text: string) => (await core.invoke('photos:search', { text })).results.map((photo) => photo.fileName).sort();
    expect(await searchFor('reykjavik')).toEqual([]);

    await core.invoke('settings:save', { placeNames: true });
    expect(await core.invoke('library:index', { paths: [] })).toMatchObject({ unchanged: 6 });
    expect(await searchFor('reykjavik')).toEqual(['harbour.jpg', 'own-city.jpg']);

    await core.invoke('settings:save', { placeNames: false });
    expect(await searchFor('reykjavik')).toEqual([]);
    const [harbour] = (await core.invoke('photos:search', { text: 'harbour' })).results;
    const detail = await core.invoke('photos:get', { id: harbour!.id });
    expect(detail.place).toBeNull();
    expect(detail.gpsLatitude).toBeCloseTo(64.1466, 3);
  });
});

/** Everything a chat/completions request sent but the image's bytes (a stripped copy, tested elsewhere), as one text. */
const sentText = (request: RecordedRequest) => JSON.stringify(jsonBody(request)).replace(/data:image\/jpeg;base64,[^"]+/g, 'IMAGE');

describe('a gazetteer that cannot be read', () => {
  it('costs the photos their place, not their indexing, and says why in the log', { timeout: 60_000 }, async () => {
    const library = tempDir();
    await photosWithGps(library);
    const unreadable = new PlaceFinder(() => Promise.reject(new Error('ENOENT: cities.json')));
    const lib = testLibrary(tempDir('captionist-home-'), unreadable);
    const folder = lib.library.addFolder(library);
    const result = await lib.indexer.index([{ folder, path: library }]);
    expect(result).toMatchObject({ added: 6, errors: [] });
    expect(lib.db.prepare('SELECT count(*) FROM photos WHERE place_name IS NOT NULL').pluck().get()).toBe(0);
    expect(lib.logger.lines.find((line) => line.includes('harbour.jpg'))).toMatch(/Place names could not be loaded: Error: ENOENT: cities\.json\. No place is named for it\./);
  });
});

describe('the built captionist command', () => {
  it('finds the gazetteer beside its bundle: indexing names the place, search finds it', { timeout: 180_000 }, async () => {
    const library = tempDir();
    await photosWithGps(library);
    const home = tempDir('captionist-home-');
    const indexed = await captionist(['index', library, '--json'], home);
    expect(indexed.code, indexed.stderr).toBe(0);
    const searched = await captionist(['search', 'reykjavik', '--json'], home);
    expect(found(searched.stdout)).toEqual(['harbour.jpg', 'own-city.jpg']);
  });
});

describe('the place in the prompt', () => {
  it('tells the model the place named from GPS unless the file names its own, and never sends coordinates', { timeout: 120_000 }, async () => {
    const library = tempDir();
    await photosWithGps(library);
    const apiKey = 'sk-test-places-7d1c';
    const server = await visionServer({ apiKey });
    const core = testCore({ secrets: environmentSecrets({ TEST_VISION_KEY: apiKey }) });
    await core.invoke('providers:save', {
      name: 'vision',
      type: 'openai-compatible',
      baseUrl: `${server.url}/v1`,
      apiKeyEnv: 'TEST_VISION_KEY',
      concurrency: 1,
    });
    await core.invoke('library:addFolder', { path: library });
    await core.invoke('library:index', { paths: [] });

    for (const name of ['harbour.jpg', 'own-city.jpg', 'atlantic.jpg']) {
      await core.invoke('captions:generate', { provider: 'vision', paths: [join(library, name)], options: {}, force: false });
    }
    const [harbour, ownCity, atlantic] = server.requests.map(sentText);
    expect(harbour).toContain('taken at Reykjavík, Capital Region, Iceland');
    expect(ownCity).toContain('taken at Home Harbour');
    expect(ownCity).not.toContain('Reykjav');
    expect(atlantic).not.toContain('taken at');
    for (const text of [harbour!, ownCity!, atlantic!]) expect(text).not.toMatch(/64[.,]1|21[.,]9|GPS|latitude|longitude/i);
  });
});

describe('places written back with the caption', () => {
  it('writes the place into the location fields in the caption\'s one write, never over a person\'s location under skip', { timeout: 120_000 }, async () => {
    const library = tempDir();
    await photosWithGps(library);
    const core = testCore();
    await core.invoke('library:addFolder', { path: library });
    await core.invoke('library:index', { paths: [] });
    const harbour = join(library, 'harbour.jpg');
    const ownCity = join(library, 'own-city.jpg');
    const reader = new ExifToolAdapter({ maxProcs: 1 });
    onTestFinished(() => reader.end());
    await reader.writeTagsInto(join(library, 'own-city-iim.jpg'), { 'IPTC:City': 'Home Harbour', 'IPTC:Province-State': 'Höfuðborg' }, ownCity);
    await core.invoke('library:index', { paths: [] });
    const ownCityIim = join(library, 'own-city-iim.jpg');
    addCaptions(core, { [harbour]: { caption: 'Boats in a harbour' }, [ownCity]: { caption: 'Boats' }, [ownCityIim]: { caption: 'Boats' } });

    const run = await core.invoke('metadata:write', { paths: [harbour, ownCity, ownCityIim] });
    expect(run).toMatchObject({ written: 3, failed: 0 });
    const changes = (path: string) => run.photos.find((photo) => photo.path === path)!.changes;
    expect(changes(harbour)).toEqual(
      expect.arrayContaining([
        { field: 'caption', action: 'set', before: null, after: 'Boats in a harbour' },
        { field: 'city', action: 'set', before: null, after: 'Reykjavík' },
        { field: 'state', action: 'set', before: null, after: 'Capital Region' },
        { field: 'country', action: 'set', before: null, after: 'Iceland' },
        { field: 'countryCode', action: 'set', before: null, after: 'IS' },
      ]),
    );
    expect(changes(ownCity)).toEqual(expect.arrayContaining([{ field: 'city', action: 'kept', before: 'Home Harbour', after: 'Home Harbour' }]));

    const read = (path: string) =>
      reader.readTags(path, ['XMP-dc:Description', 'XMP-photoshop:City', 'XMP-photoshop:State', 'XMP-photoshop:Country', 'XMP-iptcCore:CountryCode', 'IPTC:all']);
    expect(await read(harbour)).toMatchObject({
      'XMP-dc:Description': 'Boats in a harbour',
      'XMP-photoshop:City': 'Reykjavík',
      'XMP-photoshop:State': 'Capital Region',
      'XMP-photoshop:Country': 'Iceland',
      'XMP-iptcCore:CountryCode': 'IS',
    });
    // One write per photo carried both the caption and the place.
    const [written] = queryLibrary<{ written: string }>(core, 'SELECT w.written FROM metadata_writes w JOIN photos p ON p.id = w.photo_id WHERE p.path = ?', harbour);
    expect(Object.keys(JSON.parse(written!.written) as object)).toEqual(expect.arrayContaining(['XMP-dc:Description', 'XMP-photoshop:City']));
    const kept = await read(ownCity);
    expect(kept['XMP-photoshop:City']).toBe('Home Harbour');
    expect(kept['XMP-photoshop:Country']).toBeUndefined();
    const keptIim = await read(ownCityIim);
    expect(keptIim).toMatchObject({ 'IPTC:City': 'Home Harbour', 'IPTC:Province-State': 'Höfuðborg' });
    expect(keptIim['XMP-photoshop:City']).toBe('Home Harbour');

    await core.invoke('settings:save', { placePolicy: 'replace' });
    const replaced = await core.invoke('metadata:write', { paths: [ownCityIim], force: true });
    expect(replaced).toMatchObject({ written: 1, failed: 0 });
    expect(await read(ownCityIim)).toMatchObject({
      'IPTC:City': 'Reykjavík',
      'IPTC:Province-State': 'Capital Region',
      'IPTC:Country-PrimaryLocationName': 'Iceland',
      'IPTC:Country-PrimaryLocationCode': 'IS',
      'XMP-photoshop:City': 'Reykjavík',
    });
  });
});
