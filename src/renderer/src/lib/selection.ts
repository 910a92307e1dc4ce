import { maxPhotoIds } from '../../../shared/limits';

/**
 * The grid's selection: the chosen photos by id, and the anchor a Shift-click extends from. Ids
 * only, so it can hold every photo a search matches (up to the 100,000 a bulk call takes), loaded
 * or not. Pure functions, so the rules are tested without a browser.
 */
export interface Selection {
  readonly ids: ReadonlySet<number>;
  /** Index of the last plain or toggling click; Shift ranges start here. */
  readonly anchor: number | null;
  /** Select-all stopped at the most a selection holds while more photos matched. */
  readonly truncated: boolean;
}

export function emptySelection(): Selection {
  return { ids: new Set(), anchor: null, truncated: false };
}

/** A plain click: only this photo. */
export function selectOnly(index: number, id: number): Selection {
  return { ids: new Set([id]), anchor: index, truncated: false };
}

/** Ctrl/Cmd-click or Space: this photo in or out, the rest unchanged. */
export function toggle(selection: Selection, index: number, id: number): Selection {
  const ids = new Set(selection.ids);
  if (ids.has(id)) ids.delete(id);
  else if (ids.size < maxPhotoIds) ids.add(id);
  else return { ...selection, truncated: true };
  return { ids, anchor: index, truncated: selection.truncated };
}

/** The indexes a Shift-click or Shift+Arrow at `index` covers: from the anchor (or `index` itself). */
export function rangeBounds(selection: Selection, index: number): { first: number; last: number } {
  const anchor = selection.anchor ?? index;
  return { first: Math.min(anchor, index), last: Math.max(anchor, index) };
}

/**
 * Shift-click: the photos between the anchor and this index (`idsInRange`, see rangeBounds). With
 * `additive` (Ctrl/Cmd held too) the range is added to the selection; otherwise it replaces it. The
 * anchor stays put so the range can be adjusted by another Shift-click.
 */
export function selectRange(selection: Selection, index: number, idsInRange: Iterable<number>, additive = false): Selection {
  const ids = additive ? new Set(selection.ids) : new Set<number>();
  let truncated = additive && selection.truncated;
  for (const id of idsInRange) {
    if (ids.size >= maxPhotoIds && !ids.has(id)) {
      truncated = true;
      break;
    }
    ids.add(id);
  }
  return { ids, anchor: selection.anchor ?? index, truncated };
}

/** The ids of the items from `first` to `last` (inclusive) of a search's id list, in order. */
export function idsBetween(allIds: readonly number[], first: number, last: number): number[] {
  return allIds.slice(Math.max(0, first), Math.max(0, last + 1));
}

export function selectAll(ids: Iterable<number>, truncated = false): Selection {
  return { ids: new Set(ids), anchor: null, truncated };
}

/** A new search: the selection stays, but a Shift range no longer starts in the old results. */
export function withoutAnchor(selection: Selection): Selection {
  return selection.anchor === null ? selection : { ...selection, anchor: null };
}

/** Drops photos the library no longer has (a folder was removed); the same object when none went. */
export function withoutIds(selection: Selection, gone: readonly number[]): Selection {
  const ids = new Set(selection.ids);
  for (const id of gone) ids.delete(id);
  return ids.size === selection.ids.size ? selection : { ...selection, ids };
}

/** What the selection bar says: the true count, and that select-all stopped short when it did. */
export function selectionText(selection: Selection): string {
  const count = selection.ids.size;
  const photos = `${count.toLocaleString('en-US')} ${count === 1 ? 'photo' : 'photos'} selected`;
  return selection.truncated ? `${photos} (the most one selection holds; more photos match)` : photos;
}
