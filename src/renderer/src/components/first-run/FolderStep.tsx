import type { FolderStepState } from './use-folder-step';

interface FolderStepProps {
  folderStep: FolderStepState;
  busy: boolean;
}

export function FolderStep({ folderStep, busy }: FolderStepProps) {
  const { folder, indexProgress, indexed } = folderStep;
  const indexing = busy && indexProgress && indexProgress.phase !== 'done' ? indexProgress : null;
  return (
    <>
      <p>Choose a folder of photos. Captionist indexes it and never changes a file unless you write captions back.</p>
      <div className="settings-actions">
        <button type="button" className={folder ? undefined : 'primary'} onClick={() => void folderStep.chooseFolder()} disabled={busy}>
          {folder ? 'Choose another folder' : 'Choose a folder'}
        </button>
      </div>
      <div aria-live="polite" className="first-run-result">
        {folder && <p>Folder: {folder.path}</p>}
        {busy && !indexing && folder && <p>Indexing…</p>}
        {indexing && (
          <>
            <p>
              {indexing.phase === 'listing' ? 'Looking for photos…' : `Indexing ${indexing.done.toLocaleString()} of ${indexing.total.toLocaleString()}…`}
            </p>
            <progress aria-label="Indexing progress" value={indexing.done} max={Math.max(indexing.total, 1)} />
          </>
        )}
        {indexed && <p>{indexed}</p>}
      </div>
    </>
  );
}
