import type { CaptionOptionOverrides } from '../../shared/captioning';
import type { FoldersRepository } from '../db/folders.repo';
import type { Logger } from '../base/logger';
import type { ChangeAnnouncer } from './change-announcer';
import type { Indexer } from './indexer';
import type { LibraryService } from './library.service';
import type { LibraryWatcher, LibraryWatcherOptions } from './library-watcher';

/** Who captions what watching finds; `captionist watch` brings its own provider and run. */
export interface CaptionSession {
  provider: string;
  options: CaptionOptionOverrides;
  runId: number;
}

export interface WatchRequest {
  /** Library folders to watch; every one when unset. */
  folderIds?: number[];
  /** Caption new photos with this provider (a `captionist watch` session) instead of their folder's auto-caption. */
  caption?: CaptionSession;
}

export interface WatchServiceDeps {
  library: LibraryService;
  folders: FoldersRepository;
  indexer: Indexer;
  changes: ChangeAnnouncer;
  logger: Logger;
  now: () => Date;
  /** Settles what a crash left half done before anything is indexed (interrupted write-backs). */
  beforeIndexing: () => Promise<void>;
  /** Queues newly indexed photos for captioning (the uncaptioned ones, with `provider`). */
  captionNew: (provider: string, photoIds: number[], session: CaptionSession | undefined) => void;
  notice: (message: string) => void;
  options?: Partial<LibraryWatcherOptions>;
}

/**
 * Watches library folders: new and changed photos are indexed once completely written, and the
 * uncaptioned ones queued for the session's provider, else for their folder's auto-caption provider.
 */
export class WatchService {
  private watcher: LibraryWatcher | null = null;
  /** Folders being taken out of the library: no longer watched. */
  private readonly removing = new Set<number>();

  constructor(private readonly deps: WatchServiceDeps) {}

  async start(request: WatchRequest = {}): Promise<void> {
    const { library, folders, indexer, logger, now } = this.deps;
    // chokidar loads only when something is to be watched.
    const { LibraryWatcher } = await import('./library-watcher');
    if (this.watcher) throw new Error('Already watching');
    await this.deps.beforeIndexing();
    const wanted = request.folderIds && new Set(request.folderIds);
    this.watcher = new LibraryWatcher(
      {
        listFolders: () =>
          library.listFolders().filter((folder) => (!wanted || wanted.has(folder.id)) && !this.removing.has(folder.id)),
        indexer,
        logger,
        now,
        onIndexed: ({ folderId, photoIds }) => {
          const provider = request.caption?.provider ?? folders.get(folderId)?.autoCaptionProvider;
          if (provider) this.deps.captionNew(provider, photoIds, request.caption);
        },
        onNotice: (message) => {
          logger.warn(`watch: ${message}`);
          this.deps.notice(message);
        },
        onChanged: (folderIds) => this.deps.changes.folders(folderIds),
      },
      this.deps.options,
    );
    await this.watcher.start();
  }

  /** Takes up a new library folder (and drops any it absorbed). */
  async refresh(): Promise<void> {
    await this.watcher?.start();
  }

  /** Runs `remove` with the folder no longer watched, so nothing new is indexed into it meanwhile. */
  async withoutFolder<T>(folderId: number, remove: () => Promise<T>): Promise<T> {
    this.removing.add(folderId);
    try {
      // Restarting re-reads the folder list, which now leaves this one out.
      await this.watcher?.start();
      return await remove();
    } finally {
      this.removing.delete(folderId);
    }
  }

  async stop(): Promise<void> {
    await this.watcher?.close();
    this.watcher = null;
  }
}
