import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, relative, sep } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { FileError, Folder, IndexProgress, IndexResult } from '../../shared/domain';
import type { IndexErrorsRepository } from '../db/index-errors.repo';
import type { FoldersRepository } from '../db/folders.repo';
import type { KnownPhoto, PhotoRecord, PhotosRepository } from '../db/photos.repo';
import type { Derivatives } from '../images/derivatives';
import type { Logger } from '../logger';
import type { ExifToolAdapter, PhotoMetadata } from '../metadata/exiftool.adapter';
import { forEachConcurrently } from './concurrency';
import { describeFileError } from './file-errors';
import { isPhotoFileType } from './file-types';
import { fingerprintFile } from './fingerprint';
import { describeImageError } from './image-errors';
import { listPhotoFiles } from './walker';

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
}

type FileOutcome = 'added' | 'updated' | 'unchanged' | 'moved';

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
    const result: IndexResult = { added: 0, updated: 0, unchanged: 0, missing: 0, moved: 0, errors: [] };
    for (const target of targets) await this.indexTarget(target, result, onProgress);
    return result;
  }

  private async indexTarget(target: IndexTarget, result: IndexResult, onProgress: (p: IndexProgress) => void) {
    const { folder, path } = target;
    const { photos, indexErrors, folders, now } = this.deps;
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

    const prefix = path.endsWith(sep) ? path : path + sep;
    const known = new Map(photos.knownUnder(folder.id, prefix).map((photo) => [photo.path, photo]));
    const runErrors: FileError[] = [...listing.errors];
    const reindexed = new Set<string>();
    const movedHere = new Set<number>();
    let done = 0;
    report('indexing', 0, listing.files.length, null);

    await forEachConcurrently(listing.files, this.deps.concurrency, async (file) => {
      try {
        const { outcome, photoId, pixelError } = await this.indexFile(folder, file, known.get(file));
        result[outcome] += 1;
        if (outcome === 'moved') movedHere.add(photoId);
        // The photo is indexed and searchable even when only its picture could not be read.
        if (pixelError) runErrors.push({ path: file, message: pixelError });
        else if (outcome !== 'unchanged') reindexed.add(file);
      } catch (error) {
        this.deps.logger.warn(`index: ${file}: ${error instanceof Error ? error.message : String(error)}`);
        const message = !existsSync(file)
          ? 'The file disappeared while it was being indexed.'
          : error instanceof FileIndexError
            ? error.message
            : describeFileError(error, 'file');
        runErrors.push({ path: file, message });
      }
      report('indexing', ++done, listing.files.length, file);
    });

    const listed = new Set(listing.files);
    // Photos below a folder that could not be read are not known to be gone.
    const unreadableFolders = listing.errors.map((error) => error.path + sep);
    const gone = [...known.values()].filter(
      (photo) =>
        !listed.has(photo.path) &&
        !movedHere.has(photo.id) &&
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
        if (!listed.has(recorded) || reindexed.has(recorded)) indexErrors.clear(recorded);
      }
      for (const error of runErrors) indexErrors.record(folder.id, error, at);
      folders.markIndexed(folder.id, at);
    })();
    result.errors.push(...runErrors);
    report('done', done, listing.files.length, null);
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

    const record = this.toRecord(folder, path, stats.size, mtimeMs, fingerprint, hasThumbnail, facts);
    const { outcome, photoId, replacedFingerprint } = this.deps.db.transaction(() => this.store(record, existing))();
    if (replacedFingerprint && !photos.isFingerprintUsed(replacedFingerprint)) {
      await derivatives.prune([replacedFingerprint]);
    }
    return { outcome, photoId, pixelError };
  }

  private store(record: PhotoRecord, existing: KnownPhoto | undefined) {
    const { photos } = this.deps;
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

  private toRecord(
    folder: Folder,
    path: string,
    size: number,
    mtimeMs: number,
    fingerprint: string,
    hasThumbnail: boolean,
    facts: PhotoMetadata,
  ): PhotoRecord {
    const { fileType, mimeType, title, caption, altText, keywords, previews, ...capture } = facts;
    return {
      ...capture,
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
