import { describe, expect, it } from 'vitest';
import {
  altTextHint,
  editFromForm,
  formFromDetail,
  formFromText,
  formsEqual,
  keywordProblem,
  type CaptionForm,
} from '../../src/renderer/src/components/inspector/caption-form';
import { normaliseKeywords, readKeywords } from '../../src/shared/keywords';
import { cameraText, formatCapturedAt, gpsText, photoFacts, placeText } from '../../src/renderer/src/components/inspector/photo-facts';
import type { CaptionVersion, PhotoDetail } from '../../src/shared/review';

const version: CaptionVersion = {
  id: 7,
  version: 2,
  source: 'generated',
  status: 'draft',
  provider: 'inf',
  model: 'gemma',
  options: {},
  title: 'Harbour at dawn',
  caption: 'Fishing boats moored in a calm harbour at dawn.',
  altText: 'Boats in a harbour at dawn',
  longDescription: null,
  keywords: ['harbour', 'boats', 'dawn'],
  keywordSuggestions: [],
  costUsd: 0.0004,
  createdAt: '2026-01-02T10:00:00.000Z',
};

const detail: PhotoDetail = {
  id: 1,
  path: '/photos/harbour.jpg',
  fileName: 'harbour.jpg',
  fileType: 'JPEG',
  fingerprint: 'abc',
  hasThumbnail: true,
  width: 6000,
  height: 4000,
  capturedAt: '2024-06-01T05:42:10',
  status: 'present',
  caption: 'Fishing boats moored in a calm harbour at dawn.',
  title: 'Harbour at dawn',
  keywords: ['harbour', 'boats', 'dawn'],
  captionStatus: 'draft',
  folderId: 3,
  altText: 'Boats in a harbour at dawn',
  longDescription: null,
  fileSize: 5_400_000,
  orientation: 1,
  cameraMake: 'Canon',
  cameraModel: 'Canon EOS R5',
  lens: 'RF24-70mm F2.8 L IS USM',
  gpsLatitude: 43.2965,
  gpsLongitude: -5.3698,
  place: null,
  embedded: { title: null, caption: 'My own words', altText: null, keywords: ['mine'] },
  versions: [version],
};

const form = (changes: Partial<CaptionForm> = {}): CaptionForm => ({ ...formFromText(version), ...changes });

describe('the inspector edit form', () => {
  it('starts from the newest version', () => {
    expect(formFromDetail(detail)).toEqual({
      title: 'Harbour at dawn',
      caption: 'Fishing boats moored in a calm harbour at dawn.',
      altText: 'Boats in a harbour at dawn',
      longDescription: '',
      keywords: 'harbour, boats, dawn',
    });
  });

  it("starts from the file's own text when Captionist never captioned the photo", () => {
    expect(formFromDetail({ ...detail, versions: [] })).toMatchObject({ caption: 'My own words', keywords: 'mine' });
  });

  // A camera's stamp never reaches the form: indexing leaves it out, where it knows the tag.
  it("starts empty where the file holds only a broken writer's mark or the photo's own name", () => {
    const stamped = { title: 'harbour', caption: 'lang="x-default"', altText: 'x-default', keywords: [] };
    expect(formFromDetail({ ...detail, versions: [], embedded: stamped })).toMatchObject({ title: '', caption: '', altText: '' });
  });

  it('names what the typed keywords would lose on saving', () => {
    const many = Array.from({ length: 31 }, (_, index) => `k${index}`).join(', ');
    expect(keywordProblem(readKeywords(many))).toBe('At most 30 keywords; there are 31.');
    expect(keywordProblem(readKeywords('x'.repeat(65)))).toMatch(/longer than 64 characters/);
    expect(keywordProblem(readKeywords('x'.repeat(64)))).toBeNull();
  });

  it('sends what it previews, and the core stores it as sent, on tricky input', () => {
    const tricky = [
      ' harbour, Boats;boats\n  sea   spray ,, ',
      '#sunset, "dawn", Dawn, DAWN;\t fog\u0007 ',
      'Places | Iceland |, Places|Iceland, Animals||Birds|Puffin',
      `${'word '.repeat(12)}, ${Array.from({ length: 28 }, (_, index) => `tag${index}`).join(';')}`,
    ];
    for (const text of tricky) {
      const preview = readKeywords(text).kept;
      const sent = editFromForm(form({ keywords: text }));
      expect('edit' in sent ? normaliseKeywords(sent.edit.keywords) : sent.errors, text).toEqual(preview);
    }
    expect(readKeywords(tricky[0]!).kept).toEqual(['harbour', 'Boats', 'sea spray']);
    expect(readKeywords(tricky[1]!).kept).toEqual(['sunset', 'dawn', 'fog']);
    expect(readKeywords(tricky[2]!).kept).toEqual(['Places|Iceland', 'Animals|Birds|Puffin']);
  });

  it('sees no change in whitespace or keyword spelling of the same list', () => {
    expect(formsEqual(form(), form({ caption: `  ${version.caption}\n`, keywords: 'harbour,boats, dawn,' }))).toBe(true);
    expect(formsEqual(form(), form({ keywords: 'harbour, dawn, boats' }))).toBe(false);
    expect(formsEqual(form(), form({ title: 'Harbour' }))).toBe(false);
  });

  it('turns a valid form into the edit the core takes, empty optional fields as null', () => {
    expect(editFromForm(form({ title: '  ', longDescription: ' ' }))).toEqual({
      edit: {
        title: null,
        caption: 'Fishing boats moored in a calm harbour at dawn.',
        altText: 'Boats in a harbour at dawn',
        longDescription: null,
        keywords: ['harbour', 'boats', 'dawn'],
      },
    });
  });

  it('says what is wrong with each field', () => {
    const result = editFromForm(form({ caption: ' ', altText: 'a'.repeat(121), keywords: 'y'.repeat(70) }));
    expect(result).toEqual({
      errors: {
        caption: 'The caption cannot be empty.',
        altText: 'The alt text may have at most 120 characters.',
        keywords: `“${'y'.repeat(24)}…” is longer than 64 characters.`,
      },
    });
  });

  it('hints at the alt text length', () => {
    expect(altTextHint(0)).toMatch(/Describe/);
    expect(altTextHint(50)).toBe('Short and concrete reads best.');
    expect(altTextHint(110)).toBe('Close to the limit.');
    expect(altTextHint(125)).toBe('5 characters too long: shorten it to 120.');
  });
});

describe('the inspector file facts', () => {
  it('keeps the wall-clock time and names any offset', () => {
    expect(formatCapturedAt('2024-06-01T05:42:10')).toBe('2024-06-01 05:42');
    expect(formatCapturedAt('2024-06-01T05:42:10+02:00')).toBe('2024-06-01 05:42 (UTC+02:00)');
    expect(formatCapturedAt('2024-06-01')).toBe('2024-06-01');
    expect(formatCapturedAt('unknown')).toBe('unknown');
  });

  it('names the camera once', () => {
    expect(cameraText('Canon', 'Canon EOS R5')).toBe('Canon EOS R5');
    expect(cameraText('NIKON CORPORATION', 'Z 8')).toBe('NIKON CORPORATION Z 8');
    expect(cameraText(null, 'X100V')).toBe('X100V');
    expect(cameraText(null, null)).toBeNull();
  });

  it('writes coordinates with their hemisphere', () => {
    expect(gpsText(43.2965, -5.3698)).toBe('43.29650° N, 5.36980° W');
    expect(gpsText(-33.9, 18.4)).toBe('33.90000° S, 18.40000° E');
    expect(gpsText(null, 1)).toBeNull();
  });

  it('names the place from the GPS, its region once, and how far the photo was from it', () => {
    const place = { name: 'Reykjavík', asciiName: 'Reykjavik', region: 'Capital Region', country: 'Iceland', countryCode: 'IS', distanceKm: 2.6 };
    expect(placeText(place)).toBe('Reykjavík, Capital Region, Iceland (2.6 km away)');
    expect(placeText({ ...place, name: 'Singapore', region: 'Singapore', country: 'Singapore', distanceKm: 0 })).toBe('Singapore (0 km away)');
    expect(placeText({ ...place, region: null })).toBe('Reykjavík, Iceland (2.6 km away)');
    expect(placeText(null)).toBeNull();
    const withPlace = photoFacts({ ...detail, place });
    expect(withPlace.find((fact) => fact.label === 'Place')?.value).toBe('Reykjavík, Capital Region, Iceland (2.6 km away)');
  });

  it('lists the known facts only', () => {
    expect(photoFacts(detail)).toEqual([
      { label: 'File', value: 'harbour.jpg' },
      { label: 'Type', value: 'JPEG' },
      { label: 'Size', value: '5.1 MB' },
      { label: 'Dimensions', value: '6000 × 4000 px' },
      { label: 'Taken', value: '2024-06-01 05:42' },
      { label: 'Camera', value: 'Canon EOS R5' },
      { label: 'Lens', value: 'RF24-70mm F2.8 L IS USM' },
      { label: 'GPS', value: '43.29650° N, 5.36980° W' },
    ]);
    const bare = { ...detail, width: null, height: null, capturedAt: null, cameraMake: null, cameraModel: null, lens: null, gpsLatitude: null, status: 'missing' as const };
    expect(photoFacts(bare).map((fact) => fact.label)).toEqual(['File', 'Type', 'Size', 'Status']);
  });
});
