import type { SettingsState } from '../../hooks/use-settings';
import type { BulkActions } from '../../hooks/use-bulk-actions';
import type { Dialogs } from '../../hooks/use-dialogs';
import type { FolderActions } from '../../hooks/use-folder-actions';
import type { FoldersState } from '../../hooks/use-folders';
import type { Search } from '../../hooks/use-search';
import type { StatusMessage } from '../../hooks/use-status-message';
import { FirstRun } from '../first-run/FirstRun';
import { SettingsDialog } from '../settings/SettingsDialog';
import { AlbumDialog } from './AlbumDialogs';
import { FolderDialog } from './FolderDialogs';
import { SelectionDialog } from './SelectionDialogs';

interface DialogHostProps {
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
  return (
    <>
      <SettingsDialog
        open={dialogs.settingsOpen}
        onClose={() => {
          dialogs.setSettingsOpen(false);
          settings.reload();
        }}
      />
      {dialogs.firstRunOpen && (
        <FirstRun
          onPickFolder={props.folderActions.pickFolder}
          onDone={(problem) => {
            dialogs.closeFirstRun();
            if (problem) status.showError(problem);
            settings.reload();
            props.scheduleReload();
          }}
        />
      )}
      {dialogs.dialog && <OpenDialog {...props} />}
    </>
  );
}

function OpenDialog({ dialogs, settings, folders, folderActions, search, selectedIds, bulk, status, reloadAlbums }: DialogHostProps) {
  const { dialog, open, close } = dialogs;
  switch (dialog?.kind) {
    case undefined:
      return null;
    case 'addFolder':
    case 'folderSettings':
    case 'removeFolder':
    case 'removeFolderAnyway':
      return (
        <FolderDialog
          dialog={dialog}
          actions={folderActions}
          providers={settings.providers}
          onSaved={(saved) => {
            folders.saved(saved);
            status.info(`Saved the settings of ${saved.name}.`);
          }}
          open={open}
          close={close}
        />
      );
    case 'saveSearch':
    case 'renameAlbum':
    case 'deleteAlbum':
      return <AlbumDialog dialog={dialog} search={search} status={status} reloadAlbums={reloadAlbums} close={close} />;
    case 'writeDrafts':
    case 'caption':
    case 'export':
      return (
        <SelectionDialog
          dialog={dialog}
          selectedIds={selectedIds}
          providers={settings.providers}
          defaultProvider={settings.settings?.defaultProvider ?? null}
          bulk={bulk}
          status={status}
          openSettings={() => dialogs.setSettingsOpen(true)}
          close={close}
        />
      );
  }
}
