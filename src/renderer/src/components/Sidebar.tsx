import type { Folder } from '../../../shared/domain';

interface SidebarProps {
  folders: readonly Folder[];
  /** The folder the grid shows, or undefined for all photos. */
  selectedId: number | undefined;
  onSelect(folderId: number | undefined): void;
  onAddFolder(): void;
}

export function Sidebar({ folders, selectedId, onSelect, onAddFolder }: SidebarProps) {
  return (
    <nav className="sidebar" aria-label="Library">
      <button type="button" className="add-folder" onClick={onAddFolder}>
        Add folder…
      </button>
      <ul className="folder-list">
        <li>
          <button
            type="button"
            className="folder"
            aria-current={selectedId === undefined ? 'true' : undefined}
            onClick={() => onSelect(undefined)}
          >
            <span className="folder-name">All photos</span>
          </button>
        </li>
        {folders.map((folder) => (
          <li key={folder.id}>
            <button
              type="button"
              className="folder"
              title={folder.path}
              aria-current={selectedId === folder.id ? 'true' : undefined}
              onClick={() => onSelect(folder.id)}
            >
              <span className="folder-name">{folder.name}</span>
              <span className="folder-counts">
                {folder.photoCount.toLocaleString()}
                <span className="visually-hidden"> photos</span>
                {folder.missingCount > 0 && (
                  <span className="missing"> · {folder.missingCount.toLocaleString()} missing</span>
                )}
              </span>
            </button>
          </li>
        ))}
      </ul>
      {folders.length === 0 && <p className="hint">Add a folder of photos to start your library.</p>}
    </nav>
  );
}
