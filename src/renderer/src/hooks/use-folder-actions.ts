import type { Folder } from '../../../shared/domain';
import { errorText } from '../errors';
import { plural } from '../lib/format';
import { removeAnywayText } from '../lib/remove-folder';
import type { Dialogs } from './use-dialogs';
import type { FoldersState } from './use-folders';
import type { Search } from './use-search';
import type { StatusMessage } from './use-status-message';

export interface FolderActions {
  /** Adds and indexes a folder; returns the problem to show in the path dialog, if any. */
  addAndIndex(path: string): Promise<string | void>;
  addFolder(): Promise<void>;
  /** For the first-run flow: the native picker, or in a browser the same path dialog. */
  pickFolder(): Promise<string | null>;
  removeFolder(folder: Folder, forgetWrites: boolean): void;
}

interface FolderActionDeps {
  dialogs: Dialogs;
  folders: FoldersState;
  search: Search;
  status: StatusMessage;
  scheduleReload(): void;
}

export function useFolderActions({ dialogs, folders, search, status, scheduleReload }: FolderActionDeps): FolderActions {
  const { info, showError } = status;

  const addAndIndex = async (path: string): Promise<string | void> => {
    let folder: Folder;
    try {
      folder = await window.api.invoke('library:addFolder', { path });
    } catch (reason) {
      return errorText(reason);
    }
    dialogs.close();
    folders.added(folder);
    info(`Added ${folder.name}; indexing its photos…`);
    try {
      const indexed = await window.api.invoke('library:index', { paths: [folder.path] });
      const errors = indexed.errors.length > 0 ? `; ${plural(indexed.errors.length, 'file')} could not be read` : '';
      info(`Indexed ${folder.name}: ${plural(indexed.added, 'new photo')}${errors}.`);
    } catch (reason) {
      showError(reason);
    } finally {
      scheduleReload();
    }
  };

  const addFolder = async () => {
    if (!window.api.hasNativeDialogs) {
      dialogs.open({ kind: 'addFolder' });
      return;
    }
    try {
      const path = await window.api.shell('dialog:pickFolder');
      if (path) await addAndIndex(path).then((problem) => problem && showError(problem));
    } catch (reason) {
      showError(reason);
    }
  };

  const pickFolder = (): Promise<string | null> => {
    if (window.api.hasNativeDialogs) return window.api.shell('dialog:pickFolder');
    return new Promise((resolve) => dialogs.open({ kind: 'addFolder', resolve }));
  };

  const removeFolder = (folder: Folder, forgetWrites: boolean) => {
    window.api.invoke('library:removeFolder', { folderId: folder.id, forgetWrites }).then(
      ({ removed, revertableWrites }) => {
        if (!removed) return dialogs.open({ kind: 'removeFolderAnyway', folder, reason: removeAnywayText(folder.name, revertableWrites) });
        folders.remove(folder.id);
        const { scope } = search.search;
        if (scope.kind === 'folder' && scope.folderId === folder.id) search.scopeTo({ kind: 'all' });
        info(`Removed ${folder.name} from the library; its files are untouched.`);
        scheduleReload();
      },
      showError,
    );
  };

  return { addAndIndex, addFolder, pickFolder, removeFolder };
}
