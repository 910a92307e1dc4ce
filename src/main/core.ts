import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { calls } from '../shared/contract';
import type { CallInput, CallName, CallOutput, Emit } from '../shared/contract';
import { throttle } from './base/time';
import { BatchService } from './captions/batch.service';
import type { BatchOptions } from './captions/batch.service';
import { CaptionRunsService } from './captions/caption-runs.service';
import { CaptionService } from './captions/caption.service';
import { ReviewService } from './captions/review.service';
import { libraryFile, preparePrivateDataDir } from './base/data-dir';
import { backupsDirOf, DailyBackups } from './db/backups';
import { CaptionBatchesRepository } from './db/caption-batches.repo';
import { CaptionRunsRepository } from './db/caption-runs.repo';
import { CaptionsRepository } from './db/captions.repo';
import { openDatabase } from './db/database';
import { FoldersRepository } from './db/folders.repo';
import { IndexErrorsRepository } from './db/index-errors.repo';
import { JobsRepository } from './db/jobs.repo';
import { MetadataWritesRepository } from './db/metadata-writes.repo';
import { PhotosRepository } from './db/photos.repo';
import { ProvidersRepository } from './db/providers.repo';
import { SavedSearchesRepository } from './db/saved-searches.repo';
import { SearchRepository } from './db/search.repo';
import { SettingsRepository } from './db/settings.repo';
import { UserError } from './base/errors';
import { appHandlers } from './handlers/app.handlers';
import { captionsHandlers } from './handlers/captions.handlers';
import type { Handlers } from './handlers/handler-table';
import { libraryHandlers } from './handlers/library.handlers';
import { metadataHandlers } from './handlers/metadata.handlers';
import { providersHandlers } from './handlers/providers.handlers';
import { queueHandlers } from './handlers/queue.handlers';
import { searchHandlers } from './handlers/search.handlers';
import { embeddingsHandlers } from './handlers/embeddings.handlers';
import { EmbeddingsRepository } from './db/embeddings.repo';
import { EmbeddingsService } from './search/embeddings.service';
import { MeaningSearch } from './search/meaning-search';
import { embedJobHandler } from './search/embed-job';
import { settingsHandlers } from './handlers/settings.handlers';
import { keywordsHandlers } from './handlers/keywords.handlers';
import { KeywordVocabularyRepository } from './db/keyword-vocabulary.repo';
import { KeywordVocabulary } from './keywords/keyword-vocabulary';
import { cacheDirOf, Derivatives } from './images/derivatives';
import { SharpAdapter } from './images/sharp.adapter';
import { ChangeAnnouncer } from './library/change-announcer';
import { Indexer } from './library/indexer';
import { IndexingService } from './library/indexing.service';
import { LibraryService } from './library/library.service';
import type { LibraryWatcherOptions } from './library/library-watcher';
import { WatchService } from './library/watch.service';
import { fileLogger } from './base/logger';
import type { Logger } from './base/logger';
import { writeExifToolConfig } from './metadata/captionist-namespace';
import { ExifToolAdapter } from './metadata/exiftool.adapter';
import { MetadataExporter } from './metadata/export';
import { writeMetadataJobHandler } from './queue/write-metadata-job';
import { MetadataWriter } from './metadata/metadata-writer';
import { HttpClient } from './providers/http';
import type { ProviderDeps } from './providers/provider';
import { ProviderRegistry } from './providers/provider-registry';
import { defaultRetryPolicy } from './base/retry';
import type { RetryPolicy } from './base/retry';
import { announcingChanges } from './queue/announcing-changes';
import { QueueService } from './queue/queue.service';
import { SavedSearchesService } from './search/saved-searches.service';
import { SearchService } from './search/search.service';
import { newProcessOwner } from './base/process-owner';
import { environmentSecrets } from './base/secrets';
import type { SecretStore } from './base/secrets';
import { SettingsService } from './settings/settings.service';
import { PlaceFinder } from './places/gazetteer';
import type { Timers } from './queue/lane';

export interface CoreOptions {
  dataDir: string;
  /** better-sqlite3 binding for the running runtime (the Electron shell passes its own build). */
  nativeBinding?: string;
  emit?: Emit;
  now?: () => Date;
  /** What the queue waits on (its lanes, polls, heartbeat); a test's fake clock moves them with `now`. */
  timers?: Timers;
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
  /**
   * Names this core on the work it leases (jobs, a batch being prepared); a new name per core by
   * default. The core host picks it, so that it can give that work back the moment its worker dies.
   */
  owner?: string;
  /**
   * Owners of cores that died in this process (the core host's crashed workers): their leases
   * name a process that still runs, so without this their work would wait for the lease to end.
   */
  deadOwners?: readonly string[];
}

/**
 * The core as every shell sees it: one validated entry and a way to stop. Events leave through
 * `CoreOptions.emit`. Plain enough to put behind a message channel (a worker thread).
 */
export interface Core {
  /** Validates raw input from outside (a shell, IPC, HTTP) against the contract, then calls the handler. */
  invoke<K extends CallName>(name: K, input: CallInput<K>): Promise<CallOutput<K>>;
  close(): Promise<void>;
}

/** 250 megapixels: above any camera's RAW preview or stitched panorama a photographer indexes. */
const defaultPixelLimit = 250_000_000;

/**
 * The composition root: builds repositories, adapters and services from plain values and combines
 * the handlers of each domain. The CLI, the desktop shell, `serve` and the tests all start here.
 */
export function createCore(options: CoreOptions): Core {
  const now = options.now ?? (() => new Date());
  const emit: Emit = options.emit ?? (() => {});
  const cacheDir = cacheDirOf(options.dataDir);
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
  // Loaded by the first photo with GPS, never at start-up.
  const places = new PlaceFinder();
  const indexer = new Indexer({
    db,
    photos,
    folders,
    indexErrors,
    metadata,
    derivatives,
    logger,
    now,
    concurrency,
    places,
    placeNames: () => settings.get().placeNames,
  });
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
  const embeddingsRepo = new EmbeddingsRepository(db);
  const embeddings = new EmbeddingsService({
    repo: embeddingsRepo,
    providers,
    retryPolicy,
    emit,
    now,
    logger,
    captionSpend: (provider) => captions.costForProvider(provider),
  });
  const meaningSearch = new MeaningSearch(search, embeddings, embeddingsRepo);
  const runs = new CaptionRunsRepository(db);
  const settings = new SettingsService({
    db,
    settings: new SettingsRepository(db),
    providerName: (name) => providers.configFor(name).config.name,
    forgetPlaces: () => photos.forgetPlaces(),
  });
  const review = new ReviewService({ db, photos, captions, now });
  const vocabulary = new KeywordVocabulary(new KeywordVocabularyRepository(db), now);
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
    embeddingSpend: (provider) => embeddingsRepo.spend(provider).costUsd,
    vocabulary,
    unmatchedKeywords: () => settings.unmatchedKeywords(),
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
    placePolicy: () => settings.get().placePolicy,
  });
  const exporter = new MetadataExporter({ writes: metadataWrites, metadata, concurrency: exiftoolProcesses });

  const changes = new ChangeAnnouncer(emit, () => library.listFolders().map((folder) => folder.id));
  const queue = new QueueService({
    timers: options.timers,
    batchLanes: batches,
    jobs,
    runs,
    handlers: [
      ...[captioning.jobHandler, writeMetadataJobHandler(metadataWriter, exiftoolProcesses)].map((handler) =>
        announcingChanges(handler, (photoId) => photos.folderIdOf(photoId), changes),
      ),
      embedJobHandler(embeddings, providers),
    ],
    logger,
    now,
    retryPolicy,
    // Renewed every 5 s; a crashed process's jobs are taken back at once when its pid is gone.
    leaseMs: 60_000,
    owner: options.owner ?? newProcessOwner(),
    deadOwners: options.deadOwners ?? [],
  });
  const queueProgress = throttle(() => emit('queue:progress', queue.status()), 500);
  queue.subscribe(queueProgress);

  const settleInterruptedWrites = async () => {
    await metadataWriter.settleInterrupted();
  };
  const captionRuns = new CaptionRunsService({ captioning, batches, providers, queue, changes, emit, logger, now });
  const indexing = new IndexingService({ library, changes, emit, now, beforeIndexing: settleInterruptedWrites });
  const watching = new WatchService({
    library,
    folders,
    indexer,
    changes,
    logger,
    now,
    beforeIndexing: settleInterruptedWrites,
    captionNew: (provider, photoIds, session) => {
      // Changed files come here too (a keyword added in Lightroom): only uncaptioned ones are queued.
      const uncaptioned = photos.withoutCaption(photoIds);
      if (!uncaptioned.length) return;
      captioning.queuePhotos(provider, uncaptioned, session?.options ?? {}, false, session?.runId);
      queue.wake();
    },
    notice: (message) => emit('watch:notice', { message }),
    options: options.watch,
  });

  const handlers: Handlers = {
    ...libraryHandlers({
      library,
      indexing,
      watching,
      captionRuns,
      changes,
      folders,
      photos,
      indexErrors,
      jobs,
      metadataWrites,
      providers,
      queue,
    }),
    ...searchHandlers({ search, meaningSearch, savedSearches, photos, review }),
    ...embeddingsHandlers({ embeddings, queue }),
    ...providersHandlers({ providers, secrets, captions, captioning, queue }),
    ...captionsHandlers({ captioning, captionRuns, review, changes }),
    ...settingsHandlers({ settings }),
    ...queueHandlers({ queue }),
    ...metadataHandlers({ metadataWriter, exporter, jobs, queue, changes, emit, now }),
    ...appHandlers({ queue, watching, captionRuns, embeddings, derivatives, photos, logger }),
    ...keywordsHandlers({ vocabulary }),
  };

  let closed = false;
  return {
    /** Validates raw input from outside (a shell, IPC, HTTP) against the contract, then calls the handler. */
    async invoke<K extends CallName>(name: K, rawInput: CallInput<K>): Promise<CallOutput<K>> {
      const entry = calls[name];
      if (!entry) throw new UserError(`Unknown call: ${String(name)}`);
      const parsed = entry.input.safeParse(rawInput ?? {});
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        // zod words a problem with the whole input "Invalid input: ..." itself.
        const message = (issue?.message ?? 'not accepted').replace(/^Invalid input: /, '');
        throw new UserError(`Invalid ${issue?.path.join('.') || 'input'}: ${message}`);
      }
      const handler = handlers[name] as (input: unknown) => Promise<CallOutput<K>>;
      return handler(parsed.data);
    },
    async close() {
      if (closed) return;
      closed = true;
      captionRuns.close();
      await watching.stop();
      await queue.stop();
      queueProgress.cancel();
      changes.close();
      await http.close();
      await metadata.end();
      await backups.stop();
      db.close();
    },
  };
}
