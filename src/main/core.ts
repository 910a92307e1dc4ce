import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { z } from 'zod';
import { calls } from '../shared/contract';
import type { CallName, CallOutput, Emit } from '../shared/contract';
import type { IndexProgress } from '../shared/domain';
import { openDatabase } from './db/database';
import { FoldersRepository } from './db/folders.repo';
import { IndexErrorsRepository } from './db/index-errors.repo';
import { JobsRepository } from './db/jobs.repo';
import { PhotosRepository } from './db/photos.repo';
import { SearchRepository } from './db/search.repo';
import { Derivatives } from './images/derivatives';
import { SharpAdapter } from './images/sharp.adapter';
import { Indexer } from './library/indexer';
import { LibraryService } from './library/library.service';
import { fileLogger } from './logger';
import type { Logger } from './logger';
import { ExifToolAdapter } from './metadata/exiftool.adapter';
import { SearchService } from './search/search.service';

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

  const status = () => ({
    folders: folders.count(),
    ...photos.counts(),
    ...jobs.counts(),
    errors: indexErrors.count(),
    errorList: indexErrors.list(1000),
  });

  const index = async (paths: readonly string[], onProgress?: (progress: IndexProgress) => void) => {
    let lastEmit = 0;
    const result = await library.index(paths, (progress) => {
      onProgress?.(progress);
      // The UI needs a steady pulse, not one message per file of a 100,000-photo run.
      const time = now().getTime();
      if (progress.phase !== 'indexing' || time - lastEmit >= 100) {
        lastEmit = time;
        emit('index:progress', progress);
      }
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
    'photos:search': async (query) => search.search(query),
  };

  return {
    dataDir: options.dataDir,
    handlers,
    derivatives,
    library,
    index,
    status,
    search: (query: Parameters<Handlers['photos:search']>[0]) => search.search(query),
    /** Validates raw input from outside (IPC, HTTP) against the contract, then calls the handler. */
    async invoke<K extends CallName>(name: K, rawInput: unknown): Promise<CallOutput<K>> {
      const entry = calls[name];
      if (!entry) throw new Error(`Unknown call: ${String(name)}`);
      const input = entry.input.parse(rawInput ?? {});
      const handler = handlers[name] as (input: unknown) => Promise<CallOutput<K>>;
      return handler(input);
    },
    async close() {
      await metadata.end();
      db.close();
    },
  };
}
