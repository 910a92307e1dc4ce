import { existsSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { MetadataWritesRepository, RewrittenFile, StoredWrite, WriteIntent, WriteIntentInput, WriteRecord } from '../db/metadata-writes.repo';
import type { PhotosRepository } from '../db/photos.repo';
import { fingerprintFile } from '../base/fingerprint';
import type { Logger } from '../base/logger';
import { processIsGone } from '../base/process-owner';
import type { ExifToolAdapter } from './exiftool.adapter';
import { dedupe, existingText, list, readBackMismatches, tag, tagsToRead } from './field-mapping';
import type { TagValues } from '../../shared/metadata';
import type { TargetKind } from './field-mapping';

/** The derivative cache (images/), as far as a rewrite moves its copies along. */
export interface CachedCopies {
  carryOver(from: string, to: string): Promise<void>;
  prune(fingerprints: Iterable<string>): Promise<void>;
}

export interface WriteJournalDeps {
  writes: MetadataWritesRepository;
  photos: Pick<PhotosRepository, 'isFingerprintUsed'>;
  derivatives: CachedCopies;
  metadata: ExifToolAdapter;
  logger: Logger;
  now: () => Date;
  /** This process, as its intents name it ("host:pid:nonce"). */
  owner: string;
}

/** An interrupted write or revert that the file showed was done, now recorded. */
export interface SettledIntent {
  photoId: number;
  operation: 'write' | 'revert';
  captionId: number;
}

/** The photo whose own file a write rewrote, as the library knew it before. */
export interface RewrittenPhoto {
  path: string;
  fingerprint: string;
}

/**
 * An intent whose process is gone (or, for a process on another machine, which cannot be checked,
 * older than any write takes) will never be settled by it.
 */
const abandonedAfterMs = 60 * 60_000;

/**
 * What Captionist is writing, kept in the library database so that no kill, crash or power cut
 * leaves a photo the library misjudges: every write and revert is recorded as an intent before its
 * file is touched and settled after. The next run settles what a process that is gone left: a file
 * that holds exactly what was meant is recorded as written (or reverted), with its revert data; any
 * other is left for the usual checks (a file someone else changed is refused as changed).
 */
export class WriteJournal {
  constructor(private readonly deps: WriteJournalDeps) {}

  begin(intent: Omit<WriteIntentInput, 'owner' | 'startedAt'>): number {
    return this.deps.writes.recordIntent({ ...intent, owner: this.deps.owner, startedAt: this.deps.now().toISOString() });
  }

  /** The content of the checked copy about to replace the intent's file: a file with any other is not ours to record. */
  noteCopy(intentId: number, fingerprint: string): void {
    this.deps.writes.noteWrittenCopy(intentId, fingerprint);
  }

  /** The file was not touched after all (a failure before the swap). */
  abandon(intentId: number): void {
    this.deps.writes.dropIntent(intentId);
  }

  /**
   * Records a write whose file now holds its tags. When that file is the photo itself, the library
   * takes its new facts and the cached thumbnail and caption-ready copies follow its new
   * fingerprint (the pixels are the same), so the grid never loses a picture.
   */
  async completeWrite(intentId: number, record: WriteRecord, photo: RewrittenPhoto | null, tags: TagValues): Promise<boolean> {
    const rewritten = photo && (await this.follow(photo, tags));
    const recorded = this.deps.writes.recordWrite(record, { intentId, rewrittenFile: rewritten }) !== null;
    if (photo) await this.pruneUnused(photo.fingerprint);
    return recorded;
  }

  /** Records a revert (intent null: it changed no file), the same way. */
  async completeRevert(intentId: number | null, write: StoredWrite, photo: RewrittenPhoto | null): Promise<boolean> {
    const tags = photo && (await this.deps.metadata.readTags(photo.path, tagsToRead('embedded-iim')));
    const rewritten = photo && (await this.follow(photo, tags!));
    const recorded = this.deps.writes.recordRevert(write, this.deps.now().toISOString(), { intentId, rewrittenFile: rewritten });
    if (photo) await this.pruneUnused(photo.fingerprint);
    return recorded;
  }

  /**
   * Settles every intent a process that is gone left behind: removes its temporary copy, then
   * records what its file shows was done, or drops it. `serialize` runs each under the writer's
   * lock for that photo. Returns what was recorded.
   */
  async settleInterrupted(serialize: <T>(photoPath: string, work: () => Promise<T>) => Promise<T>): Promise<SettledIntent[]> {
    const settled: SettledIntent[] = [];
    for (const intent of this.deps.writes.intents().filter((candidate) => this.isAbandoned(candidate))) {
      await serialize(intent.photoPath, async () => {
        try {
          const done = await this.settle(intent);
          if (done) settled.push(done);
        } catch (error) {
          this.deps.logger.warn(`settling an interrupted write of ${intent.targetPath}: ${String(error)}`);
        }
      });
    }
    return settled;
  }

  /** Whether another process that is still running is writing into this photo or its sidecar. */
  isBusyElsewhere(photoId: number): boolean {
    return this.deps.writes
      .intents()
      .some((intent) => intent.photoId === photoId && intent.owner !== this.deps.owner && !this.isAbandoned(intent));
  }

  private isAbandoned(intent: WriteIntent): boolean {
    if (intent.owner === this.deps.owner) return false;
    return processIsGone(intent.owner) || this.deps.now().getTime() - Date.parse(intent.startedAt) > abandonedAfterMs;
  }

  private async settle(intent: WriteIntent): Promise<SettledIntent | null> {
    if (intent.temporaryPath) await rm(intent.temporaryPath, { force: true });
    if (!(await this.holdsIntent(intent))) {
      this.deps.writes.dropIntent(intent.id);
      return null;
    }
    const settled = intent.operation === 'write' ? await this.settleWrite(intent) : await this.settleRevert(intent);
    if (settled) this.deps.logger.info(`recorded an interrupted ${intent.operation} of ${intent.targetPath}: the file holds what was meant`);
    return settled;
  }

  private async settleWrite(intent: WriteIntent): Promise<SettledIntent | null> {
    const record = intent.record!;
    // An embedded write's fingerprint before is the photo's own.
    const photo = record.targetKind === 'embedded' ? { path: intent.photoPath, fingerprint: intent.fingerprintBefore! } : null;
    const tags = photo ? await this.deps.metadata.readTags(photo.path, tagsToRead('embedded-iim')) : {};
    if (!(await this.completeWrite(intent.id, record, photo, tags))) return null;
    return { photoId: intent.photoId, operation: 'write', captionId: record.captionId };
  }

  private async settleRevert(intent: WriteIntent): Promise<SettledIntent | null> {
    const write = this.deps.writes.write(intent.writeId!);
    if (!write) return null;
    const photo = write.targetKind === 'embedded' ? { path: intent.photoPath, fingerprint: intent.fingerprintBefore! } : null;
    if (!(await this.completeRevert(intent.id, write, photo))) return null;
    return { photoId: intent.photoId, operation: 'revert', captionId: write.captionId };
  }

  /**
   * Whether the intent's file is the copy it swapped in, untouched since (its content is the
   * copy's, and it holds exactly the tags meant), or, for a removal, is gone.
   */
  private async holdsIntent(intent: WriteIntent): Promise<boolean> {
    const exists = existsSync(intent.targetPath);
    if (intent.tags === null) return !exists;
    if (!exists || intent.fingerprintAfter === null) return false;
    if ((await fingerprintFile(intent.targetPath)) !== intent.fingerprintAfter) return false;
    const read = await this.deps.metadata.readTags(intent.targetPath, Object.keys(intent.tags));
    return readBackMismatches(intent.tags, read).length === 0;
  }

  /** The photo's file facts after the rewrite, with its cached derivatives following its new fingerprint. */
  private async follow(photo: RewrittenPhoto, tags: TagValues): Promise<RewrittenFile> {
    const file = await rewrittenFile(photo.path, tags, 'embedded-iim');
    await this.deps.derivatives.carryOver(photo.fingerprint, file.fingerprint);
    return file;
  }

  /** The old fingerprint's derivatives go once no photo has that content any more. */
  private async pruneUnused(fingerprint: string): Promise<void> {
    if (!this.deps.photos.isFingerprintUsed(fingerprint)) await this.deps.derivatives.prune([fingerprint]);
  }
}

/** The file's facts after Captionist rewrote it, for the library to store. */
async function rewrittenFile(path: string, tags: TagValues, kind: TargetKind): Promise<RewrittenFile> {
  const stats = await stat(path);
  const fileName = basename(path);
  return {
    size: stats.size,
    mtimeMs: Math.trunc(stats.mtimeMs),
    fingerprint: await fingerprintFile(path),
    title: existingText('title', tags, kind, fileName),
    caption: existingText('caption', tags, kind, fileName),
    altText: existingText('altText', tags, kind, fileName),
    keywords: dedupe([...list(tags[tag.subject]), ...list(tags[tag.keywords])]),
  };
}
