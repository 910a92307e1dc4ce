import type { ProviderSummary } from '../../../../shared/captioning';
import type { BulkActions } from '../../hooks/use-bulk-actions';
import type { DialogState } from '../../hooks/use-dialogs';
import type { StatusMessage } from '../../hooks/use-status-message';
import { draftsQuestion } from '../../lib/format';
import { CaptionDialog } from '../CaptionDialog';
import { ExportDialog } from '../ExportDialog';
import { ChoiceDialog } from '../Modal';

export type SelectionDialogState = Extract<DialogState, { kind: 'writeDrafts' | 'caption' | 'export' }>;

interface SelectionDialogProps {
  dialog: SelectionDialogState;
  selectedIds: number[];
  providers: ProviderSummary[];
  defaultProvider: string | null;
  bulk: BulkActions;
  status: StatusMessage;
  openSettings(): void;
  close(): void;
}

/** What the selection bar asks before acting: captioning, exporting, and writing drafts too. */
export function SelectionDialog({ dialog, selectedIds, providers, defaultProvider, bulk, status, openSettings, close }: SelectionDialogProps) {
  const done = (text: string) => {
    status.info(text);
    close();
  };
  switch (dialog.kind) {
    case 'writeDrafts':
      return (
        <ChoiceDialog
          title="Write draft captions too?"
          message={draftsQuestion(dialog.drafts)}
          choices={[
            { label: 'Only approved ones', onChoose: () => void bulk.writeQueued(true) },
            { label: 'Write drafts too', primary: true, onChoose: () => void bulk.writeQueued(false) },
          ]}
          onCancel={close}
          onChosen={close}
        />
      );
    case 'caption':
      return (
        <CaptionDialog
          photoIds={selectedIds}
          providers={providers}
          defaultProvider={defaultProvider}
          onQueued={done}
          onOpenSettings={() => {
            close();
            openSettings();
          }}
          onClose={close}
        />
      );
    case 'export':
      return <ExportDialog photoIds={selectedIds} onExported={done} onClose={close} />;
  }
}
