import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '../../src/main/metadata/export';
import { cleanText, exifDate, planWrite, readBackMismatches, splitKeywords, tag, trimToBytes } from '../../src/main/metadata/field-mapping';
import type { CaptionToWrite } from '../../src/main/metadata/field-mapping';

const caption: CaptionToWrite = {
  title: 'Harbour',
  caption: 'Boats at dusk',
  altText: 'Boats in a harbour at dusk',
  longDescription: null,
  keywords: ['boat', 'Harbour'],
  provider: 'local',
  model: 'llava',
  createdAt: '2026-11-21T09:30:00.123Z',
  reviewed: false,
};
const skipAll = { caption: 'skip', title: 'skip', altText: 'skip', longDescription: 'skip' } as const;
const fileName = 'DSC_0001.JPG';

describe('the field mapping', () => {
  it('trims IIM copies at character boundaries, never inside an emoji sequence', () => {
    expect(trimToBytes('abc', 3)).toBe('abc');
    expect(trimToBytes('日本語', 7)).toBe('日本');
    const family = '👨‍👩‍👧';
    expect(trimToBytes(`ab${family}`, 10)).toBe('ab');
    expect(trimToBytes(`ab${family}c`, 2 + Buffer.byteLength(family))).toBe(`ab${family}`);
    expect(trimToBytes('word    next', 6)).toBe('word');
  });

  it('cleans text of control characters and broken surrogates, keeping line breaks', () => {
    expect(cleanText('  a\u0000b\u0007\r\nc\td\u009f\ud800e  ')).toBe('ab\nc d\ufffde');
    expect(cleanText(' \u0001 ')).toBeNull();
    expect(cleanText(null)).toBeNull();
  });

  it('reads "|" as a keyword hierarchy and keeps commas inside keywords', () => {
    expect(splitKeywords(['Animals|Mammals|Fox', 'fox', 'Smith, John', ' | |', 'a\nb'])).toEqual({
      flat: ['Fox', 'Smith, John', 'a b'],
      paths: ['Animals|Mammals|Fox'],
    });
  });

  it('writes every copy into an empty JPEG, with the IIM charset and digest', () => {
    const plan = planWrite({ caption, current: {}, kind: 'embedded-iim', policies: skipAll, fileName });
    expect(plan.tags).toMatchObject({
      [tag.description]: 'Boats at dusk',
      [tag.imageDescription]: 'Boats at dusk',
      [tag.captionAbstract]: 'Boats at dusk',
      [tag.title]: 'Harbour',
      [tag.objectName]: 'Harbour',
      [tag.subject]: ['boat', 'Harbour'],
      [tag.keywords]: ['boat', 'Harbour'],
      [tag.captionWriter]: 'Captionist (local / llava)',
      [tag.writerEditor]: 'Captionist (local / llava)',
      [tag.date]: '2026:11:21 09:30:00Z',
      [tag.reviewed]: 'False',
      [tag.codedCharacterSet]: 'UTF8',
      [tag.iptcDigest]: 'new',
    });
    expect(plan.tags[tag.hierarchicalSubject]).toBeUndefined();
    expect(exifDate('not a date')).toBe('1970:01:01 00:00:00Z');
  });

  it('writes only XMP into a sidecar and claims a new one for its photo', () => {
    const plan = planWrite({ caption, current: {}, kind: 'sidecar', policies: skipAll, fileName, sidecarFor: 'NEF' });
    expect(Object.keys(plan.tags).every((name) => name.startsWith('XMP-'))).toBe(true);
    expect(plan.tags[tag.sidecarForExtension]).toBe('NEF');
    const existing = planWrite({ caption, current: { [tag.sidecarForExtension]: 'NEF' }, kind: 'sidecar', policies: skipAll, fileName, sidecarFor: 'NEF' });
    expect(existing.tags[tag.sidecarForExtension]).toBeUndefined();
  });

  it('keeps, appends or replaces the file\'s own text, and replaces its own earlier text', () => {
    const current = { [tag.description]: 'My caption', [tag.subject]: ['BOAT', 'sea'] };
    const kept = planWrite({ caption, current, kind: 'embedded', policies: skipAll, fileName });
    expect(kept.changes[0]).toEqual({ field: 'caption', action: 'kept', before: 'My caption', after: 'My caption' });
    expect(kept.tags[tag.description]).toBeUndefined();
    expect(kept.tags[tag.subject]).toEqual(['BOAT', 'sea', 'Harbour']);
    // Provenance goes with content changes, but CaptionWriter only with a caption of ours.
    expect(kept.tags[tag.captionWriter]).toBeUndefined();

    const appended = planWrite({ caption, current, kind: 'embedded', policies: { ...skipAll, caption: 'append' }, fileName });
    expect(appended.tags[tag.description]).toBe('My caption\n\nBoats at dusk');
    const again = planWrite({ caption, current: { [tag.description]: 'My caption\n\nBoats at dusk' }, kind: 'embedded', policies: { ...skipAll, caption: 'append' }, fileName });
    expect(again.changes[0]!.action).toBe('unchanged');

    const ours = { written: { [tag.description]: 'Old caption of ours' }, previous: { [tag.description]: null } };
    const replaced = planWrite({ caption, current: { [tag.description]: 'Old caption of ours' }, kind: 'embedded', policies: skipAll, fileName, ours });
    expect(replaced.changes[0]).toMatchObject({ action: 'replace', after: 'Boats at dusk' });

    const camera = planWrite({ caption, current: { [tag.imageDescription]: 'OLYMPUS DIGITAL CAMERA' }, kind: 'embedded', policies: skipAll, fileName });
    expect(camera.changes[0]).toMatchObject({ action: 'set', before: null });

    const nothing = planWrite({ caption: { ...caption, keywords: ['boat'] }, current: { [tag.description]: 'Boats at dusk', [tag.title]: 'Harbour', [tag.altText]: 'Boats in a harbour at dusk', [tag.subject]: 'Boat' }, kind: 'embedded', policies: skipAll, fileName });
    expect(nothing.tags).toEqual({});
  });

  it.each(['skip', 'append', 'replace'] as const)('sets every field over placeholders under %s, and nothing is appended to them', (policy) => {
    const junk = {
      [tag.description]: 'x-default',
      [tag.imageDescription]: 'OLYMPUS DIGITAL CAMERA',
      [tag.captionAbstract]: 'SONY DSC',
      [tag.title]: 'DSC_0001',
      [tag.objectName]: 'DSC_0001.JPG',
      [tag.altText]: 'DSC_0001',
    };
    const policies = { caption: policy, title: policy, altText: policy, longDescription: policy };
    const plan = planWrite({ caption, current: junk, kind: 'embedded-iim', policies, fileName });
    for (const field of ['caption', 'title', 'altText'] as const) {
      expect(plan.changes.find((change) => change.field === field), field).toMatchObject({ action: 'set', before: null });
    }
    expect(plan.tags).toMatchObject({
      [tag.description]: 'Boats at dusk',
      [tag.imageDescription]: 'Boats at dusk',
      [tag.captionAbstract]: 'Boats at dusk',
      [tag.title]: 'Harbour',
      [tag.objectName]: 'Harbour',
      [tag.altText]: 'Boats in a harbour at dusk',
    });
  });

  it('compares read-back values as ExifTool returns them', () => {
    expect(readBackMismatches({ [tag.subject]: ['a'], [tag.title]: 'T', [tag.reviewed]: 'True', [tag.iptcDigest]: 'new', [tag.altText]: null }, {
      [tag.subject]: 'a',
      [tag.title]: 'T',
      [tag.reviewed]: 'true',
      [tag.iptcDigest]: '0123',
    })).toEqual([]);
    expect(readBackMismatches({ [tag.title]: 'Kyōto', [tag.iptcDigest]: 'new' }, { [tag.title]: 'Ky?to' })).toEqual([tag.title, tag.iptcDigest]);
  });

  it('quotes CSV for spreadsheets, defusing formulas', () => {
    expect(csvCell('plain')).toBe('"plain"');
    expect(csvCell('=1+1')).toBe(`"'=1+1"`);
    expect(csvCell('-2')).toBe(`"'-2"`);
    expect(csvCell('say "hi"\nbye')).toBe('"say ""hi""\nbye"');
    expect(toCsv([])).toBe('\ufeff"path","title","caption","alt_text","keywords","hierarchical_keywords"\r\n');
  });
});
