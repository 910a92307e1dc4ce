import type { ProviderSummary } from '../../../../shared/captioning';
import type { Folder } from '../../../../shared/domain';
import type { DialogState } from '../../hooks/use-dialogs';
import type { FolderActions } from '../../hooks/use-folder-actions';
import { plural } from '../../lib/format';
import { FolderSettingsDialog } from '../FolderSettingsDialog';
import { ConfirmDialog, TextPromptDialog } from '../Modal';

export type FolderDialogState = Extract<DialogState, { kind: 'addFolder' | 'folderSettings' | 'removeFolder' | 'removeFolderAnyway' }>;

interface FolderDialogProps {
  dialog: FolderDialogState;
  actions: FolderActions;
  providers: ProviderSummary[];
  onSaved(folder: Folder): void;
  open(dialog: DialogState): void;
  close(): void;
}

/** Adding a folder, its settings, and removing it (asking again when writes could be reverted). */
export function FolderDialog({ dialog, actions, providers, onSaved, open, close }: FolderDialogProps) {
  switch (dialog.kind) {
    case 'addFolder':
      return (
        <TextPromptDialog
          title="Add a folder"
          label="Folder path"
          submitLabel="Add"
          placeholder="/Users/you/Pictures"
          description="Captionist indexes every photo below this folder. The files stay where they are."
          onSubmit={(path) => {
            if (dialog.resolve) {
              dialog.resolve(path);
              close();
              return;
            }
            return actions.addAndIndex(path);
          }}
          onCancel={() => {
            dialog.resolve?.(null);
            close();
          }}
        />
      );
    case 'folderSettings':
      return (
        <FolderSettingsDialog
          folder={dialog.folder}
          providers={providers}
          onSaved={(saved) => {
            onSaved(saved);
            close();
          }}
          onRemove={() => open({ kind: 'removeFolder', folder: dialog.folder })}
          onClose={close}
        />
      );
    case 'removeFolder':
      return (
        <ConfirmDialog
          title={`Remove “${dialog.folder.name}” from the library?`}
          message={
            <p>
              Its {plural(dialog.folder.photoCount, 'photo')}, their captions and queued jobs leave Captionist. The files in{' '}
              <span className="path-text">{dialog.folder.path}</span> are not touched, and you can add the folder again later.
            </p>
          }
          confirmLabel="Remove"
          danger
          onCancel={close}
          onConfirm={() => {
            close();
            actions.removeFolder(dialog.folder, false);
          }}
        />
      );
    case 'removeFolderAnyway':
      return (
        <ConfirmDialog
          title={`Remove “${dialog.folder.name}” anyway?`}
          message={<p>{dialog.reason}</p>}
          confirmLabel="Remove anyway"
          danger
          onCancel={close}
          onConfirm={() => {
            close();
            actions.removeFolder(dialog.folder, true);
          }}
        />
      );
  }
}
