import type { Database } from 'better-sqlite3';
import type { CaptionStatus, PhotoStatus } from '../../shared/domain';
import type { FieldChange, TagWrites } from '../../shared/metadata';
import { selectionFilter } from './photo-selection';
import type { PhotoSelection } from './photo-selection';

/** A photo with the newest version of its caption: what a write puts into the file. */
export interface WriteCandidate {
  photoId: number;
  path: string;
  fileName: string;
  fileType: string;
  relPath: string;
  folderName: string;
  size: number;
  mtimeMs: number;
  fingerprint: string;
  photoStatus: PhotoStatus;
  captionId: number;
  captionVersion: number;
  captionStatus: CaptionStatus;
  source: 'generated' | 'edited';
  title: string | null;
  caption: string | null;
  altText: string | null;
  longDescription: string | null;
  keywords: string[];
  provider: string | null;
  model: string | null;
  createdAt: string;
  /** The place named from the GPS (null name: none). */
  placeName: string | null;
  placeRegion: string | null;
  placeCountry: string | null;
  placeCountryCode: string | null;
}

export interface WriteRecord {
  photoId: number;
  captionId: number;
  captionVersion: number;
  previousCaptionStatus: CaptionStatus;
  targetPath: string;
  targetKind: 'embedded' | 'sidecar';
  createdTarget: boolean;
  hadIim: boolean;
  previous: TagWrites;
  written: TagWrites;
  changes: FieldChange[];
  writtenAt: string;
}

export interface StoredWrite extends WriteRecord {
  id: number;
  path: string;
  /** The photo's content fingerprint as the library knows it now. */
  photoFingerprint: string;
}

/**
 * What Captionist means to write into a file, recorded before it touches the file: a write (the
 * file will hold `tags`, then `record` is recorded) or a revert of write `writeId` (the file will
 * hold `tags`; null: Captionist's own sidecar is removed).
 */
export interface WriteIntentInput {
  photoId: number;
  operation: 'write' | 'revert';
  writeId: number | null;
  targetPath: string;
  /** Captionist's temporary copy beside the target, swapped in once complete. */
  temporaryPath: string | null;
  /** The target's content fingerprint before (null: it did not exist yet). */
  fingerprintBefore: string | null;
  tags: TagWrites | null;
  record: WriteRecord | null;
  /** The process writing it ("host:pid:nonce"). */
  owner: string;
  startedAt: string;
}

export interface WriteIntent extends WriteIntentInput {
  id: number;
  /** The written copy's content fingerprint, noted just before it was swapped in (null: it never got that far). */
  fingerprintAfter: string | null;
  /** The photo's own path (the target is a sidecar, or a link's target, or the same). */
  photoPath: string;
}

/** What the library records of a photo's file once Captionist has rewritten it. */
export interface RewrittenFile {
  size: number;
  mtimeMs: number;
  fingerprint: string;
  title: string | null;
  caption: string | null;
  altText: string | null;
  keywords: string[];
}

const candidateColumns = `
  p.id AS photoId, p.path, p.file_name AS fileName, p.file_type AS fileType, p.rel_path AS relPath,
  f.name AS folderName, p.size, p.mtime_ms AS mtimeMs, p.fingerprint, p.status AS photoStatus,
  c.id AS captionId, c.version AS captionVersion, c.status AS captionStatus, c.source, c.title, c.caption,
  c.alt_text AS altText, c.long_description AS longDescription, c.keywords, c.provider, c.model,
  c.created_at AS createdAt, p.place_name AS placeName, p.place_region AS placeRegion,
  p.place_country AS placeCountry, p.place_country_code AS placeCountryCode`;

const candidateFrom = `
  FROM photos p
  JOIN folders f ON f.id = p.folder_id
  JOIN captions c ON c.id = (SELECT id FROM captions WHERE photo_id = p.id ORDER BY version DESC LIMIT 1)`;

const writeColumns = `
  w.id, w.photo_id AS photoId, p.path, p.fingerprint AS photoFingerprint, w.caption_id AS captionId, w.caption_version AS captionVersion,
  w.previous_caption_status AS previousCaptionStatus, w.target_path AS targetPath, w.target_kind AS targetKind,
  w.created_target AS createdTarget, w.had_iim AS hadIim, w.previous, w.written, w.changes, w.written_at AS writtenAt`;

const intentColumns = `
  i.id, i.photo_id AS photoId, p.path AS photoPath, i.operation, i.write_id AS writeId, i.target_path AS targetPath,
  i.temporary_path AS temporaryPath, i.fingerprint_before AS fingerprintBefore, i.fingerprint_after AS fingerprintAfter, i.tags, i.record, i.owner,
  i.started_at AS startedAt`;

type CandidateRow = Omit<WriteCandidate, 'keywords'> & { keywords: string };
type IntentRow = Omit<WriteIntent, 'tags' | 'record'> & { tags: string | null; record: string | null };
type WriteRow = Omit<StoredWrite, 'previous' | 'written' | 'changes' | 'createdTarget' | 'hadIim'> & {
  previous: string;
  written: string;
  changes: string;
  createdTarget: number;
  hadIim: number;
};

const toCandidate = (row: CandidateRow): WriteCandidate => ({ ...row, keywords: JSON.parse(row.keywords) as string[] });
const toWrite = (row: WriteRow): StoredWrite => ({
  ...row,
  createdTarget: row.createdTarget === 1,
  hadIim: row.hadIim === 1,
  previous: JSON.parse(row.previous) as TagWrites,
  written: JSON.parse(row.written) as TagWrites,
  changes: JSON.parse(row.changes) as FieldChange[],
});

const toIntent = (row: IntentRow): WriteIntent => ({
  ...row,
  tags: row.tags === null ? null : (JSON.parse(row.tags) as TagWrites),
  record: row.record === null ? null : (JSON.parse(row.record) as WriteRecord),
});

/** Write-back's records and the photo and caption facts a write changes. */
export class MetadataWritesRepository {
  constructor(private readonly db: Database) {}

  /** The library folders' paths (link-resolved): the only places Captionist writes into. */
  libraryFolderPaths(): string[] {
    return this.db.prepare('SELECT path FROM folders').pluck().all() as string[];
  }

  recordIntent(intent: WriteIntentInput): number {
    const result = this.db
      .prepare(
        `INSERT INTO metadata_write_intents (photo_id, operation, write_id, target_path, temporary_path, fingerprint_before,
           tags, record, owner, started_at)
         VALUES (@photoId, @operation, @writeId, @targetPath, @temporaryPath, @fingerprintBefore, @tags, @record, @owner, @startedAt)`,
      )
      .run({
        ...intent,
        tags: intent.tags === null ? null : JSON.stringify(intent.tags),
        record: intent.record === null ? null : JSON.stringify(intent.record),
      });
    return Number(result.lastInsertRowid);
  }

  /** Every intent not settled yet, oldest first. */
  intents(): WriteIntent[] {
    const rows = this.db
      .prepare(`SELECT ${intentColumns} FROM metadata_write_intents i JOIN photos p ON p.id = i.photo_id ORDER BY i.id`)
      .all() as IntentRow[];
    return rows.map(toIntent);
  }

  /** Notes the content of the copy about to replace an intent's file. */
  noteWrittenCopy(id: number, fingerprint: string): void {
    this.db.prepare('UPDATE metadata_write_intents SET fingerprint_after = ? WHERE id = ?').run(fingerprint, id);
  }

  /** Settles an intent that came to nothing; false when it was settled already. */
  dropIntent(id: number): boolean {
    return this.db.prepare('DELETE FROM metadata_write_intents WHERE id = ?').run(id).changes === 1;
  }

  candidate(photoId: number): WriteCandidate | undefined {
    const row = this.db.prepare(`SELECT ${candidateColumns} ${candidateFrom} WHERE p.id = ?`).get(photoId) as CandidateRow | undefined;
    return row && toCandidate(row);
  }

  /**
   * Present photos in scope whose newest caption is not written yet (all captioned ones with
   * `includeWritten`), only approved ones with `approvedOnly`; in path order.
   */
  candidates(selection: PhotoSelection, options: { approvedOnly: boolean; includeWritten: boolean }): WriteCandidate[] {
    const scope = selectionFilter(selection);
    const statuses = options.approvedOnly ? ['approved'] : options.includeWritten ? ['draft', 'approved', 'written'] : ['draft', 'approved'];
    const rows = this.db
      .prepare(
        `SELECT ${candidateColumns} ${candidateFrom}
         WHERE p.status = 'present' AND c.status IN (${statuses.map(() => '?').join(', ')}) ${scope.sql}
         ORDER BY p.path`,
      )
      .all(...statuses, ...scope.params) as CandidateRow[];
    return rows.map(toCandidate);
  }

  /** Every photo in scope with a caption of ours, whatever its status (for export). */
  captioned(selection: PhotoSelection): WriteCandidate[] {
    const scope = selectionFilter(selection);
    const rows = this.db
      .prepare(`SELECT ${candidateColumns} ${candidateFrom} WHERE 1 = 1 ${scope.sql} ORDER BY p.path`)
      .all(...scope.params) as CandidateRow[];
    return rows.map(toCandidate);
  }

  /**
   * Records a write, marks the caption written and, when the photo file itself was rewritten,
   * stores its new size, time, fingerprint and embedded text, so the indexer sees no change and
   * the next write no foreign edit; settles the write's intent. One transaction. Returns the
   * write's id, or null when another process settled the intent (and recorded the write) first.
   */
  recordWrite(record: WriteRecord, options: { intentId: number; rewrittenFile: RewrittenFile | null }): number | null {
    return this.db.transaction(() => {
      if (!this.dropIntent(options.intentId)) return null;
      const result = this.db
        .prepare(
          `INSERT INTO metadata_writes (photo_id, caption_id, caption_version, previous_caption_status, target_path,
             target_kind, created_target, had_iim, previous, written, changes, written_at)
           VALUES (@photoId, @captionId, @captionVersion, @previousCaptionStatus, @targetPath, @targetKind,
             @createdTarget, @hadIim, @previous, @written, @changes, @writtenAt)`,
        )
        .run({
          ...record,
          createdTarget: record.createdTarget ? 1 : 0,
          hadIim: record.hadIim ? 1 : 0,
          previous: JSON.stringify(record.previous),
          written: JSON.stringify(record.written),
          changes: JSON.stringify(record.changes),
        });
      this.db.prepare(`UPDATE captions SET status = 'written' WHERE id = ?`).run(record.captionId);
      if (options.rewrittenFile) this.updateFile(record.photoId, options.rewrittenFile);
      return Number(result.lastInsertRowid);
    })();
  }

  /** The newest write of a photo not reverted yet. */
  latestWrite(photoId: number): StoredWrite | undefined {
    const row = this.db
      .prepare(
        `SELECT ${writeColumns} FROM metadata_writes w JOIN photos p ON p.id = w.photo_id
         WHERE w.photo_id = ? AND w.reverted_at IS NULL ORDER BY w.id DESC LIMIT 1`,
      )
      .get(photoId) as WriteRow | undefined;
    return row && toWrite(row);
  }

  /** What Captionist's newest live write put into `targetPath`, and what was there before it. */
  lastWritten(photoId: number, targetPath: string): { written: TagWrites; previous: TagWrites } | undefined {
    const row = this.db
      .prepare(
        `SELECT written, previous FROM metadata_writes WHERE photo_id = ? AND target_path = ? AND reverted_at IS NULL
         ORDER BY id DESC LIMIT 1`,
      )
      .get(photoId, targetPath) as { written: string; previous: string } | undefined;
    return row && { written: JSON.parse(row.written) as TagWrites, previous: JSON.parse(row.previous) as TagWrites };
  }

  /** Photos in scope with a write that can be reverted, in path order. */
  revertable(selection: PhotoSelection): { photoId: number; path: string }[] {
    const scope = selectionFilter(selection);
    return this.db
      .prepare(
        `SELECT DISTINCT p.id AS photoId, p.path FROM metadata_writes w JOIN photos p ON p.id = w.photo_id
         WHERE w.reverted_at IS NULL ${scope.sql} ORDER BY p.path`,
      )
      .all(...scope.params) as { photoId: number; path: string }[];
  }

  /** How many photos of a library folder hold a write-back that could still be reverted. */
  revertableInFolder(folderId: number): number {
    return this.db
      .prepare(
        `SELECT count(DISTINCT w.photo_id) FROM metadata_writes w JOIN photos p ON p.id = w.photo_id
         WHERE w.reverted_at IS NULL AND p.folder_id = ?`,
      )
      .pluck()
      .get(folderId) as number;
  }

  /**
   * Marks a write reverted, gives its caption back the status it had before and settles the
   * revert's intent (none when the revert changed no file); false when another process settled it first.
   */
  recordRevert(write: StoredWrite, at: string, options: { intentId: number | null; rewrittenFile: RewrittenFile | null }): boolean {
    return this.db.transaction(() => {
      if (options.intentId !== null && !this.dropIntent(options.intentId)) return false;
      this.db.prepare('UPDATE metadata_writes SET reverted_at = ? WHERE id = ?').run(at, write.id);
      this.db
        .prepare(`UPDATE captions SET status = ? WHERE id = ? AND status = 'written'`)
        .run(write.previousCaptionStatus, write.captionId);
      if (options.rewrittenFile) this.updateFile(write.photoId, options.rewrittenFile);
      return true;
    })();
  }

  /** The write of this id with its photo's path, reverted or not. */
  write(id: number): StoredWrite | undefined {
    const row = this.db
      .prepare(`SELECT ${writeColumns} FROM metadata_writes w JOIN photos p ON p.id = w.photo_id WHERE w.id = ?`)
      .get(id) as WriteRow | undefined;
    return row && toWrite(row);
  }

  private updateFile(photoId: number, file: RewrittenFile): void {
    this.db
      .prepare(
        `UPDATE photos SET size = @size, mtime_ms = @mtimeMs, fingerprint = @fingerprint, embedded_title = @title,
           embedded_caption = @caption, embedded_alt_text = @altText, embedded_keywords = @keywords
         WHERE id = @id`,
      )
      .run({ ...file, keywords: JSON.stringify(file.keywords), id: photoId });
  }
}
