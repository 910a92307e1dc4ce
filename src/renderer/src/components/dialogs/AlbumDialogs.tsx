import type { DialogState } from '../../hooks/use-dialogs';
import type { Search } from '../../hooks/use-search';
import type { StatusMessage } from '../../hooks/use-status-message';
import { errorText } from '../../errors';
import { criteriaFrom } from '../../lib/search-criteria';
import { ConfirmDialog, TextPromptDialog } from '../Modal';

export type AlbumDialogState = Extract<DialogState, { kind: 'saveSearch' | 'renameAlbum' | 'deleteAlbum' }>;

interface AlbumDialogProps {
  dialog: AlbumDialogState;
  search: Search;
  status: StatusMessage;
  reloadAlbums(): void;
  close(): void;
}

/** Saving the search as a smart album, renaming and deleting one. */
export function AlbumDialog({ dialog, search, status, reloadAlbums, close }: AlbumDialogProps) {
  switch (dialog.kind) {
    case 'saveSearch':
      return (
        <TextPromptDialog
          title="Save search as a smart album"
          label="Album name"
          submitLabel="Save"
          description="The album runs this search again each time you open it."
          onSubmit={async (name) => {
            try {
              const album = await window.api.invoke('search:save', { name, criteria: criteriaFrom(search.search) });
              search.setActiveAlbumId(album.id);
              reloadAlbums();
              status.info(`Saved the smart album ${album.name}.`);
              close();
            } catch (reason) {
              return errorText(reason);
            }
          }}
          onCancel={close}
        />
      );
    case 'renameAlbum':
      return (
        <TextPromptDialog
          title="Rename smart album"
          label="Album name"
          submitLabel="Rename"
          initialValue={dialog.album.name}
          onSubmit={async (name) => {
            try {
              await window.api.invoke('search:renameSaved', { id: dialog.album.id, name });
              reloadAlbums();
              close();
            } catch (reason) {
              return errorText(reason);
            }
          }}
          onCancel={close}
        />
      );
    case 'deleteAlbum':
      return (
        <ConfirmDialog
          title={`Delete the smart album “${dialog.album.name}”?`}
          message="Only the saved search goes; no photos are removed."
          confirmLabel="Delete"
          danger
          onCancel={close}
          onConfirm={() => {
            close();
            window.api.invoke('search:deleteSaved', { id: dialog.album.id }).then(() => {
              if (search.activeAlbumId === dialog.album.id) search.setActiveAlbumId(null);
              reloadAlbums();
              status.info(`Deleted the smart album ${dialog.album.name}.`);
            }, status.showError);
          }}
        />
      );
  }
}
