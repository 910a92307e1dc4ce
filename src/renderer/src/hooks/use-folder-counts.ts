import { useEffect, useMemo, useState } from 'react';
import type { FolderCount, SearchCriteria } from '../../../shared/domain';
import { useFirstScreenShown } from '../lib/first-screen';
import { folderTrees, type FolderNode } from '../lib/folder-tree';

/** Counts per folder for the same search, everywhere in the library, as the sidebar's trees. */
export function useFolderCounts(settled: SearchCriteria, libraryVersion: number, showError: (reason: unknown) => void): Map<number, FolderNode[]> {
  const [folderCounts, setFolderCounts] = useState<FolderCount[]>([]);
  const countsKey = useMemo(() => {
    const { folder, folderId, sort, ...rest } = settled;
    void folder;
    void folderId;
    void sort;
    return JSON.stringify(rest);
  }, [settled]);
  const ready = useFirstScreenShown();
  useEffect(() => {
    if (!ready) return;
    let current = true;
    window.api
      .invoke('photos:folderCounts', JSON.parse(countsKey) as SearchCriteria)
      .then((counts) => current && setFolderCounts(counts), showError);
    return () => {
      current = false;
    };
  }, [ready, countsKey, libraryVersion, showError]);
  return useMemo(() => folderTrees(folderCounts), [folderCounts]);
}
