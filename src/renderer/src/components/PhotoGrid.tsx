import { useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import type { SearchHit } from '../../../shared/domain';
import { useElementSize } from '../hooks/use-element-size';
import { useResultsRevision, type PhotoResults } from '../hooks/use-photo-results';
import {
  canvasHeight,
  isGridKey,
  itemsInRows,
  moveFocus,
  photoGrid,
  photoGridLayout,
  rowCount,
  rowStyle,
  rowsPerPage,
  scrollTopToReveal,
  visibleRows,
} from '../lib/grid-layout';
import { noteGridScrolled } from '../lib/scroll-settle';
import { PhotoTile } from './PhotoTile';

const { padding } = photoGrid;
const overscanRows = 3;

export interface CellClick {
  /** Shift: extend from the anchor. */
  range: boolean;
  /** Ctrl or Cmd: add or remove just this one. */
  toggle: boolean;
}

interface PhotoGridProps {
  results: PhotoResults;
  count: number;
  selected: ReadonlySet<number>;
  focusedIndex: number;
  showSnippets: boolean;
  /** The grid scrolls back to the top whenever this changes (a new search). */
  scrollResetKey: string;
  onFocusIndex(index: number): void;
  onCellClick(index: number, photo: SearchHit, how: CellClick): void;
  /** Keyboard focus moved; with Shift held the selection follows it. */
  onKeyboardMove(index: number, extend: boolean): void;
  onToggle(index: number): void;
  onSelectAll(): void;
  onClearSelection(): void;
  onOpen(index: number): void;
  /** Present while the inspector is open. */
  onCloseInspector?: () => void;
}

/**
 * The photo grid, virtualized: only the rows in view (and a few either side) exist in the DOM, so
 * it stays smooth at a hundred thousand photos. Rows are fetched a page at a time as they come
 * into view. Keyboard: arrows, Home/End (Ctrl for the grid's ends), PageUp/PageDown, Space to
 * select, Enter to open, Ctrl/Cmd+A to select every photo the search matches, Escape to clear.
 */
export function PhotoGrid(props: PhotoGridProps) {
  const { results, count, selected, focusedIndex, showSnippets, scrollResetKey } = props;
  const { ensure } = results;
  useResultsRevision(results);
  const [scroller, setScroller] = useState<HTMLDivElement | null>(null);
  const size = useElementSize(scroller);
  const [scrollTop, setScrollTop] = useState(0);
  const frame = useRef(0);
  const focusAfterRender = useRef(false);

  const layout = useMemo(() => photoGridLayout(size.width, showSnippets), [size.width, showSnippets]);
  const rows = rowCount(count, layout.columns);
  const range = visibleRows(scrollTop - padding, size.height, layout.rowHeight, rows, overscanRows);
  const focusedRow = Math.floor(focusedIndex / layout.columns);
  // A new search or a reload starts a generation: the rows in view are asked for again even when
  // the count stayed the same (a new sort order). Pages already on their way are not asked twice.
  const generation = results.pages.generation;

  useEffect(() => {
    if (size.height === 0) return;
    const items = itemsInRows(range.first, range.last, layout.columns, count);
    if (items.last >= items.first) ensure(items.first, items.last);
  }, [range.first, range.last, layout.columns, count, size.height, ensure, generation]);

  useEffect(() => {
    if (!scroller) return;
    scroller.scrollTop = 0;
    setScrollTop(0);
  }, [scrollResetKey, scroller]);

  // Keyboard moves render the new cell first (its row may have been off screen), then focus it.
  useLayoutEffect(() => {
    if (!focusAfterRender.current || !scroller) return;
    focusAfterRender.current = false;
    scroller.querySelector<HTMLElement>(`[data-index="${focusedIndex}"]`)?.focus({ preventScroll: true });
  });

  useEffect(() => () => cancelAnimationFrame(frame.current), []);

  const onScroll = () => {
    noteGridScrolled();
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(() => {
      if (!scroller) return;
      const top = scroller.scrollTop;
      const next = visibleRows(top - padding, size.height, layout.rowHeight, rows, overscanRows);
      // Only new rows in view re-render the grid: most frames of an ordinary scroll bring none.
      if (next.first !== range.first || next.last !== range.last) setScrollTop(top);
    });
  };

  const reveal = (index: number) => {
    if (!scroller) return;
    const row = Math.floor(index / layout.columns);
    const top = scrollTopToReveal(row, layout.rowHeight, scroller.scrollTop - padding, scroller.clientHeight - padding) + padding;
    const target = row === 0 ? 0 : top;
    if (target !== scroller.scrollTop) {
      scroller.scrollTop = target;
      setScrollTop(target);
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (count === 0) return;
    const ctrl = event.ctrlKey || event.metaKey;
    if (isGridKey(event.key)) {
      event.preventDefault();
      const next = moveFocus(focusedIndex, event.key, {
        columns: layout.columns,
        itemCount: count,
        pageRows: rowsPerPage(size.height, layout.rowHeight),
        ctrl,
      });
      // Only a real move: a flag left set would pull focus into the grid on some later render.
      if (next !== focusedIndex) focusAfterRender.current = true;
      reveal(next);
      props.onKeyboardMove(next, event.shiftKey);
    } else if (event.key === ' ' && !ctrl) {
      event.preventDefault();
      props.onToggle(focusedIndex);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      props.onOpen(focusedIndex);
    } else if (ctrl && event.key.toLowerCase() === 'a') {
      event.preventDefault();
      props.onSelectAll();
    } else if (event.key === 'Escape') {
      // Escape in the grid takes away one layer at a time: the selection first, then the
      // inspector, so a second Escape closes what the first left open.
      if (selected.size > 0) props.onClearSelection();
      else if (props.onCloseInspector) props.onCloseInspector();
      else return;
      event.preventDefault();
    }
  };

  const cellFromEvent = (event: MouseEvent): number | null => {
    const cell = (event.target as HTMLElement).closest<HTMLElement>('[data-index]');
    return cell ? Number(cell.dataset.index) : null;
  };

  const onClick = (event: MouseEvent) => {
    const index = cellFromEvent(event);
    if (index === null) return;
    props.onFocusIndex(index);
    const photo = results.pages.at(index);
    if (photo) props.onCellClick(index, photo, { range: event.shiftKey, toggle: event.ctrlKey || event.metaKey });
  };

  const onDoubleClick = (event: MouseEvent) => {
    const index = cellFromEvent(event);
    if (index !== null && results.pages.at(index)) props.onOpen(index);
  };

  const renderedRows: number[] = [];
  for (let row = range.first; row <= range.last; row++) renderedRows.push(row);
  // The focused cell always exists, so Tab can reach the grid wherever it is scrolled.
  if (rows > 0 && focusedRow < rows && (focusedRow < range.first || focusedRow > range.last)) renderedRows.push(focusedRow);

  return (
    <div
      ref={setScroller}
      className="photo-grid"
      role="grid"
      aria-label="Photos"
      aria-rowcount={rows}
      aria-colcount={layout.columns}
      aria-multiselectable="true"
      onScroll={onScroll}
      onKeyDown={onKeyDown}
      onClick={onClick}
      onDoubleClick={onDoubleClick}
    >
      <div role="rowgroup" className="grid-canvas" style={{ height: canvasHeight(rows, layout) }}>
        {renderedRows.map((row) => {
          const cells = [];
          for (let column = 0; column < layout.columns; column++) {
            const index = row * layout.columns + column;
            if (index >= count) break;
            const photo = results.pages.at(index);
            cells.push(
              <PhotoTile
                // By column: the focused placeholder stays the same element when its page arrives.
                key={column}
                photo={photo}
                index={index}
                column={column}
                selected={photo ? selected.has(photo.id) : false}
                tabbable={index === focusedIndex}
                showSnippet={showSnippets}
              />,
            );
          }
          return (
            <div
              key={row}
              role="row"
              aria-rowindex={row + 1}
              className="grid-row"
              style={rowStyle(row, layout)}
            >
              {cells}
            </div>
          );
        })}
      </div>
    </div>
  );
}
