import type { FieldChange, FieldPolicy, TagValues, TagWrites } from '../../shared/metadata';
import {
  addIimHousekeeping,
  applyPolicy,
  existingValue,
  trimToBytes,
  withoutNulls,
  type PlanInput,
  type TargetKind,
  type TextFieldTags,
  type WritePlan,
} from './field-mapping';

/** A place as the location fields hold it (from the gazetteer, or typed by a person). */
export interface PlaceToWrite {
  city: string;
  state: string | null;
  country: string;
  /** ISO 3166-1 alpha-2. */
  countryCode: string;
}

export type PlaceField = keyof PlaceToWrite;

/** The fields Lightroom reads and shows under Location, XMP first; IIM with its byte limits. */
export const placeFieldTags: Record<PlaceField, TextFieldTags> = {
  city: { xmp: 'XMP-photoshop:City', iim: { tag: 'IPTC:City', maxBytes: 32 } },
  state: { xmp: 'XMP-photoshop:State', iim: { tag: 'IPTC:Province-State', maxBytes: 32 } },
  country: { xmp: 'XMP-photoshop:Country', iim: { tag: 'IPTC:Country-PrimaryLocationName', maxBytes: 64 } },
  countryCode: { xmp: 'XMP-iptcCore:CountryCode', iim: { tag: 'IPTC:Country-PrimaryLocationCode', maxBytes: 3 } },
};

const placeFields = Object.keys(placeFieldTags) as PlaceField[];

/** Tags to read before planning a place write into a target of this kind. */
export function placeTagsToRead(kind: TargetKind): string[] {
  const tags = placeFields.map((field) => placeFieldTags[field].xmp);
  // All of IIM, as for captions: its charset marker covers every IIM value.
  if (kind === 'embedded-iim') tags.push('IPTC:all');
  return tags;
}

export interface PlaceFieldChange {
  field: PlaceField;
  action: FieldChange['action'];
  before: string | null;
  after: string | null;
}

export interface PlacePlanInput {
  place: PlaceToWrite;
  current: TagValues;
  kind: TargetKind;
  /**
   * skip: a location a person entered (any of the fields) is kept whole, nothing added to it;
   * append: the person's fields are kept and the empty ones filled; replace: the place is written.
   */
  policy: FieldPolicy;
  fileName: string;
  /** Captionist's last write into this target: a location of ours is not a person's. */
  ours?: PlanInput['ours'];
}

/**
 * Decides what one write puts into the location fields, with the IIM housekeeping a standalone
 * write needs. To write it with a caption in one go, apply the caption's plan first, then these
 * tags (they win over IIM values the caption's plan carried over).
 */
export function planPlaceWrite(input: PlacePlanInput): { tags: TagWrites; changes: PlaceFieldChange[] } {
  const { place, current, kind, policy, ours, fileName } = input;
  const before = Object.fromEntries(placeFields.map((field) => [field, personValue(field, current, kind, fileName, ours)])) as Record<
    PlaceField,
    string | null
  >;
  const personEnteredPlace = placeFields.some((field) => before[field] !== null);
  // Under append a location is not a text to extend: the person's fields stay, the empty ones are filled.
  const fieldPolicy: FieldPolicy = policy === 'append' ? 'skip' : policy;
  const tags: TagWrites = {};
  const changes: PlaceFieldChange[] = [];
  for (const field of placeFields) {
    const wanted = place[field]?.trim() || null;
    const onFile = existingValue(placeFieldTags[field], current, kind, fileName);
    if (wanted === null || (policy === 'skip' && personEnteredPlace)) {
      changes.push({ field, action: onFile === null ? 'unchanged' : 'kept', before: onFile, after: onFile });
      continue;
    }
    const [after, decided] = applyPolicy(before[field], wanted, fieldPolicy, '');
    const action = after === onFile ? 'unchanged' : decided === 'set' && onFile !== null ? 'replace' : decided;
    changes.push({ field, action, before: onFile, after });
    if (action === 'unchanged' || action === 'kept') continue;
    const mapping = placeFieldTags[field];
    tags[mapping.xmp] = after;
    if (mapping.iim && kind === 'embedded-iim') tags[mapping.iim.tag] = trimToBytes(after, mapping.iim.maxBytes);
  }
  addIimHousekeeping(tags, current, kind);
  return { tags, changes };
}

/** A field's value as a person left it: what Captionist wrote there last counts as what was before it. */
function personValue(field: PlaceField, current: TagValues, kind: TargetKind, fileName: string, ours: PlanInput['ours']): string | null {
  const mapping = placeFieldTags[field];
  const onFile = existingValue(mapping, current, kind, fileName);
  if (onFile === null || !ours || ours.written[mapping.xmp] !== onFile) return onFile;
  return existingValue(mapping, withoutNulls(ours.previous), kind, fileName);
}

/**
 * One write of a caption and a place: the caption's tags, then the place's (which win over IIM
 * values the caption's plan carried over), and the changes of both.
 */
export function withPlace(plan: WritePlan, place: { tags: TagWrites; changes: PlaceFieldChange[] }): WritePlan {
  return { tags: { ...plan.tags, ...place.tags }, changes: [...plan.changes, ...place.changes] };
}
