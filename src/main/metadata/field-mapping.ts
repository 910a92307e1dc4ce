import type { FieldChange, FieldPolicies, FieldPolicy, TagValue, TagValues, TagWrites, TextField } from '../../shared/metadata';
import { meaningfulText } from '../../shared/placeholders';
import type { TextOrigin } from '../../shared/placeholders';


/**
 * embedded-iim: XMP, EXIF and IPTC IIM inside the file (JPEG, TIFF, DNG); embedded: XMP and EXIF
 * (PNG, WebP, HEIC, which have no IIM block readers look at); sidecar: XMP only.
 */
export type TargetKind = 'embedded-iim' | 'embedded' | 'sidecar';

export const tag = {
  description: 'XMP-dc:Description',
  imageDescription: 'IFD0:ImageDescription',
  captionAbstract: 'IPTC:Caption-Abstract',
  title: 'XMP-dc:Title',
  objectName: 'IPTC:ObjectName',
  subject: 'XMP-dc:Subject',
  keywords: 'IPTC:Keywords',
  hierarchicalSubject: 'XMP-lr:HierarchicalSubject',
  altText: 'XMP-iptcCore:AltTextAccessibility',
  extendedDescription: 'XMP-iptcCore:ExtDescrAccessibility',
  captionWriter: 'XMP-photoshop:CaptionWriter',
  writerEditor: 'IPTC:Writer-Editor',
  provider: 'XMP-captionist:CaptionistProvider',
  model: 'XMP-captionist:CaptionistModel',
  date: 'XMP-captionist:CaptionistDate',
  reviewed: 'XMP-captionist:CaptionistReviewed',
  codedCharacterSet: 'IPTC:CodedCharacterSet',
  applicationRecordVersion: 'IPTC:ApplicationRecordVersion',
  iptcDigest: 'Photoshop:IPTCDigest',
  sidecarForExtension: 'XMP-photoshop:SidecarForExtension',
} as const;

/** IIM byte limits from the IPTC standard; ExifTool stores longer values unchecked, readers cut them. */
export const iimLimits = { caption: 2000, keyword: 64, objectName: 64, writerEditor: 32 } as const;

export interface TextFieldTags {
  /** The main copy, which always holds the full text. */
  xmp: string;
  exif?: string;
  iim?: { tag: string; maxBytes: number };
}

/** The Metadata Working Group's mapping: XMP is the main copy, EXIF and IIM carry the same text. */
export const textFieldTags: Record<TextField, TextFieldTags> = {
  caption: { xmp: tag.description, exif: tag.imageDescription, iim: { tag: tag.captionAbstract, maxBytes: iimLimits.caption } },
  title: { xmp: tag.title, iim: { tag: tag.objectName, maxBytes: iimLimits.objectName } },
  altText: { xmp: tag.altText },
  longDescription: { xmp: tag.extendedDescription },
};

const textFields = Object.keys(textFieldTags) as TextField[];

/** Tags Captionist reads before writing a target of this kind (policies, revert, charset). */
export function tagsToRead(kind: TargetKind): string[] {
  const tags: string[] = [
    ...textFields.map((field) => textFieldTags[field].xmp),
    tag.subject,
    tag.hierarchicalSubject,
    tag.captionWriter,
    tag.provider,
    tag.model,
    tag.date,
    tag.reviewed,
  ];
  if (kind !== 'sidecar') tags.push(tag.imageDescription);
  // All of IIM: its charset marker covers every IIM value, so Latin-1 values must be carried over.
  if (kind === 'embedded-iim') tags.push('IPTC:all', tag.iptcDigest);
  if (kind === 'sidecar') tags.push(tag.sidecarForExtension);
  return tags;
}

/** What Captionist knows about the caption it writes. */
export interface CaptionToWrite {
  title: string | null;
  caption: string | null;
  altText: string | null;
  longDescription: string | null;
  /** Flat keywords; one containing `|` is a hierarchy path ("Animals|Mammals|Fox"). */
  keywords: string[];
  provider: string | null;
  model: string | null;
  /** When the caption was made (ISO 8601). */
  createdAt: string;
  /** A person approved or edited it. */
  reviewed: boolean;
}

export interface PlanInput {
  caption: CaptionToWrite;
  /** What the target holds now (empty for a sidecar that does not exist yet). */
  current: TagValues;
  kind: TargetKind;
  policies: FieldPolicies;
  /** The photo's file name: a field holding just that is a placeholder, not the photographer's text. */
  fileName: string;
  /**
   * Captionist's last write into this target: what it wrote and what was there before. Text of
   * ours is not protected by the skip policy, and append starts again from the text before it.
   */
  ours?: { written: TagWrites; previous: TagWrites };
  /** The photo's extension, recorded in a sidecar Captionist creates (Lightroom's convention). */
  sidecarFor?: string;
}

export interface WritePlan {
  /** Every tag of the one write; empty when nothing would change. */
  tags: TagWrites;
  changes: FieldChange[];
}

/**
 * Decides, field by field, what one write puts into a target: the policies for text the file
 * already holds, keyword merging, the IIM copies trimmed to their limits, provenance, and the IIM
 * charset and digest housekeeping.
 */
export function planWrite(input: PlanInput): WritePlan {
  const { caption, current, kind, policies, ours, fileName } = input;
  const tags: TagWrites = {};
  const changes: FieldChange[] = [];

  for (const field of textFields) {
    const wanted = cleanText(caption[field]);
    if (!wanted) continue;
    const mapping = textFieldTags[field];
    const before = existingText(field, current, kind, fileName);
    let [after, action] = applyPolicy(before, wanted, policies[field], appendSeparator[field]);
    if (before !== null && ours?.written[mapping.xmp] === before) {
      // The file shows what Captionist wrote last time: decide again from what was there before it.
      const base = existingText(field, withoutNulls(ours.previous), kind, fileName);
      [after, action] = applyPolicy(base, wanted, policies[field] === 'skip' ? 'replace' : policies[field], appendSeparator[field]);
      if (after === before) action = 'unchanged';
      else if (action !== 'append') action = 'replace';
    }
    changes.push({ field, action, before, after });
    if (action === 'unchanged' || action === 'kept') continue;
    tags[mapping.xmp] = after;
    if (mapping.exif && kind !== 'sidecar') tags[mapping.exif] = after;
    if (mapping.iim && kind === 'embedded-iim') tags[mapping.iim.tag] = trimToBytes(after, mapping.iim.maxBytes);
  }

  const { flat, paths } = splitKeywords(caption.keywords);
  const keywordsBefore = dedupe([...list(current[tag.subject]), ...(kind === 'embedded-iim' ? list(current[tag.keywords]) : [])]);
  const keywordsAfter = dedupe([...keywordsBefore, ...flat]);
  if (flat.length) {
    const added = keywordsAfter.length > keywordsBefore.length;
    changes.push({
      field: 'keywords',
      action: added ? (keywordsBefore.length ? 'merge' : 'set') : 'unchanged',
      before: keywordsBefore,
      after: keywordsAfter,
    });
    if (added) {
      // Both copies get the union, so keywords that lived only in IIM reach XMP too.
      tags[tag.subject] = keywordsAfter;
      if (kind === 'embedded-iim') tags[tag.keywords] = iimKeywords(keywordsAfter);
    }
  }
  if (paths.length) {
    const before = dedupe(list(current[tag.hierarchicalSubject]));
    const after = dedupe([...before, ...paths]);
    const added = after.length > before.length;
    changes.push({ field: 'hierarchicalKeywords', action: added ? (before.length ? 'merge' : 'set') : 'unchanged', before, after });
    if (added) tags[tag.hierarchicalSubject] = after;
  }

  if (!Object.keys(tags).length) return { tags, changes };

  const captionChange = changes.find((change) => change.field === 'caption');
  if (captionChange && ['set', 'replace', 'append'].includes(captionChange.action)) {
    const writer = captionWriter(caption);
    tags[tag.captionWriter] = writer;
    // IIM allows 32 bytes: a cut-off model name helps nobody, so then just the program's name.
    if (kind === 'embedded-iim') tags[tag.writerEditor] = Buffer.byteLength(writer) <= iimLimits.writerEditor ? writer : 'Captionist';
  }
  if (caption.provider) tags[tag.provider] = caption.provider;
  if (caption.model) tags[tag.model] = caption.model;
  tags[tag.date] = exifDate(caption.createdAt);
  tags[tag.reviewed] = caption.reviewed ? 'True' : 'False';
  addIimHousekeeping(tags, current, kind);
  if (kind === 'sidecar' && input.sidecarFor && !current[tag.sidecarForExtension]) {
    tags[tag.sidecarForExtension] = input.sidecarFor;
  }
  return { tags, changes };
}

/** What a field holds after a write under `policy` (append joins with `separator`), and what happened to it. */
export function applyPolicy(before: string | null, wanted: string, policy: FieldPolicy, separator: string): [string, FieldChange['action']] {
  if (before === null) return [wanted, 'set'];
  if (before === wanted) return [before, 'unchanged'];
  if (policy === 'replace') return [wanted, 'replace'];
  if (policy === 'skip') return [before, 'kept'];
  if (before.includes(wanted)) return [before, 'unchanged'];
  return [`${before}${separator}${wanted}`, 'append'];
}

/**
 * When a write puts anything into IIM: the file's other non-ASCII IIM values carried over, the
 * UTF-8 charset marker, and a digest for ExifTool to compute.
 */
export function addIimHousekeeping(tags: TagWrites, current: TagValues, kind: TargetKind): void {
  if (kind !== 'embedded-iim' || !Object.keys(tags).some((name) => name.startsWith('IPTC:'))) return;
  Object.assign(tags, carriedOverIim(current, tags));
  tags[tag.codedCharacterSet] = 'UTF8';
  // A stale digest makes MWG readers trust IIM over XMP; "new" has ExifTool compute it.
  tags[tag.iptcDigest] = 'new';
}

export function withoutNulls(tags: TagWrites): TagValues {
  return Object.fromEntries(Object.entries(tags).filter((entry): entry is [string, TagValue] => entry[1] !== null));
}

const appendSeparator: Record<TextField, string> = {
  caption: '\n\n',
  title: ' – ',
  altText: ' ',
  longDescription: '\n\n',
};

/**
 * IIM without a UTF-8 marker is Latin-1, and the marker covers every IIM value: when Captionist
 * adds it, the file's other non-ASCII IIM values (a city, a byline) are rewritten as the same text
 * so they do not turn into mojibake.
 */
function carriedOverIim(current: TagValues, tags: TagWrites): TagWrites {
  if (String(current[tag.codedCharacterSet] ?? '').toUpperCase() === 'UTF8') return {};
  const carried: TagWrites = {};
  for (const [name, value] of Object.entries(current)) {
    if (!name.startsWith('IPTC:') || name in tags) continue;
    if (list(value).some((text) => /[^\x20-\x7e]/.test(text))) carried[name] = value;
  }
  return carried;
}

/**
 * The file's own text for a field, reconciled as MWG readers do: XMP, then IIM, then EXIF. A copy
 * holding a placeholder (a camera's stamp, a broken writer's "x-default") counts as empty.
 */
export function existingText(field: TextField, current: TagValues, kind: TargetKind, fileName: string): string | null {
  return existingValue(textFieldTags[field], current, kind, fileName);
}

/** The file's own text in one field's copies, XMP first (see `existingText`). */
export function existingValue(mapping: TextFieldTags, current: TagValues, kind: TargetKind, fileName: string): string | null {
  const candidates: [TagValues[string] | undefined, TextOrigin][] = [
    [current[mapping.xmp], 'xmp'],
    [kind === 'embedded-iim' && mapping.iim ? current[mapping.iim.tag] : undefined, 'camera'],
    [kind !== 'sidecar' && mapping.exif ? current[mapping.exif] : undefined, 'camera'],
  ];
  for (const [candidate, origin] of candidates) {
    const text = meaningfulText(typeof candidate === 'string' ? candidate : Array.isArray(candidate) ? candidate.join(' ') : null, fileName, origin);
    if (text) return text;
  }
  return null;
}

function captionWriter(caption: CaptionToWrite): string {
  const source = [caption.provider, caption.model].filter(Boolean).join(' / ');
  return source ? `Captionist (${source})` : 'Captionist';
}

/** ExifTool's date form, to the second in UTC, so the read-back compares as text. */
export function exifDate(iso: string): string {
  const date = new Date(iso);
  const valid = Number.isNaN(date.getTime()) ? new Date(0) : date;
  return valid.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/^(\d{4})-(\d{2})-(\d{2})T/, '$1:$2:$3 ');
}

/**
 * Text safe for XMP (XML 1.0) and IIM: NFC, newlines as \n, no control characters or unpaired
 * surrogates, trimmed; null when nothing is left.
 */
export function cleanText(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const cleaned = value
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/\t/g, ' ')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufffe\uffff]/g, '')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .trim();
  return cleaned === '' ? null : cleaned;
}

/** Keywords on one line: whitespace and line breaks become single spaces. */
function cleanKeyword(value: string): string | null {
  const text = cleanText(value);
  return text && text.replace(/\s+/g, ' ');
}

/**
 * Flat keywords for dc:subject and hierarchy paths for lr:hierarchicalSubject: "Animals|Mammals|Fox"
 * is the path and "Fox" its flat keyword, as Lightroom writes them. Commas stay inside a keyword.
 */
export function splitKeywords(keywords: readonly string[]): { flat: string[]; paths: string[] } {
  const flat: string[] = [];
  const paths: string[] = [];
  for (const keyword of keywords) {
    const levels = keyword
      .split('|')
      .map(cleanKeyword)
      .filter((level): level is string => level !== null);
    if (!levels.length) continue;
    if (levels.length > 1) paths.push(levels.join('|'));
    flat.push(levels.at(-1)!);
  }
  return { flat: dedupe(flat), paths: dedupe(paths) };
}

/** IIM keywords are 64 bytes at most; trimming can make two equal, so deduplicate again. */
function iimKeywords(keywords: readonly string[]): string[] {
  return dedupe(keywords.map((keyword) => trimToBytes(keyword, iimLimits.keyword)));
}

/** Case-insensitive deduplication that keeps the first spelling (the file's own, when it has one). */
export function dedupe(values: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const value of values) {
    const key = value.toLocaleLowerCase();
    if (value && !seen.has(key)) seen.set(key, value);
  }
  return [...seen.values()];
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The longest start of `text` within `maxBytes` of UTF-8 that never splits a character or an emoji sequence. */
export function trimToBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  let bytes = 0;
  let end = 0;
  for (const { segment, index } of graphemes.segment(text)) {
    const size = Buffer.byteLength(segment, 'utf8');
    if (bytes + size > maxBytes) break;
    bytes += size;
    end = index + segment.length;
  }
  return text.slice(0, end).trimEnd();
}

export function list(value: TagValue | null | undefined): string[] {
  if (value === undefined || value === null || value === '') return [];
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

/** List-valued tags: ExifTool returns one item as a plain string. */
const listTags = new Set<string>([tag.subject, tag.keywords, tag.hierarchicalSubject, 'IPTC:SupplementalCategories']);

/** Whether a tag read back holds what was written (null: the tag is gone). */
export function sameValue(name: string, written: TagValue | null, read: TagValue | undefined): boolean {
  if (written === null) return read === undefined || read === '' || (Array.isArray(read) && !read.length);
  if (Array.isArray(written) || listTags.has(name)) return sameList(list(written), list(read));
  if (read === undefined || Array.isArray(read)) return false;
  if (name === tag.reviewed) return written.toLowerCase() === read.toLowerCase();
  return written === read;
}

/** Tags whose read-back differs from what was written; ExifTool computes the digest, so it is only checked to exist. */
export function readBackMismatches(written: TagWrites, read: TagValues): string[] {
  return Object.entries(written)
    .filter(([name, value]) => (name === tag.iptcDigest && value === 'new' ? !read[name] : !sameValue(name, value, read[name])))
    .map(([name]) => name);
}
