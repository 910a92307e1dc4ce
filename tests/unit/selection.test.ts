import { describe, expect, it } from 'vitest';
import { maxPhotoIds } from '../../src/shared/limits';
import {
  emptySelection,
  idsBetween,
  withoutIds,
  rangeBounds,
  selectAll,
  selectionText,
  selectOnly,
  selectRange,
  toggle,
  withoutAnchor,
} from '../../src/renderer/src/lib/selection';

// Photo ids are index + 100 here: the search's whole id list, as photos:ids answers it.
const allIds = Array.from({ length: 50 }, (_, index) => index + 100);
const rangeTo = (selection: ReturnType<typeof emptySelection>, index: number, additive = false) => {
  const { first, last } = rangeBounds(selection, index);
  return selectRange(selection, index, idsBetween(allIds, first, last), additive);
};

describe('selection', () => {
  it('selects one photo on a plain click and toggles with Ctrl', () => {
    let selection = selectOnly(3, 103);
    expect([...selection.ids]).toEqual([103]);
    selection = toggle(selection, 5, 105);
    expect([...selection.ids]).toEqual([103, 105]);
    selection = toggle(selection, 3, 103);
    expect([...selection.ids]).toEqual([105]);
    expect(selection.anchor).toBe(3);
  });

  it('selects a range from the anchor either way, replacing or adding to the selection', () => {
    const start = selectOnly(4, 104);
    const forward = rangeTo(start, 7);
    expect([...forward.ids]).toEqual([104, 105, 106, 107]);
    const backward = rangeTo(forward, 2);
    expect([...backward.ids]).toEqual([102, 103, 104]);
    expect(backward.anchor).toBe(4);
    const added = rangeTo(toggle(start, 10, 110), 12, true);
    expect([...added.ids].sort()).toEqual([104, 110, 111, 112]);
  });

  it('starts a range at the clicked photo when there is no anchor', () => {
    expect([...rangeTo(emptySelection(), 6).ids]).toEqual([106]);
  });

  it('takes a range far past the loaded pages from the id list, clipped at its end', () => {
    expect(idsBetween(allIds, 45, 60)).toEqual([145, 146, 147, 148, 149]);
    expect(idsBetween(allIds, -3, 1)).toEqual([100, 101]);
    expect(rangeTo(selectOnly(0, 100), 49).ids.size).toBe(50);
  });

  it('forgets the anchor when the search changes, keeping the photos', () => {
    const selection = selectOnly(4, 104);
    const moved = withoutAnchor(selection);
    expect(moved.anchor).toBeNull();
    expect([...moved.ids]).toEqual([104]);
    expect(withoutAnchor(moved)).toBe(moved);
    // The next Shift-click starts where it is.
    expect([...rangeTo(moved, 9).ids]).toEqual([109]);
  });

  it('selects every match and says how many, and when select-all stopped short', () => {
    const many = Array.from({ length: 10_000 }, (_, index) => index + 1);
    expect(selectionText(selectAll(many))).toBe('10,000 photos selected');
    expect(selectionText(selectAll([7]))).toBe('1 photo selected');
    expect(selectionText(selectAll(many, true))).toBe('10,000 photos selected (the most one selection holds; more photos match)');
    // Toggling one photo keeps the note (more still match); a plain click starts over.
    expect(toggle(selectAll(many, true), 0, 1).truncated).toBe(true);
    expect(selectOnly(0, 1).truncated).toBe(false);
  });

  it('drops photos the library no longer has, and is unchanged when none went', () => {
    const selection = selectAll([1, 2, 3, 4]);
    expect([...withoutIds(selection, [1, 3, 9]).ids]).toEqual([2, 4]);
    expect(withoutIds(selection, [9])).toBe(selection);
  });

  it('never holds more photos than one bulk call takes', () => {
    const full = selectAll(Array.from({ length: maxPhotoIds }, (_, index) => index + 1), true);
    expect(toggle(full, 0, maxPhotoIds + 1).ids.size).toBe(maxPhotoIds);
    expect(toggle(full, 0, 1).ids.size).toBe(maxPhotoIds - 1);
    const ranged = selectRange(full, 5, [maxPhotoIds + 1, maxPhotoIds + 2], true);
    expect(ranged.ids.size).toBe(maxPhotoIds);
    expect(ranged.truncated).toBe(true);
    expect(selectRange(emptySelection(), 2, [1, 2, 3]).truncated).toBe(false);
  });
});
