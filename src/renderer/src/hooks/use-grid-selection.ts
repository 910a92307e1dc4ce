import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Folder, SearchHit } from '../../../shared/domain';
import type { CellClick } from '../components/PhotoGrid';
import { resultsIds } from '../lib/results-query';
import { SearchIdCache } from '../lib/search-ids';
import {
  emptySelection,
  idsBetween,
  rangeBounds,
  selectAll,
  selectOnly,
  selectRange,
  toggle,
  withoutAnchor,
  withoutIds,
  type Selection,
} from '../lib/selection';
import type { Search } from './use-search';

export interface GridSelection {
  selection: Selection;
  selectedIds: number[];
  hasSelection: boolean;
  /** The focused cell, clamped to the results after a reload that shrank them. */
  focused: number;
  setFocusedIndex(index: number): void;
  onCellClick(index: number, photo: SearchHit, how: CellClick): void;
  onKeyboardMove(index: number, extend: boolean): void;
  onToggle(index: number): void;
  onSelectAll(): void;
  clear(): void;
}

/** The grid's selection and keyboard focus, over every photo the search matches, loaded or not. */
export function useGridSelection(
  { query, results }: Search,
  libraryVersion: number,
  folders: Folder[] | null,
  showError: (reason: unknown) => void,
): GridSelection {
  const [selection, setSelection] = useState<Selection>(emptySelection);
  const [focusedIndex, setFocusedIndex] = useState(0);
  const { pages } = results;
  const queryKey = JSON.stringify(query);

  useEffect(() => {
    setFocusedIndex(0);
    setSelection(withoutAnchor);
  }, [queryKey]);

  // Every id the search matches, for select-all and Shift ranges over rows never loaded.
  const searchIds = useRef(new SearchIdCache());
  const loadSearchIds = () =>
    searchIds.current.get(`${queryKey}#${libraryVersion}`, () => resultsIds(window.api, query));
  const queryKeyRef = useRef(queryKey);
  queryKeyRef.current = queryKey;
  const hasSelection = selection.ids.size > 0;

  usePruneRemovedFolders(folders, hasSelection, selection, setSelection, showError);

  const focused = Math.min(focusedIndex, Math.max(0, pages.count - 1));

  /**
   * Shift-click or Shift+Arrow: the ids between the anchor and `index`, from the loaded pages when
   * they hold them all, else from the search's id list (fetched once).
   */
  const extendTo = (base: Selection, index: number, additive: boolean) => {
    const { first, last } = rangeBounds(base, index);
    const loaded = pages.loadedBetween(first, last);
    if (loaded.length === last - first + 1) {
      setSelection(selectRange(base, index, loaded.map((hit) => hit.id), additive));
      return;
    }
    const search = queryKey;
    loadSearchIds().then((list) => {
      if (search !== queryKeyRef.current) return;
      // A click made while the ids loaded wins: the range applies only to the selection it began from.
      setSelection((now) => (now === base ? selectRange(base, index, idsBetween(list.ids, first, last), additive) : now));
    }, showError);
  };

  const onCellClick = (index: number, photo: SearchHit, how: CellClick) => {
    if (how.range) extendTo(selection, index, how.toggle);
    else setSelection((old) => (how.toggle ? toggle(old, index, photo.id) : selectOnly(index, photo.id)));
  };

  const onKeyboardMove = (index: number, extend: boolean) => {
    setFocusedIndex(index);
    if (extend) extendTo(selection.anchor === null ? { ...selection, anchor: focused } : selection, index, false);
  };

  const onToggle = (index: number) => {
    const photo = pages.at(index);
    if (photo) setSelection((old) => toggle(old, index, photo.id));
  };

  /** Ctrl/Cmd+A: every photo the search matches, loaded or not. */
  const onSelectAll = () => {
    const search = queryKey;
    loadSearchIds().then((list) => {
      if (search === queryKeyRef.current) setSelection(selectAll(list.ids, list.truncated));
    }, showError);
  };

  const clear = useCallback(() => setSelection(emptySelection()), []);
  const selectedIds = useMemo(() => [...selection.ids], [selection.ids]);

  return { selection, selectedIds, hasSelection, focused, setFocusedIndex, onCellClick, onKeyboardMove, onToggle, onSelectAll, clear };
}

/** Photos leave the library only with their folder: then they leave the selection too. */
function usePruneRemovedFolders(
  folders: Folder[] | null,
  hasSelection: boolean,
  selection: Selection,
  setSelection: (update: (old: Selection) => Selection) => void,
  showError: (reason: unknown) => void,
) {
  const folderIdsKey = folders?.map((folder) => folder.id).join(',') ?? '';
  const previousFolderIds = useRef(folderIdsKey);
  useEffect(() => {
    const before = previousFolderIds.current.split(',');
    previousFolderIds.current = folderIdsKey;
    const now = new Set(folderIdsKey.split(','));
    if (!hasSelection || before.every((id) => now.has(id))) return;
    let current = true;
    window.api.invoke('photos:selectionSummary', { photoIds: [...selection.ids] }).then((summary) => {
      if (current && summary.gone.length) setSelection((old) => withoutIds(old, summary.gone));
    }, showError);
    return () => {
      current = false;
    };
  }, [folderIdsKey]);
}
