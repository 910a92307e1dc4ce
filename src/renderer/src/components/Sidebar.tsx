import { useState, type ReactNode } from 'react';
import type { Folder, IndexProgress, SavedSearch } from '../../../shared/domain';
import { libraryFolderTree, type FolderNode } from '../lib/folder-tree';
import { indexProgressText, plural, timeAgo } from '../lib/format';
import type { SearchScope } from '../lib/search-criteria';
import { Icon } from './Icon';

interface SidebarProps {
  folders: readonly Folder[];
  /** Matching photos per folder for the current search, as a tree per library folder. */
  trees: ReadonlyMap<number, readonly FolderNode[]>;
  /** True while a search or filter narrows the counts: show matches instead of folder totals. */
  searching: boolean;
  scope: SearchScope;
  onScope(scope: SearchScope): void;
  /** Latest indexing progress per library folder path. */
  indexing: ReadonlyMap<string, IndexProgress>;
  onAddFolder(): void;
  onFolderSettings(folder: Folder): void;
  albums: readonly SavedSearch[];
  activeAlbumId: number | null;
  onOpenAlbum(album: SavedSearch): void;
  onRenameAlbum(album: SavedSearch): void;
  onDeleteAlbum(album: SavedSearch): void;
  onSaveSearch(): void;
  /** Docked at the bottom (the queue panel). */
  footer?: ReactNode;
}

export function Sidebar(props: SidebarProps) {
  const { folders, trees, searching, scope, onScope, indexing } = props;
  const allPhotos = folders.reduce((sum, folder) => sum + folder.photoCount, 0);
  const allMatches = folders.reduce((sum, folder) => sum + libraryFolderTree(folder.path, trees.get(folder.id)).total, 0);
  return (
    <nav className="sidebar" aria-label="Library">
      <div className="sidebar-scroll">
        <section className="sidebar-section" aria-labelledby="sidebar-folders">
          <div className="section-head">
            <h2 id="sidebar-folders">Folders</h2>
            <button type="button" className="icon-button" onClick={props.onAddFolder}>
              <Icon name="plus" />
              <span>Add folder</span>
            </button>
          </div>
          <ul className="folder-list">
            <li>
              <div className="folder-row">
                <span className="twisty-space" />
                <button
                  type="button"
                  className="folder"
                  aria-current={scope.kind === 'all' ? 'true' : undefined}
                  onClick={() => onScope({ kind: 'all' })}
                >
                  <span className="folder-name">All photos</span>
                  <Count value={searching ? allMatches : allPhotos} />
                </button>
              </div>
            </li>
            {folders.map((folder) => (
              <LibraryFolder
                key={folder.id}
                folder={folder}
                tree={trees.get(folder.id)}
                searching={searching}
                scope={scope}
                onScope={onScope}
                progress={progressFor(folder, indexing)}
                onSettings={() => props.onFolderSettings(folder)}
              />
            ))}
          </ul>
          {folders.length === 0 && <p className="hint">Add a folder of photos to start your library. Files stay where they are.</p>}
        </section>
        <SmartAlbums {...props} />
      </div>
      {props.footer && <div className="sidebar-footer">{props.footer}</div>}
    </nav>
  );
}

function progressFor(folder: Folder, indexing: ReadonlyMap<string, IndexProgress>): IndexProgress | undefined {
  for (const [path, progress] of indexing) {
    if (progress.phase === 'done') continue;
    if (path === folder.path || path.startsWith(`${folder.path}/`) || path.startsWith(`${folder.path}\\`)) return progress;
  }
  return undefined;
}

function Count({ value }: { value: number }) {
  return (
    <span className="folder-count">
      {value.toLocaleString('en-US')}
      <span className="visually-hidden"> {value === 1 ? 'photo' : 'photos'}</span>
    </span>
  );
}

interface LibraryFolderProps {
  folder: Folder;
  tree: readonly FolderNode[] | undefined;
  searching: boolean;
  scope: SearchScope;
  onScope(scope: SearchScope): void;
  progress: IndexProgress | undefined;
  onSettings(): void;
}

function LibraryFolder({ folder, tree, searching, scope, onScope, progress, onSettings }: LibraryFolderProps) {
  const [expanded, setExpanded] = useState(false);
  const { children, total } = libraryFolderTree(folder.path, tree);
  const current = scope.kind === 'folder' && scope.folderId === folder.id;
  const meta: string[] = [];
  meta.push(folder.lastIndexedAt ? `Indexed ${timeAgo(folder.lastIndexedAt, new Date())}` : 'Not indexed yet');
  if (folder.autoCaptionProvider) meta.push(`Auto-caption: ${folder.autoCaptionProvider}`);
  return (
    <li>
      <div className="folder-row">
        <Twisty expanded={expanded} hasChildren={children.length > 0} name={folder.name} onToggle={() => setExpanded(!expanded)} />
        <button
          type="button"
          className="folder"
          title={folder.path}
          aria-current={current ? 'true' : undefined}
          onClick={() => onScope({ kind: 'folder', folderId: folder.id })}
        >
          <span className="folder-name">{folder.name}</span>
          <Count value={searching ? total : folder.photoCount} />
        </button>
        <button type="button" className="icon-only subtle" aria-label={`Folder settings for ${folder.name}`} title="Folder settings" onClick={onSettings}>
          <Icon name="gear" />
        </button>
      </div>
      {progress ? (
        <div className="folder-progress">
          <progress
            aria-label={`Indexing ${folder.name}`}
            value={progress.phase === 'indexing' ? progress.done : undefined}
            max={Math.max(progress.total, 1)}
          />
          <span className="folder-meta">{indexProgressText(progress)}</span>
        </div>
      ) : (
        <div className="folder-meta">
          {folder.missingCount > 0 && <span className="has-missing">{plural(folder.missingCount, 'file')} missing · </span>}
          {meta.join(' · ')}
        </div>
      )}
      {expanded && children.length > 0 && (
        <SubfolderList nodes={children} scope={scope} onScope={onScope} searching={searching} />
      )}
    </li>
  );
}

function Twisty({ expanded, hasChildren, name, onToggle }: { expanded: boolean; hasChildren: boolean; name: string; onToggle(): void }) {
  if (!hasChildren) return <span className="twisty-space" />;
  return (
    <button
      type="button"
      className={`twisty${expanded ? ' expanded' : ''}`}
      aria-expanded={expanded}
      aria-label={`Subfolders of ${name}`}
      onClick={onToggle}
    >
      <Icon name="chevron" />
    </button>
  );
}

function SubfolderList({ nodes, scope, onScope, searching }: { nodes: FolderNode[]; scope: SearchScope; onScope(scope: SearchScope): void; searching: boolean }) {
  return (
    <ul className="folder-list nested">
      {nodes.map((node) => (
        <Subfolder key={node.path} node={node} scope={scope} onScope={onScope} searching={searching} />
      ))}
    </ul>
  );
}

function Subfolder({ node, scope, onScope, searching }: { node: FolderNode; scope: SearchScope; onScope(scope: SearchScope): void; searching: boolean }) {
  const [expanded, setExpanded] = useState(false);
  const current = scope.kind === 'path' && scope.path === node.path;
  return (
    <li>
      <div className="folder-row">
        <Twisty expanded={expanded} hasChildren={node.children.length > 0} name={node.name} onToggle={() => setExpanded(!expanded)} />
        <button
          type="button"
          className="folder"
          title={node.path}
          aria-current={current ? 'true' : undefined}
          onClick={() => onScope({ kind: 'path', path: node.path })}
        >
          <span className="folder-name">{node.name}</span>
          <Count value={node.total} />
        </button>
      </div>
      {expanded && node.children.length > 0 && (
        <SubfolderList nodes={node.children} scope={scope} onScope={onScope} searching={searching} />
      )}
    </li>
  );
}

function SmartAlbums({ albums, activeAlbumId, onOpenAlbum, onRenameAlbum, onDeleteAlbum, onSaveSearch }: SidebarProps) {
  return (
    <section className="sidebar-section" aria-labelledby="sidebar-albums">
      <div className="section-head">
        <h2 id="sidebar-albums">Smart albums</h2>
        <button type="button" className="icon-button" onClick={onSaveSearch}>
          <Icon name="plus" />
          <span>Save search</span>
        </button>
      </div>
      {albums.length === 0 ? (
        <p className="hint">Save a search to keep it here; it runs again each time you open it.</p>
      ) : (
        <ul className="folder-list">
          {albums.map((album) => (
            <li key={album.id}>
              <div className="folder-row album-row">
                <button
                  type="button"
                  className="folder"
                  aria-current={activeAlbumId === album.id ? 'true' : undefined}
                  onClick={() => onOpenAlbum(album)}
                >
                  <Icon name="album" className="album-icon" />
                  <span className="folder-name">{album.name}</span>
                </button>
                <button type="button" className="icon-only subtle" aria-label={`Rename album ${album.name}`} title="Rename" onClick={() => onRenameAlbum(album)}>
                  <Icon name="pencil" />
                </button>
                <button type="button" className="icon-only subtle" aria-label={`Delete album ${album.name}`} title="Delete" onClick={() => onDeleteAlbum(album)}>
                  <Icon name="trash" />
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
