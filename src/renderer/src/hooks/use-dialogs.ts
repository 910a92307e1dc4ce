import { useCallback, useState } from 'react';
import type { Folder, SavedSearch } from '../../../shared/domain';
import type { AppSettings } from '../../../shared/settings';

/** The one modal dialog open over the app, if any (settings and first run have their own). */
export type DialogState =
  | { kind: 'addFolder'; resolve?: (path: string | null) => void }
  | { kind: 'folderSettings'; folder: Folder }
  | { kind: 'removeFolder'; folder: Folder }
  /** Not removed: that would forget write-backs that could still be reverted. */
  | { kind: 'removeFolderAnyway'; folder: Folder; reason: string }
  | { kind: 'writeDrafts'; drafts: number }
  | { kind: 'saveSearch' }
  | { kind: 'renameAlbum'; album: SavedSearch }
  | { kind: 'deleteAlbum'; album: SavedSearch }
  | { kind: 'caption' }
  | { kind: 'export' };

export interface Dialogs {
  dialog: DialogState | null;
  open(dialog: DialogState): void;
  close(): void;
  settingsOpen: boolean;
  setSettingsOpen(open: boolean): void;
  /** Null until settings and folders have loaded. */
  firstRunOpen: boolean | null;
  closeFirstRun(): void;
}

export function useDialogs(settings: AppSettings | null, folders: Folder[] | null): Dialogs {
  const [dialog, setDialog] = useState<DialogState | null>(null);
  const [settingsOpen, setSettingsOpen] = useState(false);
  // Decided once, when settings and folders first load: the flow adds a folder itself and must stay open.
  const [firstRunOpen, setFirstRunOpen] = useState<boolean | null>(null);
  if (firstRunOpen === null && settings !== null && folders !== null) {
    setFirstRunOpen(!settings.onboarded && folders.length === 0);
  }
  const close = useCallback(() => setDialog(null), []);
  const closeFirstRun = useCallback(() => setFirstRunOpen(false), []);
  return { dialog, open: setDialog, close, settingsOpen, setSettingsOpen, firstRunOpen, closeFirstRun };
}
