import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, relative, sep } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { FileError, Folder, IndexProgress, IndexResult } from '../../shared/domain';
import type { IndexErrorsRepository } from '../db/index-errors.repo';
import type { FoldersRepository } from '../db/folders.repo';
import type { KnownPhoto, PhotoRecord, PhotosRepository } from '../db/photos.repo';
import type { Derivatives } from '../images/derivatives';
import type { Logger } from '../base/logger';
import type { ExifToolAdapter, PhotoMetadata } from '../metadata/exiftool.adapter';
import { InvalidCoordinatesError } from '../places/gazetteer';
import type { Place, PlaceFinder } from '../places/gazetteer';
import { forEachConcurrently } from '../base/concurrency';
import { describeFileError } from './file-errors';
import { isPhotoFileType } from '../base/file-types';
import { fingerprintFile } from '../base/fingerprint';
import { describeImageError } from './image-errors';
import { isSkippedPath, listPhotoFiles } from './walker';
import { removeStaleWriteDebris } from '../base/write-debris';

export interface IndexTarget {
  folder: Folder;
  /** The folder itself, or a subfolder of it to index alone. */
  path: string;
}

export interface IndexerDeps {
  db: Database;
  photos: PhotosRepository;
  folders: FoldersRepository;
  indexErrors: IndexErrorsRepository;
  metadata: ExifToolAdapter;
  derivatives: Derivatives;
  logger: Logger;
  now: () => Date;
  /** Files worked on at once: about one per core keeps sharp and ExifTool both busy. */
  concurrency: number;
  places: PlaceFinder;
  /** The placeNames setting, read at each file: off, no place is looked up. */
  placeNames: () => boolean;
}

type FileOutcome = 'added' | 'updated' | 'unchanged' | 'moved';

/** An index result that also names the photos added, changed or moved: those a caption may be due for. */
export interface IndexedChanges extends IndexResult {
  photoIds: number[];
}

/** What one run gathers as it goes. */
interface IndexRun {
  result: IndexResult;
  /** Errors still to be recorded in the index errors (the result gets them once they are). */
  errors: FileError[];
  /** Files that indexed cleanly, so lose any standing error. */
  reindexed: Set<string>;
  /** Photos found under a new path, so not missing from their old one. */
  moved: Set<number>;
  /** Photos added, changed or moved. */
  indexedIds: Set<number>;
  /** Photos looked at and found as indexed already (by another process on the library, say). */
  unchangedIds: Set<number>;
}

function newRun(): IndexRun {
  return {
    result: { added: 0, updated: 0, unchanged: 0, missing: 0, moved: 0, errors: [] },
    errors: [],
    reindexed: new Set(),
    moved: new Set(),
    indexedIds: new Set(),
    unchangedIds: new Set(),
  };
}

/** Known to be gone: not there at all. A path that cannot be read right now (EIO, EACCES) is not. */
function isGone(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false }) === undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOTDIR';
  }
}

function isReadableDirectory(path: string): boolean {
  try {
    accessSync(path, constants.R_OK | constants.X_OK);
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isInside(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}

class FileIndexError extends Error {}

/**
 * Brings the database in line with the files below a library folder: new and changed files are
 * read (metadata, fingerprint, thumbnail), unchanged ones (same size and mtime) skipped, renamed
 * or moved ones recognised by fingerprint so their captions follow, and vanished ones marked
 * missing but kept. A bad file becomes an entry in `errors`; it never stops the run.
 */
export class Indexer {
  constructor(private readonly deps: IndexerDeps) {}

  async index(targets: readonly IndexTarget[], onProgress: (progress: IndexProgress) => void = () => {}) {
    const run = newRun();
    for (const target of targets) await this.indexTarget(target, run, onProgress);
    return run.result;
  }

  /** Indexes one whole folder like `index`, also saying which photos were added, changed or moved. */
  async indexFolder(folder: Folder): Promise<IndexedChanges> {
    const run = newRun();
    await this.indexTarget({ folder, path: folder.path }, run, () => {});
    return { ...run.result, photoIds: [...run.indexedIds] };
  }

  /**
   * Indexes just these files of a library folder (a watcher's news), with the same rules as a
   * full run: unchanged files skipped, renamed or moved ones recognised by fingerprint, bad ones
   * recorded in the index errors. Paths that are gone, skipped by the scanner or outside the
   * folder are passed over; marking photos missing is `markMissing`'s job. Names the photos
   * added, changed or moved, and the unchanged ones too.
   */
  async indexFiles(folder: Folder, paths: readonly string[]): Promise<IndexedChanges> {
    const run = newRun();
    const files = [...new Set(paths)].filter((path) => !isSkippedPath(folder.path, path) && isInside(path, folder.path));
    await forEachConcurrently(files, this.deps.concurrency, async (file) => {
      if (existsSync(file)) await this.indexListedFile(folder, file, undefined, run);
    });
    const at = this.deps.now().toISOString();
    const { indexErrors } = this.deps;
    this.deps.db.transaction(() => {
      for (const file of run.reindexed) indexErrors.clear(file);
      for (const error of run.errors) indexErrors.record(folder.id, error, at);
    })();
    run.result.errors.push(...run.errors);
    // A file the watcher reports may have been indexed first by another process watching it too:
    // still news here, or a `watch` would never caption the photos `serve` indexed before it.
    return { ...run.result, photoIds: [...run.indexedIds, ...run.unchangedIds] };
  }

  /**
   * Marks missing the photos at `paths` that are gone from disk, and everything below those of
   * them that were folders; their captions are kept for when they come back. Nothing is marked
   * while the library folder as a whole is unreachable (an unplugged drive is not a deletion).
   * Returns how many photos went missing.
   */
  markMissing(folder: Folder, paths: readonly string[]): number {
    const { photos, indexErrors, db } = this.deps;
    if (!isReadableDirectory(folder.path)) return 0;
    const gone = new Map<number, KnownPhoto>();
    const goneErrors: string[] = [];
    for (const path of new Set(paths)) {
      if (!isInside(path, folder.path) || path === folder.path || !isGone(path)) continue;
      const below = path + sep;
      for (const photo of [photos.findByPath(path), ...photos.knownUnder(folder.id, below)]) {
        if (photo?.status === 'present') gone.set(photo.id, photo);
      }
      goneErrors.push(path, ...indexErrors.pathsUnder(folder.id, below));
    }
    db.transaction(() => {
      photos.markMissing([...gone.keys()], this.deps.now().toISOString());
      for (const path of goneErrors) indexErrors.clear(path);
    })();
    return gone.size;
  }

  private async indexTarget(target: IndexTarget, run: IndexRun, onProgress: (p: IndexProgress) => void) {
    const { folder, path } = target;
    const { photos, indexErrors, folders, now } = this.deps;
    const { result } = run;
    const report = (phase: IndexProgress['phase'], done: number, total: number, currentPath: string | null) =>
      onProgress({ folder: folder.path, phase, done, total, currentPath });

    report('listing', 0, 0, null);
    let listing;
    try {
      listing = await listPhotoFiles(path);
    } catch (error) {
      // The whole folder is unreachable (an unplugged drive, say): report it, mark nothing missing.
      const message = describeFileError(error, 'folder');
      this.deps.logger.warn(`index: ${path}: ${message}`);
      result.errors.push({ path, message });
      return;
    }

    for (const removed of await removeStaleWriteDebris(listing.debris, now())) {
      this.deps.logger.info(`index: removed ${removed}, a temporary copy an interrupted metadata write left behind`);
    }

    const prefix = path.endsWith(sep) ? path : path + sep;
    const known = new Map(photos.knownUnder(folder.id, prefix).map((photo) => [photo.path, photo]));
    const targetRun: IndexRun = { ...newRun(), result, indexedIds: run.indexedIds, errors: [...listing.errors] };
    let done = 0;
    report('indexing', 0, listing.files.length, null);

    await forEachConcurrently(listing.files, this.deps.concurrency, async (file) => {
      await this.indexListedFile(folder, file, known.get(file), targetRun);
      report('indexing', ++done, listing.files.length, file);
    });

    await this.nameUnnamedPlaces(folder.id, prefix);
    const listed = new Set(listing.files);
    // Photos below a folder that could not be read are not known to be gone.
    const unreadableFolders = listing.errors.map((error) => error.path + sep);
    const gone = [...known.values()].filter(
      (photo) =>
        !listed.has(photo.path) &&
        !targetRun.moved.has(photo.id) &&
        !unreadableFolders.some((dir) => photo.path.startsWith(dir)),
    );
    const at = now().toISOString();
    photos.markMissing(
      gone.filter((photo) => photo.status === 'present').map((photo) => photo.id),
      at,
    );
    result.missing += gone.length;

    this.deps.db.transaction(() => {
      // An unchanged file keeps its standing error; one that indexed cleanly or went away loses it.
      for (const recorded of indexErrors.pathsUnder(folder.id, prefix)) {
        if (!listed.has(recorded) || targetRun.reindexed.has(recorded)) indexErrors.clear(recorded);
      }
      for (const error of targetRun.errors) indexErrors.record(folder.id, error, at);
      folders.markIndexed(folder.id, at);
    })();
    result.errors.push(...targetRun.errors);
    report('done', done, listing.files.length, null);
  }

  /** Indexes one file into `run`; a failure becomes one of the run's errors, never an exception. */
  private async indexListedFile(folder: Folder, file: string, known: KnownPhoto | undefined, run: IndexRun) {
    try {
      const { outcome, photoId, pixelError } = await this.indexFile(folder, file, known);
      run.result[outcome] += 1;
      if (outcome === 'moved') run.moved.add(photoId);
      (outcome === 'unchanged' ? run.unchangedIds : run.indexedIds).add(photoId);
      // The photo is indexed and searchable even when only its picture could not be read.
      if (pixelError) run.errors.push({ path: file, message: pixelError });
      else if (outcome !== 'unchanged') run.reindexed.add(file);
    } catch (error) {
      this.deps.logger.warn(`index: ${file}: ${error instanceof Error ? error.message : String(error)}`);
      const message = !existsSync(file)
        ? 'The file disappeared while it was being indexed.'
        : error instanceof FileIndexError
          ? error.message
          : describeFileError(error, 'file');
      run.errors.push({ path: file, message });
    }
  }

  private async indexFile(
    folder: Folder,
    path: string,
    known: KnownPhoto | undefined,
  ): Promise<{ outcome: FileOutcome; photoId: number; pixelError?: string }> {
    const { photos, derivatives } = this.deps;
    const stats = await stat(path);
    const mtimeMs = Math.trunc(stats.mtimeMs);
    const existing = known ?? photos.findByPath(path);
    if (existing && existing.status === 'present' && existing.size === stats.size && existing.mtimeMs === mtimeMs) {
      return { outcome: 'unchanged', photoId: existing.id };
    }
    if (stats.size === 0) throw new FileIndexError('The file is empty (0 bytes).');

    const [fingerprint, facts] = await Promise.all([fingerprintFile(path), this.readMetadata(path)]);
    // Captionist's own metadata write, not recorded yet: the writer brings the library along.
    if (existing && photos.isBeingRewritten(existing.id, fingerprint)) return { outcome: 'unchanged', photoId: existing.id };
    let pixelError: string | undefined;
    let hasThumbnail = await derivatives.hasThumbnail(fingerprint);
    if (!hasThumbnail) {
      try {
        await derivatives.makeThumbnail(path, fingerprint, facts);
        hasThumbnail = true;
      } catch (error) {
        this.deps.logger.warn(`thumbnail: ${path}: ${error instanceof Error ? error.message : String(error)}`);
        pixelError = describeImageError(error);
      }
    }

    const place = await this.placeOf(path, facts);
    const record = this.toRecord(folder, path, stats.size, mtimeMs, fingerprint, hasThumbnail, facts, place);
    const { outcome, photoId, replacedFingerprint } = this.deps.db.transaction(() => this.store(record, existing))();
    if (replacedFingerprint && !photos.isFingerprintUsed(replacedFingerprint)) {
      await derivatives.prune([replacedFingerprint]);
    }
    return { outcome, photoId, pixelError };
  }

  private store(record: PhotoRecord, known: KnownPhoto | undefined) {
    const { photos } = this.deps;
    // Looked up again inside the transaction: a watcher and a full run may meet on one new file.
    const existing = known ?? photos.findByPath(record.path);
    if (existing) {
      photos.update(existing.id, record);
      const replaced = existing.fingerprint !== record.fingerprint ? existing.fingerprint : undefined;
      return { outcome: 'updated' as const, photoId: existing.id, replacedFingerprint: replaced };
    }
    // A copy on a drive that is not mounted right now has not moved: it is just offline.
    const movedAway = photos
      .withFingerprint(record.fingerprint)
      .find((photo) => existsSync(photo.folderPath) && (photo.status === 'missing' || !existsSync(photo.path)));
    if (movedAway) {
      photos.update(movedAway.id, record);
      return { outcome: 'moved' as const, photoId: movedAway.id, replacedFingerprint: undefined };
    }
    return { outcome: 'added' as const, photoId: photos.insert(record), replacedFingerprint: undefined };
  }

  private async readMetadata(path: string): Promise<PhotoMetadata> {
    let facts: PhotoMetadata;
    try {
      facts = await this.deps.metadata.readPhotoMetadata(path);
    } catch (error) {
      throw new FileIndexError(`The file could not be read as a photo: ${cleanExifToolMessage(error)}`);
    }
    if (!facts.fileType || !isPhotoFileType(facts.fileType)) {
      const holds = facts.fileType ? `${facts.fileType} data` : 'data of no known image format';
      throw new FileIndexError(`This file is named like a photo but holds ${holds}, so it was skipped.`);
    }
    return facts;
  }

  /** Names the places of photos whose GPS is stored but was never named (an older library, place names turned back on). */
  private async nameUnnamedPlaces(folderId: number, prefix: string) {
    if (!this.deps.placeNames()) return;
    const { photos, db } = this.deps;
    const named: [number, Place][] = [];
    for (const photo of photos.unnamedPlacesUnder(folderId, prefix)) {
      const place = await this.lookUpPlace(photo.path, photo.latitude, photo.longitude);
      if (place) named.push([photo.id, place]);
    }
    db.transaction(() => {
      for (const [id, place] of named) photos.setPlace(id, place);
    })();
  }

  /** The place the photo's GPS names, when place names are on. */
  private async placeOf(path: string, facts: PhotoMetadata): Promise<Place | null> {
    const { gpsLatitude, gpsLongitude } = facts;
    if (gpsLatitude === null || gpsLongitude === null || !this.deps.placeNames()) return null;
    return this.lookUpPlace(path, gpsLatitude, gpsLongitude);
  }

  /**
   * A position that cannot be on Earth, or a gazetteer that cannot be read, is logged with the
   * path and gives no place: the photo is still indexed, with its GPS as the file holds it.
   */
  private async lookUpPlace(path: string, latitude: number, longitude: number): Promise<Place | null> {
    try {
      return await this.deps.places.placeAt(latitude, longitude);
    } catch (error) {
      const reason = error instanceof InvalidCoordinatesError ? error.message : `Place names could not be loaded: ${String(error)}.`;
      this.deps.logger.warn(`place: ${path}: ${reason} No place is named for it.`);
      return null;
    }
  }

  private toRecord(
    folder: Folder,
    path: string,
    size: number,
    mtimeMs: number,
    fingerprint: string,
    hasThumbnail: boolean,
    facts: PhotoMetadata,
    place: Place | null,
  ): PhotoRecord {
    const { fileType, mimeType, title, caption, altText, keywords, previews, ...capture } = facts;
    return {
      ...capture,
      place,
      folderId: folder.id,
      path,
      relPath: relative(folder.path, path),
      fileName: basename(path),
      fileType: fileType!,
      mimeType,
      size,
      mtimeMs,
      fingerprint,
      hasThumbnail,
      embeddedTitle: title,
      embeddedCaption: caption,
      embeddedAltText: altText,
      embeddedKeywords: keywords,
      indexedAt: this.deps.now().toISOString(),
    };
  }
}

function cleanExifToolMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^Error:\s*/i, '').split('\n')[0]!.trim();
}
