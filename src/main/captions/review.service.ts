import type { Database } from 'better-sqlite3';
import type { CaptionFields } from '../../shared/captioning';
import type { CaptionEdit, PhotoDetail } from '../../shared/review';
import type { CaptionsRepository } from '../db/captions.repo';
import type { PhotosRepository } from '../db/photos.repo';
import { UserError } from '../base/errors';
import { normaliseKeywords } from '../../shared/keywords';

export interface ReviewServiceDeps {
  db: Database;
  photos: PhotosRepository;
  captions: CaptionsRepository;
  now: () => Date;
}

/** What the inspector shows of a photo, and a person's review of its caption: editing and approving. */
export class ReviewService {
  constructor(private readonly deps: ReviewServiceDeps) {}

  /** The photo with its newest caption (else the text embedded in the file) and its caption history. */
  get(photoId: number): PhotoDetail {
    const row = this.deps.photos.detail(photoId);
    if (!row) throw new UserError(`No photo with id ${photoId}.`);
    const { current, embedded, ...photo } = row;
    return {
      ...photo,
      altText: current ? current.altText : embedded.altText,
      longDescription: current?.longDescription ?? null,
      embedded,
      versions: this.deps.captions.versions(photoId),
    };
  }

  /**
   * Stores a person's edit as the newest version, approved. An edit that changes nothing
   * approves the newest version instead of adding an identical one.
   */
  edit(photoId: number, edit: CaptionEdit): { detail: PhotoDetail; folderId: number } {
    const { db, photos, captions } = this.deps;
    const fields: CaptionFields = {
      title: edit.title || null,
      caption: edit.caption,
      altText: edit.altText,
      longDescription: edit.longDescription || null,
      keywords: normaliseKeywords(edit.keywords),
    };
    const folderId = db.transaction(() => {
      const photo = photos.detail(photoId);
      if (!photo) throw new UserError(`No photo with id ${photoId}.`);
      const newest = captions.latest(photoId);
      if (newest && sameFields(newest, fields)) captions.setNewestStatus([photoId], 'draft', 'approved');
      else captions.insertEdited(photoId, fields, this.deps.now().toISOString());
      return photo.folderId;
    })();
    return { detail: this.get(photoId), folderId };
  }

  /**
   * Approves the newest caption of each photo (from draft), or sends it back to draft (from
   * approved); written captions and photos without one are left alone.
   */
  approve(photoIds: readonly number[], approved: boolean): { count: number; folderIds: number[] } {
    return approved
      ? this.deps.captions.setNewestStatus(photoIds, 'draft', 'approved')
      : this.deps.captions.setNewestStatus(photoIds, 'approved', 'draft');
  }
}

function sameFields(a: CaptionFields, b: CaptionFields): boolean {
  return (
    (a.title ?? null) === b.title &&
    a.caption === b.caption &&
    a.altText === b.altText &&
    (a.longDescription || null) === b.longDescription &&
    a.keywords.length === b.keywords.length &&
    a.keywords.every((keyword, index) => keyword === b.keywords[index])
  );
}
