import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AppCommand } from '../../shared/contract';
import type { CaptionProgress, ProviderSummary } from '../../shared/captioning';
import type { Folder, FolderCount, IndexProgress, SavedSearch, SearchCriteria, SearchHit } from '../../shared/domain';
import type { WriteProgress } from '../../shared/metadata';
import type { QueueStatus } from '../../shared/queue';
import type { AppSettings } from '../../shared/settings';
import { CaptionDialog } from './components/CaptionDialog';
import { ExportDialog } from './components/ExportDialog';
import { FilterPanel } from './components/FilterPanel';
import { FirstRun } from './components/first-run/FirstRun';
import { FolderSettingsDialog } from './components/FolderSettingsDialog';
import { Icon } from './components/Icon';
import { Inspector } from './components/inspector/Inspector';
import { ChoiceDialog, ConfirmDialog, TextPromptDialog } from './components/Modal';
import { PhotoGrid, type CellClick } from './components/PhotoGrid';
import { QueuePanel } from './components/queue/QueuePanel';
import { SearchBox } from './components/SearchBox';
import { SelectionBar } from './components/SelectionBar';
import { SettingsDialog } from './components/settings/SettingsDialog';
import { Sidebar } from './components/Sidebar';
import { StatusLine, type ActivityMessage } from './components/StatusLine';
import { connectionLostEvent } from './browser-api';
import { errorText } from './errors';
import { useDebouncedValue } from './hooks/use-debounced-value';
import { usePhotoResults } from './hooks/use-photo-results';
import { folderTrees } from './lib/folder-tree';
import { approvedText, captionProgressText, draftsQuestion, indexProgressText, plural, queueText, writeQueuedText } from './lib/format';
import {
  activeFilterCount,
  countText,
  criteriaFrom,
  initialSearch,
  isFiltered,
  searchStateFrom,
  type SearchScope,
  type SearchState,
} from './lib/search-criteria';
import { commandForKey } from './lib/shortcuts';
import { removeAnywayText } from './lib/remove-folder';
import { SearchIdCache } from './lib/search-ids';
import {
  emptySelection,
  idsBetween,
  withoutIds,
  rangeBounds,
  selectAll,
  selectOnly,
  selectRange,
  toggle,
  withoutAnchor,
  type Selection,
} from './lib/selection';

const searchDelayMs = 150;
/** Indexing reports a change per batch of files: reload at most this often. */
const reloadDelayMs = 300;
/** The most photo ids one approve call takes. */
const approveChunk = 10_000;

type DialogState =
  | { kind: 'addFolder'; resolve?: (path: string | null) => void }
  | { kind: 'folderSettings'; folder: Folder }
  | { kind: 'removeFolder'; folder: Folder }
  /** Not removed: that would forget write-backs that could still be reverted. */
  | { kind: 'removeFolderAnyway'; folder: Folder; reason: string }
  | { kind: 'writeDrafts'; drafts: number }
  | { kind: 'saveSearch' }
  | { kind: 'renameAlbum'; album: SavedSearch }
  | { kind: 'deleteAlbum'; album: SavedSearch }
  | { kind: 'caption' }
  | { kind: 'export' };

export function App() {
  const [settings, setSettings] = useState<AppSettings | null>(null);
  const [providers, setProviders] = useState<ProviderSummary[]>([]);
  const [folders, setFolders] = useState<Folder[] | null>(null);
  const [albums, setAlbums] = useState<SavedSearch[]>([]);
  const [folderCounts, setFolderCounts] = useState<FolderCount[]>([]);
  const [search, setSearch] = useState<SearchState>(initialSearch);
  const [activeAlbumId, setActiveAlbumId] = useState<number | null>(null);
  const [filtersOpen, setFiltersOpen] = useState(false);
  const [selection, setSelection] = useState<Selection>(emptySelection);
  const [focusedIndex, setFocusedIndex] = useState(0);
  const [openPhotoId, setOpenPhotoId] = useState<number | null>(null);
  const [dialog, setDialog] = useState<DialogState | null>(null);
  const [settingsOpen, setSettingsOpen] = useState(false);
  /** Decided once, when settings and folders first load: the flow adds a folder itself and must stay open. */
  const [firstRunOpen, setFirstRunOpen] = useState<boolean | null>(null);
  const [indexing, setIndexing] = useState<ReadonlyMap<string, IndexProgress>>(new Map());
  const [captionRuns, setCaptionRuns] = useState<ReadonlyMap<number, CaptionProgress>>(new Map());
  const [queueStatus, setQueueStatus] = useState<QueueStatus | null>(null);
  const [writeProgress, setWriteProgress] = useState<WriteProgress | null>(null);
  const [message, setMessage] = useState<ActivityMessage | undefined>();
  const [busy, setBusy] = useState(false);
  // Bumped (at most every reloadDelayMs) when the library changes: folders, counts and pages reload.
  const [libraryVersion, setLibraryVersion] = useState(0);
  const reloadTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const info = useCallback((text: string) => setMessage({ text, tone: 'info' }), []);
  const showError = useCallback((reason: unknown) => setMessage({ text: errorText(reason), tone: 'error' }), []);
  const scheduleReload = useCallback(() => {
    if (reloadTimer.current !== undefined) return;
    reloadTimer.current = setTimeout(() => {
      reloadTimer.current = undefined;
      setLibraryVersion((version) => version + 1);
    }, reloadDelayMs);
  }, []);
  useEffect(() => () => clearTimeout(reloadTimer.current), []);

  const loadSettings = useCallback(() => {
    window.api.invoke('settings:get', {}).then(setSettings, showError);
    window.api.invoke('providers:list', {}).then(setProviders, showError);
  }, [showError]);
  const loadAlbums = useCallback(() => {
    window.api.invoke('search:listSaved', {}).then(setAlbums, showError);
  }, [showError]);
  useEffect(() => {
    loadSettings();
    loadAlbums();
  }, [loadSettings, loadAlbums]);

  useEffect(() => {
    let current = true;
    window.api.invoke('library:listFolders', {}).then((list) => current && setFolders(list), showError);
    return () => {
      current = false;
    };
  }, [libraryVersion, showError]);

  // Live updates from the core.
  useEffect(() => {
    const stops = [
      window.api.on('library:changed', scheduleReload),
      window.api.on('index:progress', (progress) => {
        setIndexing((old) => new Map(old).set(progress.folder, progress));
        if (progress.phase === 'done') scheduleReload();
      }),
      window.api.on('captions:progress', (progress) => {
        setCaptionRuns((old) => new Map(old).set(progress.runId, progress));
        if (progress.done + progress.failed >= progress.total) {
          const failed = progress.failed > 0 ? `, ${plural(progress.failed, 'photo')} failed` : '';
          setMessage({ text: `Captioned ${plural(progress.done, 'photo')} with ${progress.provider}${failed}.`, tone: 'info' });
          scheduleReload();
        }
      }),
      window.api.on('queue:progress', setQueueStatus),
      window.api.on('metadata:progress', (progress) => {
        setWriteProgress(progress);
        if (progress.done >= progress.total) scheduleReload();
      }),
      window.api.on('watch:notice', ({ message: text }) => setMessage({ text, tone: 'info' })),
    ];
    const onConnectionLost = (event: Event) => setMessage({ text: String((event as CustomEvent).detail), tone: 'error' });
    window.addEventListener(connectionLostEvent, onConnectionLost);
    return () => {
      stops.forEach((stop) => stop());
      window.removeEventListener(connectionLostEvent, onConnectionLost);
    };
  }, [scheduleReload]);

  // The app's keys, and the desktop menu's items that show them.
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented) return;
      const context = { typing: isTypingTarget(event.target), dialogOpen: document.querySelector('dialog[open]') !== null };
      const command = commandForKey(event, context);
      if (!command) return;
      event.preventDefault();
      runCommandRef.current(command);
    };
    document.addEventListener('keydown', onKeyDown);
    const stop = window.api.on('app:command', ({ command }) => runCommandRef.current(command));
    return () => {
      document.removeEventListener('keydown', onKeyDown);
      stop();
    };
  }, []);

  // Search as the user types, once typing pauses.
  const criteriaKey = JSON.stringify(criteriaFrom(search));
  const settledKey = useDebouncedValue(criteriaKey, searchDelayMs);
  const settled = useMemo(() => JSON.parse(settledKey) as SearchCriteria, [settledKey]);
  const results = usePhotoResults(settled, libraryVersion);
  const { pages } = results;
  const count = pages.count;

  useEffect(() => {
    setFocusedIndex(0);
    setSelection(withoutAnchor);
  }, [settledKey]);
  useEffect(() => {
    if (results.error) showError(results.error);
  }, [results.error, showError]);

  // Counts per folder for the same search, everywhere in the library.
  const countsKey = useMemo(() => {
    const { folder, folderId, sort, ...rest } = settled;
    void folder;
    void folderId;
    void sort;
    return JSON.stringify(rest);
  }, [settled]);
  useEffect(() => {
    let current = true;
    window.api
      .invoke('photos:folderCounts', JSON.parse(countsKey) as SearchCriteria)
      .then((counts) => current && setFolderCounts(counts), showError);
    return () => {
      current = false;
    };
  }, [countsKey, libraryVersion, showError]);
  const trees = useMemo(() => folderTrees(folderCounts), [folderCounts]);

  // Every id the search matches, for select-all and Shift ranges over rows never loaded.
  const searchIds = useRef(new SearchIdCache());
  const loadSearchIds = () =>
    searchIds.current.get(`${settledKey}#${libraryVersion}`, () => window.api.invoke('photos:ids', settled));
  const hasSelection = selection.ids.size > 0;

  // Photos leave the library only with their folder: then they leave the selection too.
  const folderIdsKey = folders?.map((folder) => folder.id).join(',') ?? '';
  const previousFolderIds = useRef(folderIdsKey);
  useEffect(() => {
    const before = previousFolderIds.current.split(',');
    previousFolderIds.current = folderIdsKey;
    const now = new Set(folderIdsKey.split(','));
    if (!hasSelection || before.every((id) => now.has(id))) return;
    let current = true;
    window.api.invoke('photos:selectionSummary', { photoIds: [...selection.ids] }).then((summary) => {
      if (current && summary.gone.length) setSelection((old) => withoutIds(old, summary.gone));
    }, showError);
    return () => {
      current = false;
    };
  }, [folderIdsKey]);

  // The count is kept until the new search answers, so it does not flicker while typing.
  const countRef = useRef('');
  if (pages.answered) {
    countRef.current = countText(count, pages.countIsExact, { text: settled.text ?? '', filters: search.filters });
  }

  const updateSearch = (change: Partial<SearchState>) => {
    setSearch((old) => ({ ...old, ...change }));
    setActiveAlbumId(null);
  };

  // After a reload that shrank the results the focus is clamped; moves and ranges start from there.
  const focused = Math.min(focusedIndex, Math.max(0, count - 1));

  /**
   * Shift-click or Shift+Arrow: the ids between the anchor and `index`, from the loaded pages when
   * they hold them all, else from the search's id list (fetched once).
   */
  const extendTo = (base: Selection, index: number, additive: boolean) => {
    const { first, last } = rangeBounds(base, index);
    const loaded = pages.loadedBetween(first, last);
    if (loaded.length === last - first + 1) {
      setSelection(selectRange(base, index, loaded.map((hit) => hit.id), additive));
      return;
    }
    const search = settledKey;
    loadSearchIds().then((list) => {
      if (search !== settledKeyRef.current) return;
      // A click made while the ids loaded wins: the range applies only to the selection it began from.
      setSelection((now) => (now === base ? selectRange(base, index, idsBetween(list.ids, first, last), additive) : now));
    }, showError);
  };
  const settledKeyRef = useRef(settledKey);
  settledKeyRef.current = settledKey;

  const onCellClick = (index: number, photo: SearchHit, how: CellClick) => {
    if (how.range) extendTo(selection, index, how.toggle);
    else setSelection((old) => (how.toggle ? toggle(old, index, photo.id) : selectOnly(index, photo.id)));
  };

  const onKeyboardMove = (index: number, extend: boolean) => {
    setFocusedIndex(index);
    if (extend) extendTo(selection.anchor === null ? { ...selection, anchor: focused } : selection, index, false);
  };

  const onToggle = (index: number) => {
    const photo = pages.at(index);
    if (photo) setSelection((old) => toggle(old, index, photo.id));
  };

  /** Ctrl/Cmd+A: every photo the search matches, loaded or not. */
  const onSelectAll = () => {
    const search = settledKey;
    loadSearchIds().then((list) => {
      if (search === settledKeyRef.current) setSelection(selectAll(list.ids, list.truncated));
    }, showError);
  };

  const openAt = (index: number) => {
    const photo = pages.at(index);
    if (photo) setOpenPhotoId(photo.id);
  };

  const closeInspector = () => {
    setOpenPhotoId(null);
    // Back to the photo that was open, so keyboard users keep their place.
    requestAnimationFrame(() => document.querySelector<HTMLElement>('.photo-grid [tabindex="0"]')?.focus());
  };

  const selectedIds = useMemo(() => [...selection.ids], [selection.ids]);

  const addAndIndex = async (path: string): Promise<string | void> => {
    let folder: Folder;
    try {
      folder = await window.api.invoke('library:addFolder', { path });
    } catch (reason) {
      return errorText(reason);
    }
    setDialog(null);
    setFolders((old) => (old ? [...old.filter((known) => known.id !== folder.id), folder] : [folder]));
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
      setDialog({ kind: 'addFolder' });
      return;
    }
    try {
      const path = await window.api.shell('dialog:pickFolder');
      if (path) await addAndIndex(path).then((problem) => problem && showError(problem));
    } catch (reason) {
      showError(reason);
    }
  };

  /** For the first-run flow: the native picker, or in a browser the same path dialog. */
  const pickFolder = (): Promise<string | null> => {
    if (window.api.hasNativeDialogs) return window.api.shell('dialog:pickFolder');
    return new Promise((resolve) => setDialog({ kind: 'addFolder', resolve }));
  };

  /** Runs a bulk action with the buttons disabled; its answer (if any) goes to the status line. */
  const runBulk = async (action: () => Promise<string | null>) => {
    setBusy(true);
    try {
      const text = await action();
      if (text !== null) info(text);
    } catch (reason) {
      showError(reason);
    } finally {
      setBusy(false);
    }
  };

  const approveSelected = () =>
    runBulk(async () => {
      const ids = selectedIds;
      let approved = 0;
      for (let start = 0; start < ids.length; start += approveChunk) {
        approved += (await window.api.invoke('captions:approve', { photoIds: ids.slice(start, start + approveChunk), approved: true })).count;
      }
      scheduleReload();
      return approvedText(approved, ids.length);
    });

  const queueWrite = async (approvedOnly: boolean) => {
    const write = settings?.write ?? {};
    const queued = await window.api.invoke('metadata:queueWrite', { ...write, photoIds: selectedIds, approvedOnly });
    return writeQueuedText(queued.count, selectedIds.length, approvedOnly);
  };

  /** Drafts nobody approved are written only when the user says so. */
  const writeSelected = () =>
    runBulk(async () => {
      const { draft } = await window.api.invoke('photos:selectionSummary', { photoIds: selectedIds });
      if (draft === 0) return queueWrite(false);
      setDialog({ kind: 'writeDrafts', drafts: draft });
      return null;
    });

  const removeFolder = (folder: Folder, forgetWrites: boolean) => {
    window.api.invoke('library:removeFolder', { folderId: folder.id, forgetWrites }).then(
      ({ removed, revertableWrites }) => {
        if (!removed) return setDialog({ kind: 'removeFolderAnyway', folder, reason: removeAnywayText(folder.name, revertableWrites) });
        setFolders((old) => old?.filter((known) => known.id !== folder.id) ?? null);
        if (search.scope.kind === 'folder' && search.scope.folderId === folder.id) scopeTo({ kind: 'all' });
        info(`Removed ${folder.name} from the library; its files are untouched.`);
        scheduleReload();
      },
      showError,
    );
  };

  /** What a shortcut or the desktop app's menu asks for. */
  const runCommand = (command: AppCommand) => {
    switch (command) {
      case 'addFolder':
        return void addFolder();
      case 'focusSearch':
        return document.querySelector<HTMLInputElement>('input[type="search"]')?.focus();
      case 'openSettings':
        return setSettingsOpen(true);
      case 'captionSelection':
        return hasSelection ? setDialog({ kind: 'caption' }) : undefined;
      case 'approveSelection':
        return hasSelection && !busy ? void approveSelected() : undefined;
      case 'writeSelection':
        return hasSelection && !busy ? void writeSelected() : undefined;
      case 'showQueue':
        return document.querySelector<HTMLElement>('section[aria-label="Queue"]')?.focus();
    }
  };
  const runCommandRef = useRef(runCommand);
  runCommandRef.current = runCommand;

  const scopeTo = (scope: SearchScope) => updateSearch({ scope });
  if (firstRunOpen === null && settings !== null && folders !== null) {
    setFirstRunOpen(!settings.onboarded && folders.length === 0);
  }
  const indexingNow = [...indexing.values()].find((progress) => progress.phase !== 'done');
  const activity: string[] = [];
  for (const run of captionRuns.values()) if (run.done + run.failed < run.total) activity.push(captionProgressText(run));
  if (writeProgress && writeProgress.done < writeProgress.total) {
    activity.push(`Writing metadata: ${writeProgress.done.toLocaleString('en-US')} of ${writeProgress.total.toLocaleString('en-US')}`);
  }
  const queueLine = queueStatus && queueText(queueStatus);
  if (queueLine && activity.length === 0) activity.push(queueLine);

  const filterCount = activeFilterCount(search.filters);
  const libraryEmpty = folders !== null && folders.length === 0;

  return (
    <div className={`app${openPhotoId !== null ? ' with-inspector' : ''}`}>
      <Sidebar
        folders={folders ?? []}
        trees={trees}
        searching={isFiltered(search)}
        scope={search.scope}
        onScope={scopeTo}
        indexing={indexing}
        onAddFolder={() => void addFolder()}
        onFolderSettings={(folder) => setDialog({ kind: 'folderSettings', folder })}
        albums={albums}
        activeAlbumId={activeAlbumId}
        onOpenAlbum={(album) => {
          setSearch(searchStateFrom(album.criteria));
          setActiveAlbumId(album.id);
        }}
        onRenameAlbum={(album) => setDialog({ kind: 'renameAlbum', album })}
        onDeleteAlbum={(album) => setDialog({ kind: 'deleteAlbum', album })}
        onSaveSearch={() => setDialog({ kind: 'saveSearch' })}
        footer={<QueuePanel />}
      />
      <main className="content">
        <header className="toolbar">
          <SearchBox value={search.text} onChange={(text) => updateSearch({ text })} />
          <button
            type="button"
            className={`toolbar-button${filterCount > 0 ? ' active' : ''}`}
            aria-expanded={filtersOpen}
            aria-controls="filter-panel"
            onClick={() => setFiltersOpen(!filtersOpen)}
          >
            <Icon name="filter" />
            Filters
            {filterCount > 0 && (
              <span className="pill">
                {filterCount}
                <span className="visually-hidden"> active</span>
              </span>
            )}
          </button>
          <label className="sort">
            <span>Sort by</span>
            <select value={search.sort} onChange={(event) => updateSearch({ sort: event.target.value as SearchState['sort'] })}>
              <option value="relevance">Relevance</option>
              <option value="date">Date taken</option>
            </select>
          </label>
          <button type="button" className="toolbar-button push-left" onClick={() => setSettingsOpen(true)}>
            <Icon name="gear" />
            Settings
          </button>
        </header>
        {filtersOpen && (
          <FilterPanel id="filter-panel" filters={search.filters} providers={providers} onChange={(filters) => updateSearch({ filters })} />
        )}
        {hasSelection && (
          <SelectionBar
            selection={selection}
            busy={busy}
            onCaption={() => setDialog({ kind: 'caption' })}
            onApprove={() => void approveSelected()}
            onWrite={() => void writeSelected()}
            onExport={() => setDialog({ kind: 'export' })}
            onClear={() => setSelection(emptySelection())}
          />
        )}
        <div className="results">
          {pages.answered && count === 0 ? (
            <EmptyState
              libraryEmpty={libraryEmpty}
              filtered={isFiltered(search) || search.scope.kind !== 'all'}
              onAddFolder={() => void addFolder()}
              onClear={() => {
                setSearch(initialSearch);
                setActiveAlbumId(null);
              }}
            />
          ) : (
            <PhotoGrid
              results={results}
              count={count}
              selected={selection.ids}
              focusedIndex={focused}
              showSnippets={(settled.text ?? '').trim() !== ''}
              scrollResetKey={settledKey}
              onFocusIndex={setFocusedIndex}
              onCellClick={onCellClick}
              onKeyboardMove={onKeyboardMove}
              onToggle={onToggle}
              onSelectAll={onSelectAll}
              onClearSelection={() => setSelection(emptySelection())}
              onOpen={openAt}
              onCloseInspector={openPhotoId !== null ? closeInspector : undefined}
            />
          )}
        </div>
        <StatusLine
          countText={countRef.current}
          indexing={indexingNow}
          indexingText={indexingNow && indexProgressText(indexingNow)}
          activity={activity}
          message={message}
          onDismissMessage={() => setMessage(undefined)}
        />
      </main>
      {openPhotoId !== null && (
        <div className="inspector-pane">
          <Inspector photoId={openPhotoId} onClose={closeInspector} />
        </div>
      )}

      <SettingsDialog
        open={settingsOpen}
        onClose={() => {
          setSettingsOpen(false);
          loadSettings();
        }}
      />
      {firstRunOpen && (
        <FirstRun
          onPickFolder={pickFolder}
          onDone={(problem) => {
            setFirstRunOpen(false);
            if (problem) showError(problem);
            loadSettings();
            scheduleReload();
          }}
        />
      )}
      {dialog && renderDialog(dialog)}
    </div>
  );

  function renderDialog(current: DialogState) {
    const close = () => setDialog(null);
    switch (current.kind) {
      case 'addFolder':
        return (
          <TextPromptDialog
            title="Add a folder"
            label="Folder path"
            submitLabel="Add"
            placeholder="/Users/you/Pictures"
            description="Captionist indexes every photo below this folder. The files stay where they are."
            onSubmit={(path) => {
              if (current.resolve) {
                current.resolve(path);
                close();
                return;
              }
              return addAndIndex(path);
            }}
            onCancel={() => {
              current.resolve?.(null);
              close();
            }}
          />
        );
      case 'folderSettings':
        return (
          <FolderSettingsDialog
            folder={current.folder}
            providers={providers}
            onSaved={(saved) => {
              setFolders((old) => old?.map((folder) => (folder.id === saved.id ? saved : folder)) ?? null);
              info(`Saved the settings of ${saved.name}.`);
              close();
            }}
            onRemove={() => setDialog({ kind: 'removeFolder', folder: current.folder })}
            onClose={close}
          />
        );
      case 'removeFolder':
        return (
          <ConfirmDialog
            title={`Remove “${current.folder.name}” from the library?`}
            message={
              <p>
                Its {plural(current.folder.photoCount, 'photo')}, their captions and queued jobs leave Captionist. The files in{' '}
                <span className="path-text">{current.folder.path}</span> are not touched, and you can add the folder again later.
              </p>
            }
            confirmLabel="Remove"
            danger
            onCancel={close}
            onConfirm={() => {
              close();
              removeFolder(current.folder, false);
            }}
          />
        );
      case 'removeFolderAnyway':
        return (
          <ConfirmDialog
            title={`Remove “${current.folder.name}” anyway?`}
            message={<p>{current.reason}</p>}
            confirmLabel="Remove anyway"
            danger
            onCancel={close}
            onConfirm={() => {
              close();
              removeFolder(current.folder, true);
            }}
          />
        );
      case 'writeDrafts':
        return (
          <ChoiceDialog
            title="Write draft captions too?"
            message={draftsQuestion(current.drafts)}
            choices={[
              { label: 'Only approved ones', onChoose: () => void runBulk(() => queueWrite(true)) },
              { label: 'Write drafts too', primary: true, onChoose: () => void runBulk(() => queueWrite(false)) },
            ]}
            onCancel={close}
            onChosen={close}
          />
        );
      case 'saveSearch':
        return (
          <TextPromptDialog
            title="Save search as a smart album"
            label="Album name"
            submitLabel="Save"
            description="The album runs this search again each time you open it."
            onSubmit={async (name) => {
              try {
                const album = await window.api.invoke('search:save', { name, criteria: criteriaFrom(search) });
                setActiveAlbumId(album.id);
                loadAlbums();
                info(`Saved the smart album ${album.name}.`);
                close();
              } catch (reason) {
                return errorText(reason);
              }
            }}
            onCancel={close}
          />
        );
      case 'renameAlbum':
        return (
          <TextPromptDialog
            title="Rename smart album"
            label="Album name"
            submitLabel="Rename"
            initialValue={current.album.name}
            onSubmit={async (name) => {
              try {
                await window.api.invoke('search:renameSaved', { id: current.album.id, name });
                loadAlbums();
                close();
              } catch (reason) {
                return errorText(reason);
              }
            }}
            onCancel={close}
          />
        );
      case 'deleteAlbum':
        return (
          <ConfirmDialog
            title={`Delete the smart album “${current.album.name}”?`}
            message="Only the saved search goes; no photos are removed."
            confirmLabel="Delete"
            danger
            onCancel={close}
            onConfirm={() => {
              close();
              window.api.invoke('search:deleteSaved', { id: current.album.id }).then(() => {
                if (activeAlbumId === current.album.id) setActiveAlbumId(null);
                loadAlbums();
                info(`Deleted the smart album ${current.album.name}.`);
              }, showError);
            }}
          />
        );
      case 'caption':
        return (
          <CaptionDialog
            photoIds={selectedIds}
            providers={providers}
            defaultProvider={settings?.defaultProvider ?? null}
            onQueued={(text) => {
              info(text);
              close();
            }}
            onOpenSettings={() => {
              close();
              setSettingsOpen(true);
            }}
            onClose={close}
          />
        );
      case 'export':
        return (
          <ExportDialog
            photoIds={selectedIds}
            onExported={(text) => {
              info(text);
              close();
            }}
            onClose={close}
          />
        );
    }
  }
}


interface EmptyStateProps {
  libraryEmpty: boolean;
  filtered: boolean;
  onAddFolder(): void;
  onClear(): void;
}

function EmptyState({ libraryEmpty, filtered, onAddFolder, onClear }: EmptyStateProps) {
  if (libraryEmpty) {
    return (
      <div className="empty-state">
        <Icon name="folder" className="empty-icon" />
        <h2>Your library is empty</h2>
        <p>Add a folder of photos. Captionist indexes them where they are and never moves a file.</p>
        <button type="button" className="primary" onClick={onAddFolder}>
          Add your first folder
        </button>
      </div>
    );
  }
  return (
    <div className="empty-state">
      <h2>{filtered ? 'No photos match' : 'No photos here yet'}</h2>
      <p>{filtered ? 'Try other words, fewer filters, or the whole library.' : 'Photos appear here as the folder is indexed.'}</p>
      {filtered && (
        <button type="button" onClick={onClear}>
          Clear search and filters
        </button>
      )}
    </div>
  );
}

/** Where a letter key is text rather than a command. */
function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit', 'reset', 'range'].includes(target.type);
}
