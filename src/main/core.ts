import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { z } from 'zod';
import { calls } from '../shared/contract';
import type { CallName, CallOutput, Emit } from '../shared/contract';
import { SearchCriteriaSchema, SearchQuerySchema } from '../shared/domain';
import type { IndexProgress, SearchCriteria, SearchQuery } from '../shared/domain';
import { openDatabase } from './db/database';
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
import { fileLogger } from './logger';
import type { Logger } from './logger';
import { ExifToolAdapter } from './metadata/exiftool.adapter';
import { SavedSearchesService } from './search/saved-searches.service';
import { SearchService } from './search/search.service';
import { CaptionService } from './captions/caption.service';
import { CaptionRunsRepository } from './db/caption-runs.repo';
import { CaptionsRepository } from './db/captions.repo';
import { ProvidersRepository } from './db/providers.repo';
import { UserError } from './errors';
import { HttpClient } from './providers/http';
import type { ProviderDeps } from './providers/provider';
import { ProviderRegistry } from './providers/provider-registry';
import { defaultRetryPolicy } from './providers/retry';
import type { RetryPolicy } from './providers/retry';
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
  /** Largest image, in pixels, that sharp will decode (decompression-bomb guard). */
  limitInputPixels?: number;
  /** Where API keys come from; environment variables unless the shell brings a keychain. */
  secrets?: SecretStore;
  /** Retries of failed provider calls (tests shorten the waits). */
  retryPolicy?: Partial<RetryPolicy>;
  /** Polling of asynchronous providers (tests shorten the waits). */
  poll?: Partial<ProviderDeps['poll']>;
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
  mkdirSync(cacheDir, { recursive: true });
  const logger = options.logger ?? fileLogger(join(options.dataDir, 'captionist.log'), now);
  const concurrency = options.concurrency ?? availableParallelism();

  const db = openDatabase(join(options.dataDir, 'library.db'), { nativeBinding: options.nativeBinding });
  const folders = new FoldersRepository(db);
  const photos = new PhotosRepository(db);
  const indexErrors = new IndexErrorsRepository(db);
  const jobs = new JobsRepository(db);
  const metadata = new ExifToolAdapter({ maxProcs: Math.max(2, concurrency) });
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
  const captioning = new CaptionService({
    db,
    photos,
    folders,
    captions,
    runs: new CaptionRunsRepository(db),
    jobs,
    providers,
    derivatives,
    images,
    metadata,
    logger,
    now,
    retryPolicy,
    leaseMs: 5 * 60_000,
  });

  const providerSummaries = () => {
    const totals = captions.totalsByProvider();
    return providers.list().map((config) => ({
      ...config,
      apiKeySource: secrets.describe(config),
      ...(totals.get(config.name.toLowerCase()) ?? { captions: 0, inputTokens: 0, outputTokens: 0, costUsd: null }),
    }));
  };

  const caption = async (
    request: Parameters<CaptionService['run']>[0],
    onProgress?: Parameters<CaptionService['run']>[1],
  ) => {
    const due = pulse(now);
    const result = await captioning.run(request, (progress) => {
      onProgress?.(progress);
      if (due(progress.done + progress.failed === progress.total)) emit('caption:progress', progress);
    });
    emit('library:changed', { folderIds: library.listFolders().map((folder) => folder.id) });
    return result;
  };

  const status = () => ({
    folders: folders.count(),
    ...photos.counts(),
    ...jobs.counts(),
    errors: indexErrors.count(),
    errorList: indexErrors.list(1000),
  });

  const index = async (paths: readonly string[], onProgress?: (progress: IndexProgress) => void) => {
    const due = pulse(now);
    const result = await library.index(paths, (progress) => {
      onProgress?.(progress);
      if (due(progress.phase !== 'indexing')) emit('index:progress', progress);
    });
    emit('library:changed', { folderIds: library.listFolders().map((folder) => folder.id) });
    return result;
  };

  const handlers: Handlers = {
    'library:addFolder': async ({ path }) => {
      const folder = library.addFolder(path);
      emit('library:changed', { folderIds: [folder.id] });
      return folder;
    },
    'library:listFolders': async () => library.listFolders(),
    'library:index': async ({ paths }) => index(paths),
    'library:status': async () => status(),
    'library:setFolderCaptionOptions': async ({ folderId, options: captionOptions }) => {
      const folder = library.setCaptionOptions(folderId, captionOptions);
      emit('library:changed', { folderIds: [folder.id] });
      return folder;
    },
    'photos:search': async (query) => search.search(query),
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
    'providers:save': async (settings) => providers.save(settings),
    'providers:remove': async ({ name }) => {
      providers.remove(name);
      return null;
    },
    'providers:setApiKey': async ({ name, apiKey }) => {
      if (!secrets.save) {
        throw new UserError('Keys come from environment variables here: set the variable named by the provider\'s --api-key-env.');
      }
      const { config } = providers.configFor(name);
      secrets.save(config.name, apiKey);
      return null;
    },
    'providers:test': async ({ name }) => captioning.testProvider(name),
    'captions:estimate': async (request) => captioning.estimate(request),
    'captions:generate': async (request) => caption(request),
  };

  return {
    dataDir: options.dataDir,
    handlers,
    derivatives,
    library,
    index,
    status,
    search: (query: SearchQuery) => search.search(SearchQuerySchema.parse(query)),
    folderCounts: (criteria: SearchCriteria) => search.folderCounts(SearchCriteriaSchema.parse(criteria)),
    savedSearches,
    providers,
    providerSummaries,
    caption,
    estimate: (request: Parameters<CaptionService['estimate']>[0]) => captioning.estimate(request),
    testProvider: (name: string) => captioning.testProvider(name),
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
      await http.close();
      await metadata.end();
      db.close();
    },
  };
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
