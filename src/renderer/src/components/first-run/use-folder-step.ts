import { useEffect, useState } from 'react';
import type { Folder, IndexProgress } from '../../../../shared/domain';
import { indexSummary } from './first-run-flow';
import type { FirstRunAction } from './use-first-run-action';

export interface FolderStepState {
  folder: Folder | null;
  indexProgress: IndexProgress | null;
  /** What indexing the folder found, once done. */
  indexed: string | null;
  chooseFolder(): Promise<void>;
}

/** Step 2: the folder chosen, added to the library and indexed. `onChosen` runs once it is indexed. */
export function useFolderStep(
  { run }: FirstRunAction,
  onPickFolder: () => Promise<string | null>,
  onChosen: () => void,
): FolderStepState {
  const [folder, setFolder] = useState<Folder | null>(null);
  const [indexProgress, setIndexProgress] = useState<IndexProgress | null>(null);
  const [indexed, setIndexed] = useState<string | null>(null);

  useEffect(() => window.api.on('index:progress', setIndexProgress), []);

  const chooseFolder = () =>
    run(async () => {
      const path = await onPickFolder();
      if (!path) return;
      setIndexed(null);
      setIndexProgress(null);
      const added = await addOrFindFolder(path);
      setFolder(added);
      const result = await window.api.invoke('library:index', { paths: [added.path] });
      setIndexed(indexSummary(added.name, result));
      onChosen();
    });

  return { folder, indexProgress, indexed, chooseFolder };
}

/** Adds the folder, or finds it when it is already in the library (set up before, or a second try). */
async function addOrFindFolder(path: string): Promise<Folder> {
  try {
    return await window.api.invoke('library:addFolder', { path });
  } catch (reason) {
    const folders = await window.api.invoke('library:listFolders', {});
    const known = folders.find((folder) => folder.path === path);
    if (known) return known;
    throw reason;
  }
}
