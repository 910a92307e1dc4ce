import { realpathSync, statSync } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { basename, relative, resolve, sep } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { Folder, IndexProgress, IndexResult } from '../../shared/domain';
import type { FoldersRepository } from '../db/folders.repo';
import type { IndexErrorsRepository } from '../db/index-errors.repo';
import type { PhotosRepository } from '../db/photos.repo';
import type { CaptionOptionOverrides } from '../../shared/captioning';
import { UserError } from '../base/errors';
import type { Indexer, IndexTarget } from './indexer';

export interface LibraryServiceDeps {
  db: Database;
  folders: FoldersRepository;
  photos: PhotosRepository;
  indexErrors: IndexErrorsRepository;
  indexer: Indexer;
  now: () => Date;
}

/** Photos taken out of the library per transaction when a folder is removed, so nothing waits long on the database. */
const photosRemovedAtOnce = 2_000;

function isInside(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);
}

/** The library's folders: adding them, and indexing all or part of them. */
export class LibraryService {
  constructor(private readonly deps: LibraryServiceDeps) {}

  listFolders(): Folder[] {
    return this.deps.folders.list();
  }

  /**
   * Adds a folder to the library. A folder already inside the library is refused with a
   * message; library folders inside the new one are absorbed, photos and captions intact.
   */
  addFolder(path: string): Folder {
    const folderPath = existingDirectory(path);
    const { folders, photos, indexErrors, db } = this.deps;
    const existing = folders.list();
    const container = existing.find((folder) => isInside(folderPath, folder.path));
    if (container) {
      throw new UserError(
        container.path === folderPath
          ? `${folderPath} is already in the library.`
          : `${folderPath} is already in the library, as part of ${container.path}.`,
      );
    }
    const id = db.transaction(() => {
      const newId = folders.insert(folderPath, basename(folderPath) || folderPath, this.deps.now().toISOString());
      for (const child of existing.filter((folder) => isInside(folder.path, folderPath))) {
        photos.reparent(child.id, newId, relative(folderPath, child.path) + sep);
        indexErrors.moveFolder(child.id, newId);
        folders.delete(child.id);
      }
      return newId;
    })();
    return folders.get(id)!;
  }

  /**
   * Takes a folder out of the library: its photos, their captions and jobs, and its index errors.
   * The files on disk are never touched. Large folders go in slices, each its own transaction, so
   * other work gets the database in between; the folder row goes last, so an interrupted removal
   * leaves a smaller folder that can be removed again.
   */
  async removeFolder(folderId: number): Promise<Folder> {
    const { folders, photos, db } = this.deps;
    const folder = folders.get(folderId);
    if (!folder) throw new UserError(`No library folder with id ${folderId}.`);
    while (db.transaction(() => photos.deleteSomeInFolder(folderId, photosRemovedAtOnce))() === photosRemovedAtOnce) {
      await nextTurn();
    }
    db.transaction(() => {
      // Photos indexed into the folder meanwhile (a watcher's last event) go too.
      photos.deleteSomeInFolder(folderId, Number.MAX_SAFE_INTEGER);
      folders.delete(folderId);
    })();
    return folder;
  }

  /** Sets the caption options every run on this folder starts from. */
  setCaptionOptions(folderId: number, options: CaptionOptionOverrides): Folder {
    const { folders } = this.deps;
    if (!folders.get(folderId)) throw new UserError(`No library folder with id ${folderId}.`);
    folders.setCaptionOptions(folderId, options);
    return folders.get(folderId)!;
  }

  /** Turns auto-caption on for a folder (with the provider new photos go to) or off (null). */
  setAutoCaption(folderId: number, provider: string | null): Folder {
    const { folders } = this.deps;
    if (!folders.get(folderId)) throw new UserError(`No library folder with id ${folderId}.`);
    folders.setAutoCaptionProvider(folderId, provider);
    return folders.get(folderId)!;
  }

  /**
   * Indexes the given paths (every library folder when none). A path outside the library is
   * added as a new library folder first; a path inside one indexes just that part.
   */
  async index(paths: readonly string[], onProgress?: (progress: IndexProgress) => void): Promise<IndexResult> {
    const targets: IndexTarget[] = paths.length
      ? paths.map((path) => this.targetFor(path))
      : this.deps.folders.list().map((folder) => ({ folder, path: folder.path }));
    return this.deps.indexer.index(targets, onProgress);
  }

  /** The library folders holding these paths (every folder when none). */
  foldersFor(paths: readonly string[]): Folder[] {
    const folders = this.deps.folders.list();
    if (!paths.length) return folders;
    const real = paths.map(existingDirectory);
    return folders.filter((folder) => real.some((path) => isInside(path, folder.path) || isInside(folder.path, path)));
  }

  private targetFor(path: string): IndexTarget {
    const folderPath = existingDirectory(path);
    const folder =
      this.deps.folders.list().find((candidate) => isInside(folderPath, candidate.path)) ?? this.addFolder(folderPath);
    return { folder, path: folderPath };
  }
}

/** The absolute, link-resolved path of a directory the user named, or a UserError saying what is wrong. */
function existingDirectory(path: string): string {
  const absolute = resolve(path);
  let stats;
  try {
    stats = statSync(absolute);
  } catch {
    throw new UserError(`Folder not found: ${absolute}`);
  }
  if (!stats.isDirectory()) throw new UserError(`Not a folder: ${absolute}`);
  return realpathSync(absolute);
}
