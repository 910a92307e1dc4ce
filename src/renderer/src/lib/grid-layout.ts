/** Geometry of the virtual photo grid: square tiles sized to the width, rows of a fixed height. */
export interface GridLayout {
  columns: number;
  /** Width and height of a tile's image square, in CSS pixels. */
  tileSize: number;
  /** Height of one row including the gap below it. */
  rowHeight: number;
  gap: number;
}

export interface GridLayoutInput {
  /** Inner width available for tiles (the scroll element's client width minus padding). */
  width: number;
  /** Tiles are at least this wide; the spare width is shared out between them. */
  minTileSize: number;
  gap: number;
  /** Space under each square for a label (file name or search snippet). */
  labelHeight: number;
}

export function gridLayout({ width, minTileSize, gap, labelHeight }: GridLayoutInput): GridLayout {
  const usable = Math.max(width, minTileSize);
  const columns = Math.max(1, Math.floor((usable + gap) / (minTileSize + gap)));
  const tileSize = Math.floor((usable - gap * (columns - 1)) / columns);
  return { columns, tileSize, rowHeight: tileSize + labelHeight + gap, gap };
}

/** The photo grid's fixed measures: its first screen, painted before React, uses the same. */
export const photoGrid = {
  minTileSize: 168,
  gap: 8,
  /** Around the rows, inside the scrolling element. */
  padding: 16,
  /** Room under each square for the matched text while searching. */
  snippetHeight: 44,
};

/** The grid's layout in a scrolling element `clientWidth` wide. */
export function photoGridLayout(clientWidth: number, showSnippets: boolean): GridLayout {
  const { minTileSize, gap, padding, snippetHeight } = photoGrid;
  return gridLayout({ width: clientWidth - padding * 2, minTileSize, gap, labelHeight: showSnippets ? snippetHeight : 0 });
}

/** The height of the canvas that holds every row, so the scrollbar is the whole result's. */
export function canvasHeight(rows: number, layout: GridLayout): number {
  return rows * layout.rowHeight - layout.gap + photoGrid.padding * 2;
}

/** Where a row of the grid sits in its canvas, and its cells' columns, as CSS. */
export function rowStyle(row: number, layout: GridLayout) {
  const height = `${layout.rowHeight - layout.gap}px`;
  return {
    transform: `translateY(${photoGrid.padding + row * layout.rowHeight}px)`,
    gridTemplateColumns: `repeat(${layout.columns}, ${layout.tileSize}px)`,
    gridTemplateRows: height,
    columnGap: `${layout.gap}px`,
    height,
    left: `${photoGrid.padding}px`,
  };
}

export function rowCount(itemCount: number, columns: number): number {
  return Math.ceil(Math.max(0, itemCount) / Math.max(1, columns));
}

/** Rows to render for a scroll position: those in view plus `overscan` on each side. */
export function visibleRows(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  rows: number,
  overscan: number,
): { first: number; last: number } {
  if (rows === 0 || rowHeight <= 0) return { first: 0, last: -1 };
  const firstInView = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const lastInView = Math.floor((Math.max(0, scrollTop) + Math.max(0, viewportHeight) - 1) / rowHeight);
  return {
    first: Math.max(0, Math.min(rows - 1, firstInView - overscan)),
    last: Math.min(rows - 1, Math.max(0, lastInView + overscan)),
  };
}

/** Items covered by a range of rows, clamped to the item count. */
export function itemsInRows(first: number, last: number, columns: number, itemCount: number): { first: number; last: number } {
  if (last < first || itemCount === 0) return { first: 0, last: -1 };
  return { first: first * columns, last: Math.min(itemCount - 1, (last + 1) * columns - 1) };
}

/** Pages (of `pageSize` results) holding the items from `first` to `last`. */
export function pagesCovering(first: number, last: number, pageSize: number): number[] {
  if (last < first) return [];
  const pages: number[] = [];
  for (let page = Math.floor(first / pageSize); page <= Math.floor(last / pageSize); page++) pages.push(page);
  return pages;
}

/**
 * The scroll position that brings a row fully into view, or the current one when it already is.
 * Used when the keyboard moves focus to a row that may not be rendered yet.
 */
export function scrollTopToReveal(row: number, rowHeight: number, scrollTop: number, viewportHeight: number): number {
  const top = row * rowHeight;
  const bottom = top + rowHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewportHeight) return Math.max(0, bottom - viewportHeight);
  return scrollTop;
}

/** Rows that fit in the viewport, for PageUp/PageDown. */
export function rowsPerPage(viewportHeight: number, rowHeight: number): number {
  return Math.max(1, Math.floor(viewportHeight / Math.max(1, rowHeight)));
}

export type GridKey = 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown' | 'Home' | 'End' | 'PageUp' | 'PageDown';

const gridKeys = new Set<string>(['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown']);

export function isGridKey(key: string): key is GridKey {
  return gridKeys.has(key);
}

/**
 * Where focus goes from `index` for a key: arrows move by a cell or a row, Home/End to the row's
 * ends (with Ctrl, the grid's), PageUp/PageDown by a screenful of rows. Always a valid index.
 */
export function moveFocus(
  index: number,
  key: GridKey,
  { columns, itemCount, pageRows, ctrl = false }: { columns: number; itemCount: number; pageRows: number; ctrl?: boolean },
): number {
  if (itemCount === 0) return 0;
  const last = itemCount - 1;
  const clamp = (value: number) => Math.max(0, Math.min(last, value));
  const rowStart = index - (index % columns);
  // Moving down past the last full row lands in the last row, on the same column or the last item.
  const down = (rows: number) => {
    const target = index + rows * columns;
    if (target <= last) return target;
    const lastRowStart = last - (last % columns);
    return lastRowStart > rowStart ? Math.min(last, lastRowStart + (index % columns)) : index;
  };
  switch (key) {
    case 'ArrowLeft':
      return clamp(index - 1);
    case 'ArrowRight':
      return clamp(index + 1);
    case 'ArrowUp':
      return index - columns >= 0 ? index - columns : index;
    case 'ArrowDown':
      return down(1);
    case 'Home':
      return ctrl ? 0 : rowStart;
    case 'End':
      return ctrl ? last : clamp(rowStart + columns - 1);
    case 'PageUp':
      return index - pageRows * columns >= 0 ? index - pageRows * columns : index % columns;
    case 'PageDown':
      return down(pageRows);
  }
}
