import type { DialogHostProps } from './DialogHost';
import { AlbumDialog } from './AlbumDialogs';
import { FolderDialog } from './FolderDialogs';
import { SelectionDialog } from './SelectionDialogs';

/** The one dialog open over the app: folders, albums or the selection's. */
export function OpenDialog({ dialogs, settings, folders, folderActions, search, selectedIds, bulk, status, reloadAlbums }: DialogHostProps) {
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
