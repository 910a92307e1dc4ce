/**
 * The grid's selection: the chosen photos by id (with what bulk actions need of them), and the
 * anchor a Shift-click extends from. Pure functions, so the rules are tested without a browser.
 */
export interface Selection<T> {
  readonly items: ReadonlyMap<number, T>;
  /** Index of the last plain or toggling click; Shift ranges start here. */
  readonly anchor: number | null;
}

export function emptySelection<T>(): Selection<T> {
  return { items: new Map(), anchor: null };
}

/** A plain click: only this photo. */
export function selectOnly<T>(index: number, id: number, item: T): Selection<T> {
  return { items: new Map([[id, item]]), anchor: index };
}

/** Ctrl/Cmd-click or Space: this photo in or out, the rest unchanged. */
export function toggle<T>(selection: Selection<T>, index: number, id: number, item: T): Selection<T> {
  const items = new Map(selection.items);
  if (items.has(id)) items.delete(id);
  else items.set(id, item);
  return { items, anchor: index };
}

/**
 * Shift-click: everything between the anchor and this index. With `additive` (Ctrl/Cmd held too)
 * the range is added to the selection; otherwise it replaces it. The anchor stays put so the
 * range can be adjusted by another Shift-click.
 */
export function selectRange<T>(
  selection: Selection<T>,
  index: number,
  itemsBetween: (first: number, last: number) => Iterable<readonly [number, T]>,
  additive = false,
): Selection<T> {
  const anchor = selection.anchor ?? index;
  const items = additive ? new Map(selection.items) : new Map<number, T>();
  for (const [id, item] of itemsBetween(Math.min(anchor, index), Math.max(anchor, index))) items.set(id, item);
  return { items, anchor };
}

export function selectAll<T>(entries: Iterable<readonly [number, T]>): Selection<T> {
  return { items: new Map(entries), anchor: null };
}

/** Keeps the selection but refreshes what it holds of each photo (after a live reload). */
export function refreshItems<T>(selection: Selection<T>, fresh: Iterable<readonly [number, T]>): Selection<T> {
  let items: Map<number, T> | null = null;
  for (const [id, item] of fresh) {
    if (!selection.items.has(id) || selection.items.get(id) === item) continue;
    items ??= new Map(selection.items);
    items.set(id, item);
  }
  return items ? { items, anchor: selection.anchor } : selection;
}
