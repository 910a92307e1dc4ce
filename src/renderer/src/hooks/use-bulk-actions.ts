import { useState } from 'react';
import { maxIdsPerCall } from '../../../shared/limits';
import type { AppSettings } from '../../../shared/settings';
import { approvedText, writeQueuedText } from '../lib/format';
import type { Dialogs } from './use-dialogs';
import type { StatusMessage } from './use-status-message';


export interface BulkActions {
  /** True while an action runs: its buttons are disabled. */
  busy: boolean;
  approveSelected(): Promise<void>;
  /** Asks first when drafts nobody approved are among the selected photos. */
  writeSelected(): Promise<void>;
  /** Queues the write-back, after the drafts question (if it was asked). */
  writeQueued(approvedOnly: boolean): Promise<void>;
}

interface BulkActionDeps {
  selectedIds: number[];
  settings: AppSettings | null;
  dialogs: Dialogs;
  status: StatusMessage;
  scheduleReload(): void;
}

/** What the selection bar does to every selected photo at once. */
export function useBulkActions({ selectedIds, settings, dialogs, status, scheduleReload }: BulkActionDeps): BulkActions {
  const [busy, setBusy] = useState(false);

  /** Runs a bulk action with the buttons disabled; its answer (if any) goes to the status line. */
  const runBulk = async (action: () => Promise<string | null>) => {
    setBusy(true);
    try {
      const text = await action();
      if (text !== null) status.info(text);
    } catch (reason) {
      status.showError(reason);
    } finally {
      setBusy(false);
    }
  };

  const approveSelected = () =>
    runBulk(async () => {
      const ids = selectedIds;
      let approved = 0;
      for (let start = 0; start < ids.length; start += maxIdsPerCall) {
        approved += (await window.api.invoke('captions:approve', { photoIds: ids.slice(start, start + maxIdsPerCall), approved: true })).count;
      }
      scheduleReload();
      return approvedText(approved, ids.length);
    });

  const queueWrite = async (approvedOnly: boolean) => {
    const write = settings?.write ?? {};
    const queued = await window.api.invoke('metadata:queueWrite', { ...write, photoIds: selectedIds, approvedOnly });
    return writeQueuedText(queued.count, selectedIds.length, approvedOnly);
  };

  const writeSelected = () =>
    runBulk(async () => {
      const { draft } = await window.api.invoke('photos:selectionSummary', { photoIds: selectedIds });
      if (draft === 0) return queueWrite(false);
      dialogs.open({ kind: 'writeDrafts', drafts: draft });
      return null;
    });

  const writeQueued = (approvedOnly: boolean) => runBulk(() => queueWrite(approvedOnly));

  return { busy, approveSelected, writeSelected, writeQueued };
}
