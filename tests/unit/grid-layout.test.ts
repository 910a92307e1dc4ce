import { describe, expect, it } from 'vitest';
import {
  gridLayout,
  itemsInRows,
  moveFocus,
  pagesCovering,
  rowCount,
  rowsPerPage,
  scrollTopToReveal,
  visibleRows,
} from '../../src/renderer/src/lib/grid-layout';

describe('grid layout', () => {
  it('fits as many tiles of the minimum size as the width allows and shares out the rest', () => {
    const layout = gridLayout({ width: 990, minTileSize: 160, gap: 8, labelHeight: 0 });
    expect(layout.columns).toBe(5);
    expect(layout.tileSize).toBe(191);
    expect(layout.rowHeight).toBe(199);
    expect(gridLayout({ width: 1000, minTileSize: 160, gap: 8, labelHeight: 0 }).columns).toBe(6);
  });

  it('keeps one column when the width is smaller than a tile', () => {
    expect(gridLayout({ width: 90, minTileSize: 160, gap: 8, labelHeight: 20 })).toEqual({
      columns: 1,
      tileSize: 160,
      rowHeight: 188,
      gap: 8,
    });
  });

  it('counts rows including a partly filled last one', () => {
    expect(rowCount(100_000, 7)).toBe(14_286);
    expect(rowCount(0, 7)).toBe(0);
  });

  it('renders only the rows in view plus the overscan, clamped to the grid', () => {
    expect(visibleRows(0, 600, 200, 500, 2)).toEqual({ first: 0, last: 4 });
    expect(visibleRows(10_000, 600, 200, 500, 2)).toEqual({ first: 48, last: 54 });
    expect(visibleRows(99_900, 600, 200, 500, 2)).toEqual({ first: 497, last: 499 });
    expect(visibleRows(0, 600, 200, 0, 2)).toEqual({ first: 0, last: -1 });
  });

  it('maps rows to the items and pages they hold', () => {
    expect(itemsInRows(2, 4, 5, 100)).toEqual({ first: 10, last: 24 });
    expect(itemsInRows(18, 19, 5, 97)).toEqual({ first: 90, last: 96 });
    expect(pagesCovering(150, 450, 200)).toEqual([0, 1, 2]);
    expect(pagesCovering(5, 4, 200)).toEqual([]);
  });

  it('scrolls only as far as needed to reveal a row', () => {
    expect(scrollTopToReveal(10, 100, 0, 500)).toBe(600);
    expect(scrollTopToReveal(2, 100, 500, 500)).toBe(200);
    expect(scrollTopToReveal(6, 100, 500, 500)).toBe(500);
    expect(rowsPerPage(550, 100)).toBe(5);
  });
});

describe('keyboard movement in the grid', () => {
  const grid = { columns: 4, itemCount: 10, pageRows: 2 };

  it('moves by cells and rows and stays inside the grid', () => {
    expect(moveFocus(0, 'ArrowLeft', grid)).toBe(0);
    expect(moveFocus(3, 'ArrowRight', grid)).toBe(4);
    expect(moveFocus(9, 'ArrowRight', grid)).toBe(9);
    expect(moveFocus(5, 'ArrowUp', grid)).toBe(1);
    expect(moveFocus(1, 'ArrowUp', grid)).toBe(1);
    expect(moveFocus(1, 'ArrowDown', grid)).toBe(5);
  });

  it('goes down into a short last row at the last item, and not past it', () => {
    expect(moveFocus(7, 'ArrowDown', grid)).toBe(9);
    expect(moveFocus(6, 'ArrowDown', grid)).toBe(9);
    expect(moveFocus(4, 'ArrowDown', grid)).toBe(8);
    expect(moveFocus(9, 'ArrowDown', grid)).toBe(9);
  });

  it('goes to the ends of the row, or of the grid with Ctrl', () => {
    expect(moveFocus(6, 'Home', grid)).toBe(4);
    expect(moveFocus(6, 'End', grid)).toBe(7);
    expect(moveFocus(9, 'End', grid)).toBe(9);
    expect(moveFocus(6, 'Home', { ...grid, ctrl: true })).toBe(0);
    expect(moveFocus(2, 'End', { ...grid, ctrl: true })).toBe(9);
  });

  it('pages by a screenful of rows', () => {
    expect(moveFocus(1, 'PageDown', grid)).toBe(9);
    expect(moveFocus(0, 'PageDown', { ...grid, itemCount: 40 })).toBe(8);
    expect(moveFocus(9, 'PageUp', grid)).toBe(1);
    expect(moveFocus(6, 'PageUp', grid)).toBe(2);
  });
});
