import { setTimeout as delay } from 'node:timers/promises';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { onTestFinished } from 'vitest';
import { openDatabase } from '../../src/main/db/database';
import { FoldersRepository } from '../../src/main/db/folders.repo';
import { IndexErrorsRepository } from '../../src/main/db/index-errors.repo';
import { PhotosRepository } from '../../src/main/db/photos.repo';
import { Derivatives } from '../../src/main/images/derivatives';
import { SharpAdapter } from '../../src/main/images/sharp.adapter';
import { Indexer } from '../../src/main/library/indexer';
import { PlaceFinder } from '../../src/main/places/gazetteer';
import { LibraryService } from '../../src/main/library/library.service';
import type { Logger } from '../../src/main/base/logger';
import { ExifToolAdapter } from '../../src/main/metadata/exiftool.adapter';
import { tempDir } from './files';

export interface TestLibrary {
  db: Database;
  photos: PhotosRepository;
  folders: FoldersRepository;
  indexErrors: IndexErrorsRepository;
  indexer: Indexer;
  library: LibraryService;
  logger: MemoryLogger;
}

export interface MemoryLogger extends Logger {
  lines: string[];
}

export function memoryLogger(): MemoryLogger {
  const lines: string[] = [];
  return {
    lines,
    info: (message) => lines.push(`INFO ${message}`),
    warn: (message) => lines.push(`WARN ${message}`),
    error: (message) => lines.push(`ERROR ${message}`),
  };
}

/** One gazetteer for the test file, loaded by the first photo with GPS. */
const sharedPlaces = new PlaceFinder();

/**
 * The library's own pieces (real SQLite, ExifTool and sharp) without the rest of the core, for
 * tests that drive the indexer or the watcher directly (on a core's `dataDir`, beside it). Closed
 * when the current test finishes.
 */
export function testLibrary(dataDir = tempDir('captionist-home-'), places = sharedPlaces): TestLibrary {
  const now = () => new Date();
  const logger = memoryLogger();
  const db = openDatabase(join(dataDir, 'library.db'));
  const folders = new FoldersRepository(db);
  const photos = new PhotosRepository(db);
  const indexErrors = new IndexErrorsRepository(db);
  const metadata = new ExifToolAdapter({ maxProcs: 2 });
  const images = new SharpAdapter({ limitInputPixels: 250_000_000 });
  const derivatives = new Derivatives(join(dataDir, 'cache'), images, metadata);
  const indexer = new Indexer({
    db,
    photos,
    folders,
    indexErrors,
    metadata,
    derivatives,
    logger,
    now,
    concurrency: 2,
    places,
    placeNames: () => true,
  });
  const library = new LibraryService({ db, folders, photos, indexErrors, indexer, now });
  onTestFinished(async () => {
    await metadata.end();
    db.close();
  });
  return { db, photos, folders, indexErrors, indexer, library, logger };
}

/** Polls `probe` until it returns something truthy, or fails after `timeoutMs` saying what it waited for. */
export async function waitFor<T>(what: string, probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(25);
  }
}
