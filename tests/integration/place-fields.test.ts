import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExifToolAdapter } from '../../src/main/metadata/exiftool.adapter';
import { planPlaceWrite, placeTagsToRead, type PlaceToWrite } from '../../src/main/metadata/place-fields';
import type { FieldPolicy } from '../../src/shared/metadata';
import { tempDir, writeJpeg } from '../helpers/files';

const metadata = new ExifToolAdapter({ maxProcs: 1 });
afterAll(() => metadata.end());

const vik: PlaceToWrite = { city: 'Vík í Mýrdal', state: 'South', country: 'Iceland', countryCode: 'IS' };
const locationTags = [
  'XMP-photoshop:City',
  'XMP-photoshop:State',
  'XMP-photoshop:Country',
  'XMP-iptcCore:CountryCode',
  'IPTC:City',
  'IPTC:Province-State',
  'IPTC:Country-PrimaryLocationName',
  'IPTC:Country-PrimaryLocationCode',
  'IPTC:CodedCharacterSet',
];

/** A JPEG, optionally with a location a person typed (in XMP and IIM, as Lightroom saves it), and the place written into a copy. */
async function writePlace(policy: FieldPolicy, personal: Record<string, string> = {}) {
  const dir = tempDir();
  let photo = await writeJpeg(join(dir, 'photo.jpg'));
  if (Object.keys(personal).length) {
    const typed = join(dir, 'typed.jpg');
    await metadata.writeTagsInto(typed, personal, photo);
    photo = typed;
  }
  const current = await metadata.readTags(photo, placeTagsToRead('embedded-iim'));
  const plan = planPlaceWrite({ place: vik, current, kind: 'embedded-iim', policy, fileName: 'photo.jpg' });
  const written = join(dir, 'written.jpg');
  if (Object.keys(plan.tags).length) await metadata.writeTagsInto(written, plan.tags, photo);
  return { plan, read: Object.keys(plan.tags).length ? await metadata.readTags(written, locationTags) : null };
}

describe('place fields written back', () => {
  it('writes the place into the XMP and IIM fields Lightroom reads, in UTF-8', async () => {
    const { plan, read } = await writePlace('skip');
    expect(read).toEqual({
      'XMP-photoshop:City': 'Vík í Mýrdal',
      'XMP-photoshop:State': 'South',
      'XMP-photoshop:Country': 'Iceland',
      'XMP-iptcCore:CountryCode': 'IS',
      'IPTC:City': 'Vík í Mýrdal',
      'IPTC:Province-State': 'South',
      'IPTC:Country-PrimaryLocationName': 'Iceland',
      'IPTC:Country-PrimaryLocationCode': 'IS',
      'IPTC:CodedCharacterSet': 'UTF8',
    });
    expect(plan.changes.map((change) => change.action)).toEqual(['set', 'set', 'set', 'set']);
  });

  it('under skip never touches a location a person entered, not even its empty fields', async () => {
    const { plan, read } = await writePlace('skip', { 'XMP-photoshop:City': 'Skógar', 'IPTC:City': 'Skógar' });
    expect(read).toBeNull();
    expect(plan.tags).toEqual({});
    expect(plan.changes).toContainEqual({ field: 'city', action: 'kept', before: 'Skógar', after: 'Skógar' });
    expect(plan.changes).toContainEqual({ field: 'country', action: 'unchanged', before: null, after: null });
  });

  it('under append keeps the fields a person filled and fills the empty ones', async () => {
    const { read } = await writePlace('append', { 'XMP-photoshop:City': 'Skógar', 'IPTC:City': 'Skógar' });
    expect(read).toMatchObject({ 'XMP-photoshop:City': 'Skógar', 'IPTC:City': 'Skógar', 'XMP-photoshop:Country': 'Iceland', 'IPTC:Country-PrimaryLocationCode': 'IS' });
  });

  it('under replace writes the place over the fields a person filled, a location only in IIM included', async () => {
    const { plan, read } = await writePlace('replace', { 'IPTC:City': 'Skogar', 'IPTC:Country-PrimaryLocationName': 'Island' });
    expect(read).toMatchObject({ 'XMP-photoshop:City': 'Vík í Mýrdal', 'IPTC:City': 'Vík í Mýrdal', 'IPTC:Country-PrimaryLocationName': 'Iceland' });
    expect(plan.changes[0]).toEqual({ field: 'city', action: 'replace', before: 'Skogar', after: 'Vík í Mýrdal' });
  });

  it('takes a location Captionist wrote itself as not a person’s, and trims IIM to its byte limits', () => {
    const long: PlaceToWrite = { city: 'Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch', state: null, country: 'United Kingdom', countryCode: 'GB' };
    const current = { 'XMP-photoshop:City': 'Bangor', 'IPTC:City': 'Bangor' };
    const plan = planPlaceWrite({
      place: long,
      current,
      kind: 'embedded-iim',
      policy: 'skip',
      fileName: 'a.jpg',
      ours: { written: { 'XMP-photoshop:City': 'Bangor' }, previous: { 'XMP-photoshop:City': null } },
    });
    expect(plan.tags['XMP-photoshop:City']).toBe(long.city);
    expect(plan.tags['IPTC:City']).toBe(long.city.slice(0, 32));
    expect(plan.changes[0]).toMatchObject({ action: 'replace', before: 'Bangor' });
    // A sidecar gets XMP only.
    const sidecar = planPlaceWrite({ place: vik, current: {}, kind: 'sidecar', policy: 'skip', fileName: 'a.cr3' });
    expect(Object.keys(sidecar.tags)).toEqual(['XMP-photoshop:City', 'XMP-photoshop:State', 'XMP-photoshop:Country', 'XMP-iptcCore:CountryCode']);
  });
});
