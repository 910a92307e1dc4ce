import { Suspense, useState } from 'react';
import type { SettingsState } from '../../hooks/use-settings';
import type { BulkActions } from '../../hooks/use-bulk-actions';
import type { Dialogs } from '../../hooks/use-dialogs';
import type { FolderActions } from '../../hooks/use-folder-actions';
import type { FoldersState } from '../../hooks/use-folders';
import type { Search } from '../../hooks/use-search';
import type { StatusMessage } from '../../hooks/use-status-message';
import { FirstRun, OpenDialog, SettingsDialog } from '../lazy-parts';

export interface DialogHostProps {
  dialogs: Dialogs;
  settings: SettingsState;
  folders: FoldersState;
  folderActions: FolderActions;
  search: Search;
  selectedIds: number[];
  bulk: BulkActions;
  status: StatusMessage;
  reloadAlbums(): void;
  scheduleReload(): void;
}

/** The one place that decides which modal is open: settings, the first-run flow, or one dialog. */
export function DialogHost(props: DialogHostProps) {
  const { dialogs, settings, status } = props;
  // Settings are loaded when first opened, then stay mounted: closing is the dialog's own effect.
  const [settingsLoaded, setSettingsLoaded] = useState(false);
  if (dialogs.settingsOpen && !settingsLoaded) setSettingsLoaded(true);
  return (
    <>
      {settingsLoaded && (
        <Suspense fallback={null}>
          <SettingsDialog
            open={dialogs.settingsOpen}
            onClose={() => {
              dialogs.setSettingsOpen(false);
              settings.reload();
            }}
          />
        </Suspense>
      )}
      {dialogs.firstRunOpen && (
        <Suspense fallback={null}>
          <FirstRun
            onPickFolder={props.folderActions.pickFolder}
            onDone={(problem) => {
              dialogs.closeFirstRun();
              if (problem) status.showError(problem);
              settings.reload();
              props.scheduleReload();
            }}
          />
        </Suspense>
      )}
      {dialogs.dialog && (
        <Suspense fallback={null}>
          <OpenDialog {...props} />
        </Suspense>
      )}
    </>
  );
}
