import { useCallback, useEffect, useState } from 'react';
import type { Folder } from '../../../shared/domain';
import { useFirstScreenShown } from '../lib/first-screen';

export interface FoldersState {
  /** Null until the first answer. */
  folders: Folder[] | null;
  /** Shows a folder added or changed before the next reload lists it. */
  added(folder: Folder): void;
  saved(folder: Folder): void;
  remove(folderId: number): void;
}

/** The library's folders, listed again whenever the library changes. */
export function useFolders(libraryVersion: number, showError: (reason: unknown) => void): FoldersState {
  const [folders, setFolders] = useState<Folder[] | null>(null);
  const ready = useFirstScreenShown();
  useEffect(() => {
    if (!ready) return;
    let current = true;
    window.api.invoke('library:listFolders', {}).then((list) => current && setFolders(list), showError);
    return () => {
      current = false;
    };
  }, [ready, libraryVersion, showError]);
  const added = useCallback(
    (folder: Folder) => setFolders((old) => (old ? [...old.filter((known) => known.id !== folder.id), folder] : [folder])),
    [],
  );
  const saved = useCallback(
    (folder: Folder) => setFolders((old) => old?.map((known) => (known.id === folder.id ? folder : known)) ?? null),
    [],
  );
  const remove = useCallback((folderId: number) => setFolders((old) => old?.filter((known) => known.id !== folderId) ?? null), []);
  return { folders, added, saved, remove };
}
