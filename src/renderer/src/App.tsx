import { Suspense, useState } from 'react';
import { DialogHost } from './components/dialogs/DialogHost';
import { EmptyState } from './components/EmptyState';
import { FilterPanel } from './components/FilterPanel';
import { PhotoGrid } from './components/PhotoGrid';
import { Inspector, QueuePanel } from './components/lazy-parts';
import { SelectionBar } from './components/SelectionBar';
import { SimilarSearchBar } from './components/SimilarSearchBar';
import { Sidebar } from './components/Sidebar';
import { StatusLine } from './components/StatusLine';
import { Toolbar } from './components/Toolbar';
import { useAlbums } from './hooks/use-albums';
import { useAppCommands } from './hooks/use-app-commands';
import { useBulkActions } from './hooks/use-bulk-actions';
import { useDialogs } from './hooks/use-dialogs';
import { useFolderActions } from './hooks/use-folder-actions';
import { useFolderCounts } from './hooks/use-folder-counts';
import { useFolders } from './hooks/use-folders';
import { useGridSelection } from './hooks/use-grid-selection';
import { useInspector } from './hooks/use-inspector';
import { useLibraryActivity } from './hooks/use-library-activity';
import { useLibraryVersion } from './hooks/use-library-version';
import { useSearch } from './hooks/use-search';
import { useSettings } from './hooks/use-settings';
import { useStatusMessage } from './hooks/use-status-message';
import { indexProgressText } from './lib/format';
import { useFirstScreenShown } from './lib/first-screen';
import { activeFilterCount, isFiltered } from './lib/search-criteria';

/** The layout: each concern's state lives in its hook; this wires them to the components. */
export function App() {
  const status = useStatusMessage();
  const { libraryVersion, scheduleReload } = useLibraryVersion();
  const settings = useSettings(status.showError);
  const albums = useAlbums(status.showError);
  const folders = useFolders(libraryVersion, status.showError);
  const activity = useLibraryActivity({ scheduleReload, info: status.info, showError: status.showError });
  const search = useSearch(libraryVersion, status.showError);
  const trees = useFolderCounts(search.settled, libraryVersion, status.showError);
  const selection = useGridSelection(search, libraryVersion, folders.folders, status.showError);
  const inspector = useInspector(search.results.pages);
  const dialogs = useDialogs(settings.settings, folders.folders);
  const folderActions = useFolderActions({ dialogs, folders, search, status, scheduleReload });
  const bulk = useBulkActions({ selectedIds: selection.selectedIds, settings: settings.settings, dialogs, status, scheduleReload });
  const [filtersOpen, setFiltersOpen] = useState(false);
  const firstScreenShown = useFirstScreenShown();

  const { hasSelection } = selection;
  const addFolder = () => void folderActions.addFolder();
  useAppCommands({
    addFolder,
    openSettings: () => dialogs.setSettingsOpen(true),
    captionSelection: () => hasSelection && dialogs.open({ kind: 'caption' }),
    approveSelection: () => hasSelection && !bulk.busy && void bulk.approveSelected(),
    writeSelection: () => hasSelection && !bulk.busy && void bulk.writeSelected(),
  });

  const { results, settled } = search;
  const { count } = results.pages;
  const inspectorOpen = inspector.openPhotoId !== null;
  const libraryEmpty = folders.folders !== null && folders.folders.length === 0;

  return (
    <div className={`app${inspectorOpen ? ' with-inspector' : ''}`}>
      <Sidebar
        folders={folders.folders ?? []}
        trees={trees}
        searching={isFiltered(search.search)}
        scope={search.search.scope}
        onScope={search.scopeTo}
        indexing={activity.indexing}
        onAddFolder={addFolder}
        onFolderSettings={(folder) => dialogs.open({ kind: 'folderSettings', folder })}
        albums={albums.albums}
        activeAlbumId={search.activeAlbumId}
        onOpenAlbum={search.openAlbum}
        onRenameAlbum={(album) => dialogs.open({ kind: 'renameAlbum', album })}
        onDeleteAlbum={(album) => dialogs.open({ kind: 'deleteAlbum', album })}
        onSaveSearch={() => dialogs.open({ kind: 'saveSearch' })}
        footer={
          firstScreenShown && (
            <Suspense fallback={null}>
              <QueuePanel />
            </Suspense>
          )
        }
      />
      <main className="content">
        <Toolbar
          search={search.search}
          filterCount={activeFilterCount(search.search.filters)}
          filtersOpen={filtersOpen}
          onToggleFilters={() => setFiltersOpen(!filtersOpen)}
          onChange={search.update}
          onOpenSettings={() => dialogs.setSettingsOpen(true)}
        />
        {filtersOpen && (
          <FilterPanel
            id="filter-panel"
            filters={search.search.filters}
            providers={settings.providers}
            onChange={(filters) => search.update({ filters })}
          />
        )}
        {hasSelection && (
          <SelectionBar
            selection={selection.selection}
            busy={bulk.busy}
            onCaption={() => dialogs.open({ kind: 'caption' })}
            onApprove={() => void bulk.approveSelected()}
            onWrite={() => void bulk.writeSelected()}
            onExport={() => dialogs.open({ kind: 'export' })}
            onClear={selection.clear}
          />
        )}
        {search.similar && <SimilarSearchBar similar={search.similar} onLeave={search.leaveSimilar} />}
        <div className="results">
          {results.pages.answered && count === 0 ? (
            <EmptyState
              libraryEmpty={libraryEmpty}
              filtered={isFiltered(search.search) || search.search.scope.kind !== 'all'}
              onAddFolder={addFolder}
              onClear={search.clear}
            />
          ) : (
            <PhotoGrid
              results={results}
              count={count}
              selected={selection.selection.ids}
              focusedIndex={selection.focused}
              showSnippets={(settled.text ?? '').trim() !== ''}
              scrollResetKey={JSON.stringify(search.query)}
              onFocusIndex={selection.setFocusedIndex}
              onCellClick={selection.onCellClick}
              onKeyboardMove={selection.onKeyboardMove}
              onToggle={selection.onToggle}
              onSelectAll={selection.onSelectAll}
              onClearSelection={selection.clear}
              onOpen={inspector.openAt}
              onCloseInspector={inspectorOpen ? inspector.close : undefined}
            />
          )}
        </div>
        <StatusLine
          countText={search.countText}
          indexing={activity.indexingNow}
          indexingText={activity.indexingNow && indexProgressText(activity.indexingNow)}
          activity={results.note ? [...activity.activity, results.note] : activity.activity}
          message={status.message}
          onDismissMessage={status.dismiss}
        />
      </main>
      {inspector.openPhotoId !== null && (
        <div className="inspector-pane">
          <Suspense fallback={null}>
            <Inspector photoId={inspector.openPhotoId} onClose={inspector.close} onFindSimilar={search.findSimilar} />
          </Suspense>
        </div>
      )}
      <DialogHost
        dialogs={dialogs}
        settings={settings}
        folders={folders}
        folderActions={folderActions}
        search={search}
        selectedIds={selection.selectedIds}
        bulk={bulk}
        status={status}
        reloadAlbums={albums.reload}
        scheduleReload={scheduleReload}
      />
    </div>
  );
}
