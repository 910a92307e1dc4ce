import { statSync } from 'node:fs';
import type { Folder } from '../../shared/domain';
import type { Logger } from '../base/logger';
import { defaultFolderWatchOptions, isWatchLimitError, watchFolderTree } from './chokidar.adapter';
import type { FolderChange, FolderWatch, FolderWatchOptions } from './chokidar.adapter';
import { describeFileError } from './file-errors';
import { detectRemoteFileSystem } from './file-system-type';
import type { IndexedChanges, Indexer } from './indexer';
import { listPhotoFiles } from './walker';

export interface LibraryWatcherOptions {
  /** Quiet time after the last change before a batch is indexed. */
  batchDelayMs: number;
  /** A steady stream of changes (a card being copied in) is still indexed at least this often. */
  maxBatchDelayMs: number;
  /**
   * Index each folder once its watcher is ready, so changes made before watching began (or while
   * the app was closed) are not missed. Incremental: an unchanged file costs one stat.
   */
  catchUp: boolean;
  /** How files are watched; `usePolling` is decided per folder, so it is not taken here. */
  watch: Omit<FolderWatchOptions, 'usePolling'>;
}

export const defaultLibraryWatcherOptions: LibraryWatcherOptions = {
  batchDelayMs: 1000,
  maxBatchDelayMs: 10_000,
  catchUp: true,
  watch: defaultFolderWatchOptions,
};

export interface LibraryWatcherDeps {
  listFolders: () => Folder[];
  indexer: Pick<Indexer, 'indexFiles' | 'indexFolder' | 'markMissing'>;
  logger: Logger;
  now: () => Date;
  /** The chokidar adapter; tests wrap it to make a watch fail. */
  watchFolderTree?: typeof watchFolderTree;
  detectRemoteFileSystem?: (path: string) => Promise<string | undefined>;
  /** Photos added, changed or found under a new name: candidates for (auto-)captioning. */
  onIndexed?: (indexed: { folderId: number; photoIds: number[] }) => void;
  /** Something the photographer should know: watching fell back to polling, a folder went offline. */
  onNotice?: (message: string) => void;
  /** Photos of these folders changed (added, changed, moved, missing, or new index errors). */
  onChanged?: (folderIds: number[]) => void;
}

interface WatchedFolder {
  folder: Folder;
  watch: FolderWatch | undefined;
  /** Counts the watches started; events of an earlier (closed or failed) watch are ignored. */
  generation: number;
  polling: boolean;
  /** The device the folder was on when watching began: another one there means an unmount. */
  device: number | undefined;
  /** Files added, changed or removed since the last batch; the disk says which at batch time. */
  changedFiles: Set<string>;
  /**
   * New folders are listed again at batch time: chokidar reads a new folder before it watches it,
   * so a file moved in at that moment (Finder's "New Folder with Selection") would go unreported.
   */
  addedDirs: Set<string>;
  removedDirs: Set<string>;
  firstChangeAt: number | undefined;
  dueAt: number | undefined;
  timer: NodeJS.Timeout | undefined;
  /** While the folder is unreachable: the check for its return. */
  returnCheck: NodeJS.Timeout | undefined;
  noticed: Set<string>;
  ready: Promise<void>;
  markReady: () => void;
  stopped: boolean;
  /** Unwatched: whatever it still had queued is dropped. */
  discarded: boolean;
}

/**
 * Keeps the library in step with its folders while the app runs. Every library folder gets one
 * chokidar watch; completely written files and removals are gathered into batches per folder and
 * handed to the indexer one batch at a time. A rename or move keeps the photo's id (and captions):
 * the indexer recognises the file's fingerprint, and a removal is held back long enough for the
 * new name's (write-settled) arrival to land in the same batch. Nothing here throws at the
 * caller's event loop: indexing errors go to the index errors, watching errors to the log and
 * `onNotice`.
 */
export class LibraryWatcher {
  private readonly options: LibraryWatcherOptions;
  private readonly folders = new Map<number, WatchedFolder>();
  /** Batches and catch-up runs, one at a time, so the indexer never races itself. */
  private work: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly deps: LibraryWatcherDeps,
    options: Partial<Omit<LibraryWatcherOptions, 'watch'>> & { watch?: Partial<LibraryWatcherOptions['watch']> } = {},
  ) {
    this.options = {
      ...defaultLibraryWatcherOptions,
      ...options,
      watch: { ...defaultLibraryWatcherOptions.watch, ...options.watch },
    };
  }

  /** Watches every library folder (and stops watching folders no longer in it); resolves once all are ready. */
  async start(): Promise<void> {
    const folders = this.deps.listFolders();
    const current = new Set(folders.map((folder) => folder.id));
    await Promise.all([
      ...[...this.folders.keys()].filter((id) => !current.has(id)).map((id) => this.unwatchFolder(id)),
      ...folders.map((folder) => this.watchFolder(folder)),
    ]);
  }

  /**
   * Starts watching one folder; resolves when changes to it are being reported (and, with
   * `catchUp`, once it has been indexed). Watching a folder already watched just waits for it.
   */
  async watchFolder(folder: Folder): Promise<void> {
    if (this.closed) return;
    const existing = this.folders.get(folder.id);
    if (existing) return existing.ready;
    let markReady!: () => void;
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    const state: WatchedFolder = {
      folder,
      watch: undefined,
      generation: 0,
      polling: false,
      device: undefined,
      changedFiles: new Set(),
      addedDirs: new Set(),
      removedDirs: new Set(),
      firstChangeAt: undefined,
      dueAt: undefined,
      timer: undefined,
      returnCheck: undefined,
      noticed: new Set(),
      ready,
      markReady,
      stopped: false,
      discarded: false,
    };
    this.folders.set(folder.id, state);
    const fileSystem = await (this.deps.detectRemoteFileSystem ?? detectRemoteFileSystem)(folder.path);
    if (fileSystem) {
      state.polling = true;
      const drive = fileSystem === 'fuse' ? 'a network or FUSE drive' : 'a network drive';
      this.notice(state, `${folder.path} is on ${drive} (${fileSystem}): checking for changes every ${this.pollSeconds()} s.`);
    }
    this.begin(state, this.options.catchUp);
    return ready;
  }

  /** Stops watching a folder (removed from the library, or absorbed by a parent); its unindexed batch is dropped. */
  async unwatchFolder(folderId: number): Promise<void> {
    const state = this.folders.get(folderId);
    if (!state) return;
    this.folders.delete(folderId);
    state.discarded = true;
    await this.stop(state);
  }

  /**
   * Closes every chokidar watch and timer, then indexes what was already batched (a photo that
   * finished writing just before is not lost) and resolves when that is done. Files still being
   * written at that moment are left to the next start's catch-up.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const states = [...this.folders.values()];
    this.folders.clear();
    await Promise.all(
      states.map(async (state) => {
        const pending = state.changedFiles.size + state.addedDirs.size + state.removedDirs.size > 0;
        await this.stop(state);
        if (pending) this.enqueueBatch(state);
      }),
    );
    await this.work;
  }

  /** Whether a folder is being watched by polling (a network drive, or the system's watch limit reached). */
  isPolling(folderId: number): boolean {
    return this.folders.get(folderId)?.polling ?? false;
  }

  private begin(state: WatchedFolder, catchUp: boolean) {
    if (state.stopped) return;
    const { folder } = state;
    const device = this.deviceOf(folder.path);
    if (device === undefined) {
      this.goOffline(state);
      return;
    }
    state.device = device;
    const generation = ++state.generation;
    const current = () => state.generation === generation && !state.stopped;
    const watch = (this.deps.watchFolderTree ?? watchFolderTree)(
      folder.path,
      { ...this.options.watch, usePolling: state.polling },
      {
        onChange: (change) => {
          if (current()) this.onChange(state, change);
        },
        onError: (error) => {
          if (current()) this.onError(state, error);
        },
        onReady: () => {
          if (!current()) return;
          if (catchUp) this.enqueue(state, () => this.catchUp(state));
          void this.work.then(() => state.markReady());
        },
      },
    );
    // It may have failed while being set up; then it is already replaced.
    if (current()) state.watch = watch;
    else void watch.close();
  }

  private onChange(state: WatchedFolder, change: FolderChange) {
    const { batchDelayMs } = this.options;
    if (change.kind === 'unlinkDir') state.removedDirs.add(change.path);
    else if (change.kind === 'addDir') state.addedDirs.add(change.path);
    else state.changedFiles.add(change.path);
    // A removal waits long enough for a renamed file to settle under its new name and join it.
    const { stabilityThresholdMs, stabilityPollMs } = this.options.watch;
    const isRemoval = change.kind === 'unlink' || change.kind === 'unlinkDir';
    this.schedule(state, isRemoval ? batchDelayMs + stabilityThresholdMs + 2 * stabilityPollMs : batchDelayMs);
  }

  private onError(state: WatchedFolder, error: Error) {
    const { folder } = state;
    this.deps.logger.warn(`watch: ${folder.path}: ${error.message}`);
    if (isWatchLimitError(error) && !state.polling) {
      const code = (error as NodeJS.ErrnoException).code;
      const limit =
        code === 'ENOSPC'
          ? "the system's limit on watched folders was reached (raise fs.inotify.max_user_watches)"
          : "the system's limit on open files was reached (raise fs.inotify.max_user_instances or the open-file limit)";
      this.notice(state, `Watching ${folder.path} by polling every ${this.pollSeconds()} s: ${limit}.`);
      state.polling = true;
      state.generation++;
      const failed = state.watch;
      state.watch = undefined;
      void Promise.resolve(failed?.close()).then(() => {
        // Parts of the folder were never watched: index it all once polling has started.
        if (!state.stopped) this.begin(state, true);
      });
      return;
    }
    const path = (error as NodeJS.ErrnoException).path ?? folder.path;
    this.notice(state, `Watching ${path}: ${describeFileError(error, 'folder')}`);
  }

  private schedule(state: WatchedFolder, delayMs: number) {
    const now = this.deps.now().getTime();
    state.firstChangeAt ??= now;
    const dueAt = Math.min(Math.max(state.dueAt ?? 0, now + delayMs), state.firstChangeAt + this.options.maxBatchDelayMs);
    if (state.timer && dueAt === state.dueAt) return;
    clearTimeout(state.timer);
    state.dueAt = dueAt;
    state.timer = setTimeout(() => this.enqueueBatch(state), Math.max(0, dueAt - now));
  }

  /** Takes the folder's gathered changes as one batch and queues it for indexing. */
  private enqueueBatch(state: WatchedFolder) {
    clearTimeout(state.timer);
    state.timer = undefined;
    state.dueAt = undefined;
    state.firstChangeAt = undefined;
    const files = [...state.changedFiles];
    const addedDirs = [...state.addedDirs];
    const removedDirs = [...state.removedDirs];
    state.changedFiles.clear();
    state.addedDirs.clear();
    state.removedDirs.clear();
    if (files.length + addedDirs.length + removedDirs.length > 0) {
      this.enqueue(state, () => this.indexBatch(state, files, addedDirs, removedDirs));
    }
  }

  private async indexBatch(state: WatchedFolder, files: string[], addedDirs: string[], removedDirs: string[]) {
    const { folder } = state;
    if (state.discarded) return;
    if (!this.isOnline(state)) {
      // The drive went away under us: its photos are not deleted, just out of reach.
      if (!state.stopped) await this.stopAndAwaitReturn(state);
      return;
    }
    // The disk, not the order events came in, says what happened: a file there now is indexed
    // (found again by fingerprint when it was renamed), one not there any more is missing.
    const present = files.filter((path) => this.deviceOf(path) !== undefined);
    // Files moved in keep their old modification time; a fresh one may still be being written,
    // and chokidar reports that one itself once it is complete.
    const settledBefore = this.deps.now().getTime() - this.options.watch.stabilityThresholdMs;
    for (const dir of addedDirs) {
      const listing = await listPhotoFiles(dir).catch(() => undefined);
      for (const file of listing?.files ?? []) {
        if ((this.modifiedAt(file) ?? Infinity) < settledBefore) present.push(file);
      }
    }
    const indexed = await this.deps.indexer.indexFiles(folder, present);
    const missing = this.deps.indexer.markMissing(folder, [...files.filter((path) => !present.includes(path)), ...removedDirs]);
    this.report(folder, indexed, missing);
  }

  private async catchUp(state: WatchedFolder) {
    if (state.stopped || state.discarded) return;
    const indexed = await this.deps.indexer.indexFolder(state.folder);
    this.report(state.folder, indexed, indexed.missing);
  }

  private report(folder: Folder, indexed: IndexedChanges, missing: number) {
    if (indexed.photoIds.length > 0) this.deps.onIndexed?.({ folderId: folder.id, photoIds: indexed.photoIds });
    if (indexed.photoIds.length > 0 || indexed.errors.length > 0 || missing > 0) this.deps.onChanged?.([folder.id]);
  }

  private enqueue(state: WatchedFolder, task: () => Promise<void>) {
    this.work = this.work.then(task).catch((error: unknown) => {
      this.deps.logger.error(`watch: ${state.folder.path}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      this.notice(state, `Changes in ${state.folder.path} could not be indexed; the details are in the log.`);
    });
  }

  private isOnline(state: WatchedFolder): boolean {
    const device = this.deviceOf(state.folder.path);
    return device !== undefined && device === state.device;
  }

  private async stopAndAwaitReturn(state: WatchedFolder) {
    const watch = state.watch;
    state.watch = undefined;
    state.generation++;
    clearTimeout(state.timer);
    state.timer = undefined;
    state.changedFiles.clear();
    state.addedDirs.clear();
    state.removedDirs.clear();
    await watch?.close();
    this.goOffline(state);
  }

  /** Checks now and then for an unreachable folder's return, then watches and indexes it again. */
  private goOffline(state: WatchedFolder) {
    if (state.stopped) return;
    const { folder } = state;
    this.notice(state, `${folder.path} is not reachable (unplugged or unmounted?): its photos are kept, and watching resumes when it is back.`);
    // Ready as far as anyone waiting is concerned: there is nothing to watch yet.
    state.markReady();
    const check = () => {
      state.returnCheck = undefined;
      if (state.stopped) return;
      if (this.deviceOf(folder.path) === undefined) {
        state.returnCheck = setTimeout(check, this.options.watch.pollIntervalMs).unref();
        return;
      }
      state.noticed.clear();
      this.deps.logger.info(`watch: ${folder.path} is back`);
      this.begin(state, true);
    };
    state.returnCheck = setTimeout(check, this.options.watch.pollIntervalMs).unref();
  }

  private async stop(state: WatchedFolder) {
    state.stopped = true;
    clearTimeout(state.timer);
    clearTimeout(state.returnCheck);
    state.timer = undefined;
    state.returnCheck = undefined;
    const watch = state.watch;
    state.watch = undefined;
    state.markReady();
    await watch?.close();
  }

  private modifiedAt(path: string): number | undefined {
    try {
      return statSync(path).mtimeMs;
    } catch {
      return undefined;
    }
  }

  /** The device a readable path is on, or undefined when it is not there (or not readable). */
  private deviceOf(path: string): number | undefined {
    try {
      return statSync(path).dev;
    } catch {
      return undefined;
    }
  }

  private notice(state: WatchedFolder, message: string) {
    // One of each per folder: a tree of unreadable folders should not become a flood.
    if (state.noticed.has(message)) return;
    state.noticed.add(message);
    this.deps.logger.warn(`watch: ${message}`);
    this.deps.onNotice?.(message);
  }

  private pollSeconds(): string {
    return String(Math.round(this.options.watch.pollIntervalMs / 100) / 10);
  }
}
