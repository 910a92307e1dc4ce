import { sep } from 'node:path';
import { waitingJobs } from '../../shared/queue-counts';
import type { CaptionRunsService } from '../captions/caption-runs.service';
import type { FoldersRepository } from '../db/folders.repo';
import type { IndexErrorsRepository } from '../db/index-errors.repo';
import type { JobsRepository } from '../db/jobs.repo';
import type { MetadataWritesRepository } from '../db/metadata-writes.repo';
import type { PhotosRepository } from '../db/photos.repo';
import { UserError } from '../base/errors';
import type { ChangeAnnouncer } from '../library/change-announcer';
import type { LibraryService } from '../library/library.service';
import type { WatchService } from '../library/watch.service';
import type { ProviderRegistry } from '../providers/provider-registry';
import type { QueueService } from '../queue/queue.service';
import type { DomainHandlers } from './handler-table';
import type { IndexingService } from '../library/indexing.service';

export interface LibraryHandlersDeps {
  library: LibraryService;
  indexing: IndexingService;
  watching: WatchService;
  captionRuns: CaptionRunsService;
  changes: ChangeAnnouncer;
  folders: FoldersRepository;
  photos: PhotosRepository;
  indexErrors: IndexErrorsRepository;
  jobs: JobsRepository;
  metadataWrites: MetadataWritesRepository;
  providers: ProviderRegistry;
  queue: QueueService;
}

/** A folder's path as the prefix of everything below it. */
function withSeparator(path: string): string {
  return path.endsWith(sep) ? path : path + sep;
}

export function libraryHandlers(deps: LibraryHandlersDeps): DomainHandlers<'library'> {
  const { library, watching, changes, folders, jobs, queue } = deps;
  return {
    'library:addFolder': async ({ path }) => {
      const folder = library.addFolder(path);
      await watching.refresh();
      changes.folders([folder.id]);
      return folder;
    },
    'library:removeFolder': async ({ folderId, forgetWrites }) => {
      if (!folders.get(folderId)) throw new UserError(`No library folder with id ${folderId}.`);
      const revertableWrites = deps.metadataWrites.revertableInFolder(folderId);
      if (revertableWrites > 0 && !forgetWrites) return { removed: false, revertableWrites };
      const folder = await watching.withoutFolder(folderId, () => library.removeFolder(folderId));
      // Pauses of the folder or anything in it have nothing left to pause.
      jobs.resume(withSeparator(folder.path));
      queue.wake();
      changes.folders([folderId]);
      return { removed: true, revertableWrites };
    },
    'library:listFolders': async () => library.listFolders(),
    'library:watch': async ({ paths, provider, options }) => {
      const watched = library.foldersFor(paths);
      const run = deps.captionRuns.queue({ provider, paths, options, force: false });
      await watching.start({
        folderIds: watched.map((folder) => folder.id),
        caption: { provider: run.provider, options, runId: run.runId },
      });
      deps.captionRuns.reportUntilStopped(run);
      return { ...run, folders: watched.map((folder) => folder.path) };
    },
    'library:index': async ({ paths }) => deps.indexing.index(paths),
    'library:status': async () => {
      const jobCounts = jobs.counts();
      return {
        folders: folders.count(),
        ...deps.photos.counts(),
        queued: waitingJobs(jobCounts),
        running: jobCounts.running,
        failed: jobCounts.failed,
        errors: deps.indexErrors.count(),
        errorList: deps.indexErrors.list(1000),
      };
    },
    'library:setFolderCaptionOptions': async ({ folderId, options }) => {
      const folder = library.setCaptionOptions(folderId, options);
      changes.folders([folder.id]);
      return folder;
    },
    'library:setFolderAutoCaption': async ({ folderId, provider }) => {
      const folder = library.setAutoCaption(folderId, provider === null ? null : deps.providers.configFor(provider).config.name);
      changes.folders([folder.id]);
      return folder;
    },
  };
}
