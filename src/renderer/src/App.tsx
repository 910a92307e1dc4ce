import { useCallback, useEffect, useState } from 'react';
import type { Folder, IndexProgress, SearchResults } from '../../shared/domain';
import { PhotoGrid } from './components/PhotoGrid';
import { SearchBox } from './components/SearchBox';
import { Sidebar } from './components/Sidebar';
import { StatusLine } from './components/StatusLine';
import { errorText } from './errors';

const searchDelayMs = 150;
const pageSize = 200;

export function App() {
  const [folders, setFolders] = useState<Folder[]>([]);
  const [folderId, setFolderId] = useState<number | undefined>();
  const [text, setText] = useState('');
  const [results, setResults] = useState<SearchResults | undefined>();
  const [selectedId, setSelectedId] = useState<number | undefined>();
  const [progress, setProgress] = useState<IndexProgress | undefined>();
  const [error, setError] = useState<string | undefined>();
  // Bumped on every 'library:changed' so the folder list and the results reload.
  const [libraryVersion, setLibraryVersion] = useState(0);

  const showError = useCallback((reason: unknown) => setError(errorText(reason)), []);

  useEffect(() => window.api.on('library:changed', () => setLibraryVersion((version) => version + 1)), []);
  useEffect(() => window.api.on('index:progress', setProgress), []);

  useEffect(() => {
    let current = true;
    window.api.invoke('library:listFolders', {}).then((list) => {
      if (current) setFolders(list);
    }, showError);
    return () => {
      current = false;
    };
  }, [libraryVersion, showError]);

  // Search as the user types, once typing pauses; a stale answer never replaces a newer one.
  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      window.api.invoke('photos:search', { text, folderId, limit: pageSize }).then((found) => {
        if (!current) return;
        setResults(found);
        setError(undefined);
      }, showError);
    }, searchDelayMs);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [text, folderId, libraryVersion, showError]);

  const addFolder = async () => {
    try {
      const path = await window.api.shell('dialog:pickFolder');
      if (!path) return;
      const folder = await window.api.invoke('library:addFolder', { path });
      setFolderId(folder.id);
      const indexed = await window.api.invoke('library:index', { paths: [path] });
      if (indexed.errors.length > 0) {
        setError(`${indexed.errors.length.toLocaleString()} files in ${folder.name} could not be read.`);
      }
    } catch (reason) {
      showError(reason);
    }
  };

  const photos = results?.results ?? [];
  const selected = photos.find((photo) => photo.id === selectedId);

  return (
    <div className="app">
      <Sidebar
        folders={folders}
        selectedId={folderId}
        onSelect={setFolderId}
        onAddFolder={() => void addFolder()}
      />
      <main className="content">
        <header className="toolbar">
          <SearchBox value={text} onChange={setText} />
        </header>
        {results && photos.length === 0 ? (
          <p className="empty">{emptyText(text, folders.length)}</p>
        ) : (
          <PhotoGrid photos={photos} selectedId={selectedId} onSelect={(photo) => setSelectedId(photo.id)} />
        )}
        <StatusLine
          progress={progress}
          counts={results && { shown: photos.length, total: results.total }}
          selected={selected}
          error={error}
        />
      </main>
    </div>
  );
}

function emptyText(text: string, folderCount: number): string {
  if (folderCount === 0) return 'No photos yet. Add a folder to index its photos.';
  return text.trim() ? `No photos match “${text.trim()}”.` : 'No photos in this folder yet.';
}
