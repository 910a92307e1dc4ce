import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExifToolAdapter } from '../../src/main/metadata/exiftool.adapter';
import { InvalidCoordinatesError, PlaceFinder, loadGazetteer, maxPlaceDistanceKm } from '../../src/main/places/gazetteer';
import { PointIndex, kmForChord, unitVector } from '../../src/main/places/point-index';
import { tempDir, writeJpeg } from '../helpers/files';

const finder = new PlaceFinder();

describe('places from GPS', () => {
  it('names the nearest town with its region and country, in local spelling and folded for search', async () => {
    expect(await finder.placeAt(64.1466, -21.9426)).toEqual({
      name: 'Reykjavík',
      asciiName: 'Reykjavik',
      region: 'Capital Region',
      country: 'Iceland',
      countryCode: 'IS',
      distanceKm: expect.closeTo(2.6, 0),
    });
    expect(await finder.placeAt(-18.1416, 178.4419)).toMatchObject({ name: 'Suva', country: 'Fiji', countryCode: 'FJ' });
  });

  it('looks across the antimeridian: a photo at 179.95° W finds a Chukotka town at 179.35° E', async () => {
    const place = await finder.placeAt(63.06, -179.95);
    expect(place).toMatchObject({ name: 'Beringovskiy', region: 'Chukotka', countryCode: 'RU' });
    expect(place!.distanceKm).toBeGreaterThan(30);
    expect(place!.distanceKm).toBeLessThan(40);
  });

  it('gives no place at sea, at the poles, beyond the distance rule, or at exactly 0,0 (no GPS)', async () => {
    expect(await finder.placeAt(30, -40)).toBeNull();
    expect(await finder.placeAt(90, 0)).toBeNull();
    expect(await finder.placeAt(-90, 123)).toBeNull();
    expect(await finder.placeAt(0, 0)).toBeNull();
    // A photo on Iceland's south coast, 70 km from the nearest town of 1,000 people.
    expect(await finder.placeAt(63.42, -19.0)).toBeNull();
    expect(maxPlaceDistanceKm).toBe(50);
    // Just off 0,0 is a real position (the Gulf of Guinea): no town, but no "no GPS" either.
    expect(await finder.placeAt(0.0001, 0)).toBeNull();
  });

  it('rejects positions that cannot be on Earth with the reason', async () => {
    await expect(finder.placeAt(91, 0)).rejects.toThrow(new InvalidCoordinatesError('GPS latitude 91 is outside -90 to 90.'));
    await expect(finder.placeAt(0, -180.5)).rejects.toThrow('GPS longitude -180.5 is outside -180 to 180.');
    await expect(finder.placeAt(Number.NaN, 10)).rejects.toThrow('GPS position NaN, 10 is not a number.');
  });

  it('loads the gazetteer on the first lookup, not before, and not for a rejected position', async () => {
    let loads = 0;
    const lazy = new PlaceFinder(() => {
      loads++;
      return loadGazetteer();
    });
    expect(lazy.loaded).toBe(false);
    await expect(lazy.placeAt(100, 0)).rejects.toThrow(InvalidCoordinatesError);
    expect(loads).toBe(0);
    await Promise.all([lazy.placeAt(48.8566, 2.3522), lazy.placeAt(51.5072, -0.1276)]);
    expect(loads).toBe(1);
  });
});

describe('the point index', () => {
  it('finds the same nearest point as a scan of every point, random points on the sphere', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const position = () => [Math.asin(2 * random() - 1) * (180 / Math.PI), 360 * random() - 180] as const;
    const vectors = new Float64Array(3 * 5000);
    for (let i = 0; i < 5000; i++) vectors.set(unitVector(...position()), i * 3);
    const index = new PointIndex(vectors);
    for (let q = 0; q < 500; q++) {
      const target = unitVector(...position());
      let nearest = Infinity;
      for (let i = 0; i < 5000; i++) {
        const dx = target[0] - vectors[i * 3]!, dy = target[1] - vectors[i * 3 + 1]!, dz = target[2] - vectors[i * 3 + 2]!;
        nearest = Math.min(nearest, Math.sqrt(dx * dx + dy * dy + dz * dz));
      }
      const found = index.nearest(target, 2)!;
      expect(found.chord).toBeCloseTo(nearest, 12);
      // Within a radius smaller than the nearest point: nothing.
      expect(index.nearest(target, nearest * 0.999)).toBeNull();
    }
    expect(kmForChord(2)).toBeCloseTo(Math.PI * 6371.0088, 6);
  });
});

describe('GPS read from photos', () => {
  const metadata = new ExifToolAdapter({ maxProcs: 1 });
  afterAll(() => metadata.end());

  it('reads signed positions written by ExifTool into EXIF and XMP, null without GPS', async () => {
    const dir = tempDir();
    const plain = await writeJpeg(join(dir, 'plain.jpg'));
    const exif = join(dir, 'sydney.jpg');
    await metadata.writeTagsInto(
      exif,
      { 'GPS:GPSLatitude': '33.8688', 'GPS:GPSLatitudeRef': 'S', 'GPS:GPSLongitude': '151.2093', 'GPS:GPSLongitudeRef': 'E' },
      plain,
    );
    const xmp = join(dir, 'reykjavik.jpg');
    await metadata.writeTagsInto(xmp, { 'XMP-exif:GPSLatitude': '64.1466', 'XMP-exif:GPSLongitude': '-21.9426' }, plain);
    const nullIsland = join(dir, 'null-island.jpg');
    await metadata.writeTagsInto(
      nullIsland,
      { 'GPS:GPSLatitude': '0', 'GPS:GPSLatitudeRef': 'N', 'GPS:GPSLongitude': '0', 'GPS:GPSLongitudeRef': 'E' },
      plain,
    );

    const sydney = (await metadata.readGps(exif))!;
    expect(sydney.latitude).toBeCloseTo(-33.8688, 4);
    expect(sydney.longitude).toBeCloseTo(151.2093, 4);
    expect(await finder.placeAt(sydney.latitude, sydney.longitude)).toMatchObject({ country: 'Australia', region: 'New South Wales' });
    const reykjavik = (await metadata.readGps(xmp))!;
    expect(reykjavik.latitude).toBeCloseTo(64.1466, 4);
    expect(reykjavik.longitude).toBeCloseTo(-21.9426, 4);
    expect(await metadata.readGps(plain)).toBeNull();
    expect(await metadata.readGps(nullIsland)).toEqual({ latitude: 0, longitude: 0 });
    expect(await finder.placeAt(0, 0)).toBeNull();
  });
});
