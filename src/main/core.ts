import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, sep } from 'node:path';
import type { z } from 'zod';
import { calls } from '../shared/contract';
import type { CallName, CallOutput, Emit } from '../shared/contract';
import { maxPhotoIds, SearchCriteriaSchema, SearchQuerySchema } from '../shared/domain';
import type { IndexProgress, SearchCriteria, SearchQuery } from '../shared/domain';
import type { CaptionOptionOverrides, CaptionProgress } from '../shared/captioning';
import { openDatabase } from './db/database';
import { backupsDirOf, DailyBackups } from './db/backups';
import { libraryFile, preparePrivateDataDir } from './data-dir';
import { FoldersRepository } from './db/folders.repo';
import { IndexErrorsRepository } from './db/index-errors.repo';
import { JobsRepository } from './db/jobs.repo';
import { PhotosRepository } from './db/photos.repo';
import { SavedSearchesRepository } from './db/saved-searches.repo';
import { SearchRepository } from './db/search.repo';
import { Derivatives } from './images/derivatives';
import { SharpAdapter } from './images/sharp.adapter';
import { Indexer } from './library/indexer';
import { LibraryService } from './library/library.service';
import type { LibraryWatcher, LibraryWatcherOptions } from './library/library-watcher';
import { fileLogger } from './logger';
import type { Logger } from './logger';
import { ExifToolAdapter } from './metadata/exiftool.adapter';
import { writeExifToolConfig } from './metadata/captionist-namespace';
import { MetadataExporter } from './metadata/export';
import { MetadataWriter } from './metadata/write.service';
import { MetadataWritesRepository } from './db/metadata-writes.repo';
import type { ExportRequest, RevertRequest, WriteProgress, WriteRequest } from '../shared/metadata';
import { SavedSearchesService } from './search/saved-searches.service';
import { SearchService } from './search/search.service';
import { CaptionService } from './captions/caption.service';
import type { CaptionRunRequest } from './captions/caption.service';
import { CaptionRunsRepository } from './db/caption-runs.repo';
import { CaptionsRepository } from './db/captions.repo';
import { ReviewService } from './captions/review.service';
import { SettingsRepository } from './db/settings.repo';
import { SettingsService } from './settings.service';
import { ProvidersRepository } from './db/providers.repo';
import { UserError } from './errors';
import { HttpClient } from './providers/http';
import type { ProviderDeps } from './providers/provider';
import { ProviderRegistry } from './providers/provider-registry';
import { defaultRetryPolicy } from './providers/retry';
import type { RetryPolicy } from './providers/retry';
import { QueueService } from './queue/queue.service';
import type { JobHandler } from './queue/scheduler';
import { writeMetadataJobHandler } from './metadata/write-job';
import { BatchService } from './captions/batch.service';
import type { BatchOptions } from './captions/batch.service';
import { CaptionBatchesRepository } from './db/caption-batches.repo';
import { environmentSecrets } from './secrets';
import type { SecretStore } from './secrets';

export interface CoreOptions {
  dataDir: string;
  /** better-sqlite3 binding for the running runtime (the Electron shell passes its own build). */
  nativeBinding?: string;
  emit?: Emit;
  now?: () => Date;
  logger?: Logger;
  /** Files indexed at once; defaults to the number of cores. */
  concurrency?: number;
  /**
   * Whether this process takes the day's backup when one is due (the default). A command that
   * must answer at once (status, search) leaves it to the next that works longer: a backup of a
   * million-photo library takes about 10 s, and a process waits for its backup before it ends.
   */
  dailyBackups?: boolean;
  /** Largest image, in pixels, that sharp will decode (decompression-bomb guard). */
  limitInputPixels?: number;
  /** Where API keys come from; environment variables unless the shell brings a keychain. */
  secrets?: SecretStore;
  /** Retries of failed provider calls (tests shorten the waits). */
  retryPolicy?: Partial<RetryPolicy>;
  /** Polling of asynchronous providers (tests shorten the waits). */
  poll?: Partial<ProviderDeps['poll']>;
  /** Batch API polling and limits (tests poll every few milliseconds). */
  batch?: Partial<BatchOptions>;
  /** Folder watching (tests shorten the waits). */
  watch?: Partial<LibraryWatcherOptions>;
}

/** A folder's path as the prefix of everything below it. */
function withSeparator(path: string): string {
  return path.endsWith(sep) ? path : path + sep;
}

/** What a media URL can name: a grid thumbnail or the inspector's larger preview. */
export type MediaKind = 'thumb' | 'preview';

export interface WatchRequest {
  /** Library folders to watch; every one when unset. */
  folderIds?: number[];
  /** Caption new photos with this provider (a `captionist watch` session) instead of their folder's auto-caption. */
  caption?: { provider: string; options: CaptionOptionOverrides; runId: number };
  onNotice?: (message: string) => void;
}

export type Handlers = {
  [K in CallName]: (input: z.output<(typeof calls)[K]['input']>) => Promise<CallOutput<K>>;
};

export type Core = ReturnType<typeof createCore>;

/** 250 megapixels: above any camera's RAW preview or stitched panorama a photographer indexes. */
const defaultPixelLimit = 250_000_000;

/** Builds the whole core from plain values; the CLI, the Electron shell and the tests all start here. */
export function createCore(options: CoreOptions) {
  const now = options.now ?? (() => new Date());
  const emit: Emit = options.emit ?? (() => {});
  const cacheDir = join(options.dataDir, 'cache');
  preparePrivateDataDir(options.dataDir);
  mkdirSync(cacheDir, { recursive: true });
  const logger = options.logger ?? fileLogger(join(options.dataDir, 'captionist.log'), now);
  const concurrency = options.concurrency ?? availableParallelism();

  const databaseFile = libraryFile(options.dataDir);
  const db = openDatabase(databaseFile, { nativeBinding: options.nativeBinding, now });
  const backups = new DailyBackups({ db, dir: backupsDirOf(databaseFile), now, logger, nativeBinding: options.nativeBinding });
  if (options.dailyBackups ?? true) backups.start();
  const folders = new FoldersRepository(db);
  const photos = new PhotosRepository(db);
  const indexErrors = new IndexErrorsRepository(db);
  const jobs = new JobsRepository(db);
  const exiftoolProcesses = Math.max(2, concurrency);
  const metadata = new ExifToolAdapter({
    maxProcs: exiftoolProcesses,
    // Captionist's XMP namespace, known to every process of the one pool.
    configFile: writeExifToolConfig(join(options.dataDir, 'exiftool')),
  });
  const images = new SharpAdapter({ limitInputPixels: options.limitInputPixels ?? defaultPixelLimit });
  const derivatives = new Derivatives(cacheDir, images, metadata);
  const indexer = new Indexer({ db, photos, folders, indexErrors, metadata, derivatives, logger, now, concurrency });
  const library = new LibraryService({ db, folders, photos, indexErrors, indexer, now });
  const search = new SearchService(new SearchRepository(db));
  const savedSearches = new SavedSearchesService(new SavedSearchesRepository(db), search, now);
  const secrets = options.secrets ?? environmentSecrets(process.env);
  const captions = new CaptionsRepository(db);
  const http = new HttpClient();
  const retryPolicy = { ...defaultRetryPolicy, ...options.retryPolicy };
  const providers = new ProviderRegistry(
    new ProvidersRepository(db),
    secrets,
    {
      http,
      // Never poll more often than every 2 s (WaveSpeed asks for that), nor give up within 30 minutes.
      poll: { intervalMs: 2000, maxIntervalMs: 15_000, deadlineMs: 30 * 60_000, ...options.poll },
      sleep: retryPolicy.sleep,
    },
    now,
  );
  const runs = new CaptionRunsRepository(db);
  const settings = new SettingsService({
    db,
    settings: new SettingsRepository(db),
    providerName: (name) => providers.configFor(name).config.name,
  });
  const review = new ReviewService({ db, photos, captions, now });
  const captioning = new CaptionService({
    db,
    photos,
    folders,
    captions,
    runs,
    jobs,
    providers,
    derivatives,
    images,
    metadata,
    libraryCaptionDefaults: () => settings.captionDefaults(),
    logger,
    now,
  });
  const batches = new BatchService({
    db,
    jobs,
    batches: new CaptionBatchesRepository(db),
    providers,
    steps: captioning.steps,
    logger,
    now,
    retryPolicy,
    workDir: join(options.dataDir, 'batches'),
    options: options.batch,
    budget: captioning,
  });
  const metadataWrites = new MetadataWritesRepository(db);
  const metadataWriter = new MetadataWriter({
    writes: metadataWrites,
    photos,
    derivatives,
    metadata,
    logger,
    now,
    concurrency: exiftoolProcesses,
  });
  const exporter = new MetadataExporter({ writes: metadataWrites, metadata, concurrency: exiftoolProcesses });

  /**
   * Folders whose photos a queue job changed (a caption made, metadata written), announced
   * together at most twice a second: the UI refreshes as work lands, whoever queued it.
   */
  const changedFolderIds = new Set<number>();
  const announceChangedFolders = throttle(() => {
    if (changedFolderIds.size === 0) return;
    const folderIds = [...changedFolderIds];
    changedFolderIds.clear();
    emit('library:changed', { folderIds });
  }, 500);
  const announcingChanges = (handler: JobHandler): JobHandler => ({
    ...handler,
    run: async (job, context) => {
      const outcome = await handler.run(job, context);
      const folderId = job.photoId === null ? undefined : photos.folderIdOf(job.photoId);
      if (folderId !== undefined) {
        changedFolderIds.add(folderId);
        announceChangedFolders();
      }
      return outcome;
    },
  });

  const queue = new QueueService({
    batches,
    jobs,
    runs,
    handlers: [captioning.jobHandler, writeMetadataJobHandler(metadataWriter, exiftoolProcesses)].map(announcingChanges),
    logger,
    now,
    retryPolicy,
    // Renewed every 5 s; a crashed process's jobs are taken back at once when its pid is gone.
    leaseMs: 60_000,
  });
  let closed = false;
  const queueProgress = throttle(() => emit('queue:progress', queue.status()), 500);
  queue.subscribe(queueProgress);

  const writeMetadata = async (request: WriteRequest, onProgress?: (progress: WriteProgress) => void) => {
    const due = pulse(now);
    const result = await metadataWriter.write(request, (progress) => {
      onProgress?.(progress);
      if (due(progress.done === progress.total)) emit('metadata:progress', progress);
    });
    if (result.written && !result.dryRun) emit('library:changed', { folderIds: library.listFolders().map((folder) => folder.id) });
    return result;
  };

  const revertMetadata = async (request: RevertRequest) => {
    const result = await metadataWriter.revert(request);
    if (result.reverted) emit('library:changed', { folderIds: library.listFolders().map((folder) => folder.id) });
    return result;
  };

  const providerSummaries = () => {
    const totals = captions.totalsByProvider();
    return providers.list().map((config) => ({
      ...config,
      apiKeySource: secrets.describe(config),
      ...(totals.get(config.name.toLowerCase()) ?? { captions: 0, inputTokens: 0, outputTokens: 0, costUsd: null }),
    }));
  };

  /** Queues a run; the queue works through it. A missing key or provider is refused before anything is queued. */
  const queueRun = (request: CaptionRunRequest) => {
    providers.open(request.provider);
    if (request.viaBatch) batches.assertSupported(request.provider);
    const run = captioning.queueRun(request);
    // A new run is the user trying again: a lane stopped by an error gets another chance.
    queue.retryStopped(run.provider);
    queue.start();
    queue.wake();
    return run;
  };

  /**
   * Follows a queued run, reporting its progress, until its photos are done, or its provider cannot
   * go on without the user (a rejected key, a spent budget), or `signal` stops the queue. An
   * unreachable provider only makes it wait. Photos not done stay queued.
   */
  const followRun = async (
    run: ReturnType<typeof queueRun>,
    viaBatch: boolean,
    onProgress?: (progress: CaptionProgress) => void,
    signal?: AbortSignal,
  ) => {
    const due = pulse(now);
    const report = () => {
      const lane = queue.lane('caption', run.provider, viaBatch) ?? { state: 'idle' as const, message: null };
      const progress = captioning.runProgress(run.runId, run.provider, lane);
      onProgress?.(progress);
      if (due(progress.done + progress.failed === progress.total)) emit('caption:progress', progress);
    };
    const stoppedBecause = await queue.waitForRun(run.runId, run.provider, viaBatch, report, signal);
    if (closed) throw new UserError('Captionist closed before the run finished; its photos stay queued.');
    // Stopped by the user (Ctrl-C): photos in flight go back to the queue, remote tasks kept.
    if (signal?.aborted) await queue.stop();
    emit('library:changed', { folderIds: library.listFolders().map((folder) => folder.id) });
    return captioning.finishRun(run.runId, run.total, stoppedBecause);
  };

  /** Queues a run and waits for it (see followRun). */
  const caption = async (request: CaptionRunRequest, onProgress?: (progress: CaptionProgress) => void, signal?: AbortSignal) =>
    followRun(queueRun(request), request.viaBatch ?? false, onProgress, signal);

  /** Queues a run and answers at once; `caption:progress` events follow it until it ends. */
  const queueCaptions = (request: CaptionRunRequest) => {
    const run = queueRun(request);
    followRun(run, request.viaBatch ?? false).catch((error: unknown) => {
      if (!closed) logger.error(`caption run ${run.runId}: ${error instanceof Error ? error.message : String(error)}`);
    });
    return run;
  };

  const status = () => {
    const jobCounts = jobs.counts();
    return {
      folders: folders.count(),
      ...photos.counts(),
      queued: jobCounts.queued + jobCounts.waitingForRetry + jobCounts.paused,
      running: jobCounts.running,
      failed: jobCounts.failed,
      errors: indexErrors.count(),
      errorList: indexErrors.list(1000),
    };
  };

  const index = async (paths: readonly string[], onProgress?: (progress: IndexProgress) => void) => {
    // A write a crash left unrecorded is settled first, or the indexer would take its file for someone else's edit.
    await metadataWriter.settleInterrupted();
    const due = pulse(now);
    const result = await library.index(paths, (progress) => {
      onProgress?.(progress);
      if (due(progress.phase !== 'indexing')) emit('index:progress', progress);
    });
    emit('library:changed', { folderIds: library.listFolders().map((folder) => folder.id) });
    return result;
  };

  let watcher: LibraryWatcher | null = null;
  /** Folders being taken out of the library: no longer watched. */
  const removing = new Set<number>();
  /**
   * Watches library folders: new and changed photos are indexed once completely written, and the
   * uncaptioned ones queued for the session's provider, else for their folder's auto-caption provider.
   */
  const startWatching = async (request: WatchRequest = {}) => {
    // chokidar loads only when something is to be watched.
    const { LibraryWatcher } = await import('./library/library-watcher');
    if (watcher) throw new Error('Already watching');
    await metadataWriter.settleInterrupted();
    const wanted = request.folderIds && new Set(request.folderIds);
    watcher = new LibraryWatcher(
      {
        listFolders: () =>
          library.listFolders().filter((folder) => (!wanted || wanted.has(folder.id)) && !removing.has(folder.id)),
        indexer,
        logger,
        now,
        onIndexed: ({ folderId, photoIds }) => {
          const provider = request.caption?.provider ?? folders.get(folderId)?.autoCaptionProvider;
          // Changed files come here too (a keyword added in Lightroom): only uncaptioned ones are queued.
          const uncaptioned = provider ? photos.withoutCaption(photoIds) : [];
          if (!provider || !uncaptioned.length) return;
          captioning.queuePhotos(provider, uncaptioned, request.caption?.options ?? {}, false, request.caption?.runId);
          queue.wake();
        },
        onNotice: (message) => {
          logger.warn(`watch: ${message}`);
          request.onNotice?.(message);
          emit('watch:notice', { message });
        },
        onChanged: (folderIds) => emit('library:changed', { folderIds }),
      },
      options.watch,
    );
    await watcher.start();
  };

  const handlers: Handlers = {
    'library:addFolder': async ({ path }) => {
      const folder = library.addFolder(path);
      // A watcher takes up the new folder (and drops any it absorbed).
      await watcher?.start();
      emit('library:changed', { folderIds: [folder.id] });
      return folder;
    },
    'library:removeFolder': async ({ folderId, forgetWrites }) => {
      const existing = folders.get(folderId);
      if (!existing) throw new UserError(`No library folder with id ${folderId}.`);
      const revertableWrites = metadataWrites.revertableInFolder(folderId);
      if (revertableWrites > 0 && !forgetWrites) return { removed: false, revertableWrites };
      // Stop watching it first, so no new photo is indexed into a folder being removed.
      removing.add(folderId);
      let folder;
      try {
        // Restarting re-reads the folder list, which now leaves this one out.
        await watcher?.start();
        folder = await library.removeFolder(folderId);
      } finally {
        removing.delete(folderId);
      }
      // Pauses of the folder or anything in it have nothing left to pause.
      jobs.resume(withSeparator(folder.path));
      queue.wake();
      emit('library:changed', { folderIds: [folderId] });
      return { removed: true, revertableWrites };
    },
    'library:listFolders': async () => library.listFolders(),
    'library:index': async ({ paths }) => index(paths),
    'library:status': async () => status(),
    'library:setFolderCaptionOptions': async ({ folderId, options: captionOptions }) => {
      const folder = library.setCaptionOptions(folderId, captionOptions);
      emit('library:changed', { folderIds: [folder.id] });
      return folder;
    },
    'library:setFolderAutoCaption': async ({ folderId, provider }) => {
      const folder = library.setAutoCaption(folderId, provider === null ? null : providers.configFor(provider).config.name);
      emit('library:changed', { folderIds: [folder.id] });
      return folder;
    },
    'photos:search': async (query) => search.search(query),
    'photos:ids': async (criteria) => search.ids(criteria, maxPhotoIds),
    'photos:selectionSummary': async ({ photoIds }) => photos.selectionSummary(photoIds),
    'photos:get': async ({ id }) => review.get(id),
    'search:folderCounts': async (criteria) => search.folderCounts(criteria),
    'search:listSaved': async () => savedSearches.list(),
    'search:save': async ({ name, criteria }) => savedSearches.save(name, criteria),
    'search:renameSaved': async ({ id, name }) => savedSearches.rename(id, name),
    'search:deleteSaved': async ({ id }) => {
      savedSearches.delete(id);
      return null;
    },
    'search:runSaved': async ({ id, ...page }) => savedSearches.run(id, page),
    'providers:list': async () => providerSummaries(),
    'providers:save': async (settings) => {
      const config = providers.save(settings);
      // A new key, limit or budget may be what a stopped or out-of-budget lane was waiting for.
      queue.retryStopped(config.name);
      return config;
    },
    'providers:remove': async ({ name }) => {
      providers.remove(name);
      return queue.cancelProvider(name);
    },
    'providers:setApiKey': async ({ name, apiKey }) => {
      if (!secrets.save) {
        throw new UserError('Keys come from environment variables here: set the variable named by the provider\'s --api-key-env.');
      }
      const { config } = providers.configFor(name);
      secrets.save(config.name, apiKey);
      // A new key is what a lane stopped by a rejected one was waiting for.
      queue.retryStopped(config.name);
      return null;
    },
    'providers:test': async ({ name }) => captioning.testProvider(name),
    'providers:models': async ({ name }) => providers.listModels(name),
    'captions:estimate': async (request) => captioning.estimate(request),
    'captions:generate': async (request) => caption(request),
    'captions:queue': async (request) => queueCaptions(request),
    'captions:edit': async ({ photoId, fields }) => {
      const { detail, folderId } = review.edit(photoId, fields);
      emit('library:changed', { folderIds: [folderId] });
      return detail;
    },
    'captions:approve': async ({ photoIds, approved }) => {
      const { count, folderIds } = review.approve(photoIds, approved);
      if (count) emit('library:changed', { folderIds });
      return { count };
    },
    'settings:get': async () => settings.get(),
    'settings:save': async (patch) => settings.save(patch),
    'queue:status': async () => queue.status(),
    'queue:list': async ({ paths, states, limit }) => queue.list(paths, states, limit),
    'queue:pause': async ({ paths }) => {
      queue.pause(paths);
      return queue.status();
    },
    'queue:resume': async ({ paths }) => {
      queue.resume(paths);
      return queue.status();
    },
    'queue:retry': async ({ paths }) => ({ count: queue.retryFailed(paths) }),
    'queue:cancel': async ({ paths }) => {
      const cancelled = queue.cancel(paths);
      return { ...cancelled, count: cancelled.queued + cancelled.running };
    },
    'queue:prioritize': async ({ photoIds }) => ({ count: queue.prioritize(photoIds) }),
    'metadata:write': async (request) => writeMetadata(request),
    'metadata:queueWrite': async (request) => {
      const photoIds = metadataWriter.candidates(request).map((candidate) => candidate.photoId);
      // Each job carries only how to write, never the (possibly 100,000-long) selection.
      const { dryRun, policies, sidecar, sidecarNaming } = request;
      const options = { dryRun, policies, sidecar, sidecarNaming };
      jobs.enqueue('writeMetadata', null, photoIds, { options }, { runId: null, at: now().toISOString() });
      queue.start();
      queue.wake();
      return { count: photoIds.length };
    },
    'metadata:revert': async (request) => revertMetadata(request),
    'metadata:export': async (request) => exporter.export(request),
  };

  return {
    dataDir: options.dataDir,
    handlers,
    derivatives,
    /**
     * The cached file behind a media URL, or null when there is none: a thumbnail as indexing made
     * it, or a preview (the caption-ready copy) made now from a photo that is still there.
     */
    async mediaFile(kind: MediaKind, fingerprint: string): Promise<string | null> {
      if (!Derivatives.isFingerprint(fingerprint)) return null;
      if (kind === 'thumb') return (await derivatives.hasThumbnail(fingerprint)) ? derivatives.thumbnailPath(fingerprint) : null;
      const photo = photos.withFingerprint(fingerprint).find((candidate) => candidate.status === 'present');
      if (!photo) return null;
      return derivatives.captionImage(photo.path, fingerprint).catch((error: unknown) => {
        logger.warn(`preview of ${photo.path}: ${error instanceof Error ? error.message : String(error)}`);
        return null;
      });
    },
    library,
    index,
    status,
    search: (query: SearchQuery) => search.search(SearchQuerySchema.parse(query)),
    folderCounts: (criteria: SearchCriteria) => search.folderCounts(SearchCriteriaSchema.parse(criteria)),
    savedSearches,
    providers,
    providerSummaries,
    caption,
    /** Starts a run without waiting for it: the queue works through it (the CLI follows it itself). */
    queueCaptions: queueRun,
    runProgress: (runId: number, provider: string) =>
      captioning.runProgress(runId, provider, queue.lane('caption', provider) ?? { state: 'idle', message: null }),
    finishRun: (runId: number, requested: number, stoppedBecause: string | null) =>
      captioning.finishRun(runId, requested, stoppedBecause),
    startWatching,
    /** What the desktop app runs while it is open: the queue from where it stopped, and folder watching. */
    async startBackgroundWork() {
      queue.start();
      await startWatching();
    },
    async stopWatching() {
      await watcher?.close();
      watcher = null;
    },
    queue,
    estimate: (request: Parameters<CaptionService['estimate']>[0]) => captioning.estimate(request),
    testProvider: (name: string) => captioning.testProvider(name),
    writeMetadata,
    revertMetadata,
    exportMetadata: (request: ExportRequest) => exporter.export(request),
    /** Per-photo write-back, the unit a `writeMetadata` queue job runs. */
    metadataWriter,
    /** Validates raw input from outside (IPC, HTTP) against the contract, then calls the handler. */
    async invoke<K extends CallName>(name: K, rawInput: unknown): Promise<CallOutput<K>> {
      const entry = calls[name];
      if (!entry) throw new Error(`Unknown call: ${String(name)}`);
      const parsed = entry.input.safeParse(rawInput ?? {});
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new UserError(`Invalid ${issue?.path.join('.') || 'input'}: ${issue?.message ?? 'not accepted'}`);
      }
      const input = parsed.data;
      const handler = handlers[name] as (input: unknown) => Promise<CallOutput<K>>;
      return handler(input);
    },
    async close() {
      if (closed) return;
      closed = true;
      await watcher?.close();
      await queue.stop();
      queueProgress.cancel();
      announceChangedFolders.cancel();
      await http.close();
      await metadata.end();
      await backups.stop();
      db.close();
    },
  };
}

/**
 * Runs `fn` at most once per `ms`, always once more after the last call, so the final state is
 * never lost.
 */
function throttle(fn: () => void, ms: number): { (): void; cancel(): void } {
  let last = 0;
  let timer: NodeJS.Timeout | null = null;
  const throttled = () => {
    const wait = last + ms - Date.now();
    if (wait <= 0) {
      last = Date.now();
      fn();
    } else if (!timer) {
      timer = setTimeout(() => {
        timer = null;
        last = Date.now();
        fn();
      }, wait);
      timer.unref();
    }
  };
  throttled.cancel = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  return throttled;
}

/**
 * Lets a progress event through at most every 100 ms, and always when it marks a change of phase
 * or the end: the UI needs a steady pulse, not one message per file of a 100,000-photo run.
 */
function pulse(now: () => Date): (always: boolean) => boolean {
  let last = 0;
  return (always) => {
    const time = now().getTime();
    if (!always && time - last < 100) return false;
    last = time;
    return true;
  };
}
