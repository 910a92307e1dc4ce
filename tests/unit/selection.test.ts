import { describe, expect, it } from 'vitest';
import { emptySelection, refreshItems, selectAll, selectOnly, selectRange, toggle } from '../../src/renderer/src/lib/selection';

// Photo ids are index + 100 here, and the item is the photo's path.
const between = (first: number, last: number) =>
  Array.from({ length: last - first + 1 }, (_, i) => [first + i + 100, `p${first + i}`] as const);

describe('selection', () => {
  it('selects one photo on a plain click and toggles with Ctrl', () => {
    let selection = selectOnly(3, 103, 'p3');
    expect([...selection.items.keys()]).toEqual([103]);
    selection = toggle(selection, 5, 105, 'p5');
    expect([...selection.items.keys()]).toEqual([103, 105]);
    selection = toggle(selection, 3, 103, 'p3');
    expect([...selection.items.keys()]).toEqual([105]);
    expect(selection.anchor).toBe(3);
  });

  it('selects a range from the anchor either way, replacing or adding to the selection', () => {
    const start = selectOnly(4, 104, 'p4');
    const forward = selectRange(start, 7, between);
    expect([...forward.items.keys()]).toEqual([104, 105, 106, 107]);
    const backward = selectRange(forward, 2, between);
    expect([...backward.items.keys()]).toEqual([102, 103, 104]);
    expect(backward.anchor).toBe(4);
    const added = selectRange(toggle(start, 10, 110, 'p10'), 12, between, true);
    expect([...added.items.keys()].sort()).toEqual([104, 110, 111, 112]);
  });

  it('starts a range at the clicked photo when there is no anchor', () => {
    expect([...selectRange(emptySelection<string>(), 6, between).items.keys()]).toEqual([106]);
  });

  it('selects everything given and refreshes held items without changing membership', () => {
    const all = selectAll(between(0, 2));
    expect(all.items.size).toBe(3);
    const refreshed = refreshItems(all, [
      [101, 'p1 renamed'],
      [900, 'not selected'],
    ]);
    expect(refreshed.items.get(101)).toBe('p1 renamed');
    expect(refreshed.items.has(900)).toBe(false);
    expect(refreshItems(all, [[101, 'p1']])).toBe(all);
  });
});
