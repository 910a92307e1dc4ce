import { constants } from 'node:fs';
import { access, stat, unlink } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { RevertRequestSchema, WriteOptionsSchema, WriteRequestSchema } from '../../shared/metadata';
import type {
  PhotoRevertResult,
  PhotoWriteResult,
  RevertRequest,
  RevertRunResult,
  WriteOptions,
  WriteOptionsInput,
  WriteProgress,
  WriteRequest,
  WriteRunResult,
} from '../../shared/metadata';
import type { MetadataWritesRepository, RewrittenFile, WriteCandidate } from '../db/metadata-writes.repo';
import { UserError } from '../errors';
import { forEachConcurrently } from '../library/concurrency';
import { fingerprintFile } from '../library/fingerprint';
import { photoSelection } from '../library/path-scope';
import type { Logger } from '../logger';
import type { ExifToolAdapter } from './exiftool.adapter';
import { dedupe, existingText, list, planWrite, readBackMismatches, sameValue, tag, tagsToRead } from './field-mapping';
import type { TagValues, TagWrites, TargetKind } from './field-mapping';
import { resolveSidecar, targetKindFor } from './sidecars';

export interface MetadataWriterDeps {
  writes: MetadataWritesRepository;
  metadata: ExifToolAdapter;
  logger: Logger;
  now: () => Date;
  /** Files written at once: the size of the ExifTool pool. */
  concurrency: number;
}

/** A per-file problem with a message for the photographer; the run goes on. */
class WriteFailure extends Error {}

/**
 * Writes captions back into photos (or their sidecars), one ExifTool write per file with every tag,
 * reads each file back to check it, records what each tag held before, and reverts on request.
 * `writePhoto` is the unit a queue job runs; `write` runs a batch over the pool.
 */
export class MetadataWriter {
  /** Writes in flight per folder and base name: IMG_1.CR2 and IMG_1.NEF may reach for one IMG_1.xmp. */
  private readonly namesakes = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: MetadataWriterDeps) {}

  /** Runs `work` after every earlier write of a photo with the same folder and base name. */
  private async oneAtATime<T>(photoPath: string, work: () => Promise<T>): Promise<T> {
    const key = join(dirname(photoPath), basename(photoPath, extname(photoPath))).toLowerCase();
    const previous = this.namesakes.get(key) ?? Promise.resolve();
    const current = previous.then(work, work);
    const settled = current.catch(() => undefined);
    this.namesakes.set(key, settled);
    try {
      return await current;
    } finally {
      if (this.namesakes.get(key) === settled) this.namesakes.delete(key);
    }
  }

  /** Writes the newest caption of one photo (the job of kind `writeMetadata`). */
  async writePhoto(photoId: number, options: WriteOptionsInput = {}): Promise<PhotoWriteResult> {
    const candidate = this.deps.writes.candidate(photoId);
    if (!candidate) throw new UserError(`Photo ${photoId} has no caption to write.`);
    return this.writeCandidate(candidate, WriteOptionsSchema.parse(options));
  }

  /** The photos a write of `request` would cover. */
  candidates(request: WriteRequest): WriteCandidate[] {
    const parsed = WriteRequestSchema.parse(request);
    return this.deps.writes.candidates(photoSelection(parsed), { approvedOnly: parsed.approvedOnly, includeWritten: parsed.force });
  }

  /** Every captioned photo in scope not written yet (or approved only, or all with `force`). */
  async write(request: WriteRequest, onProgress?: (progress: WriteProgress) => void): Promise<WriteRunResult> {
    const parsed = WriteRequestSchema.parse(request);
    const candidates = this.deps.writes.candidates(photoSelection(parsed), {
      approvedOnly: parsed.approvedOnly,
      includeWritten: parsed.force,
    });
    const photos: PhotoWriteResult[] = new Array(candidates.length);
    const progress = { done: 0, total: candidates.length, failed: 0 };
    onProgress?.({ ...progress });
    let next = 0;
    await forEachConcurrently(
      candidates.map((candidate) => ({ candidate, index: next++ })),
      this.deps.concurrency,
      async ({ candidate, index }) => {
        const result = await this.writeCandidate(candidate, parsed);
        photos[index] = result;
        progress.done++;
        if (result.status === 'failed') progress.failed++;
        onProgress?.({ ...progress });
      },
    );
    return {
      dryRun: parsed.dryRun,
      total: photos.length,
      written: photos.filter((photo) => photo.status === 'written' || photo.status === 'would-write').length,
      unchanged: photos.filter((photo) => photo.status === 'unchanged').length,
      failed: progress.failed,
      photos,
    };
  }

  private writeCandidate(candidate: WriteCandidate, options: WriteOptions): Promise<PhotoWriteResult> {
    return this.oneAtATime(candidate.path, () => this.writeOne(candidate, options));
  }

  private async writeOne(candidate: WriteCandidate, options: WriteOptions): Promise<PhotoWriteResult> {
    const result: PhotoWriteResult = {
      photoId: candidate.photoId,
      path: candidate.path,
      target: null,
      targetKind: null,
      status: 'failed',
      changes: [],
      message: null,
      warnings: [],
    };
    try {
      const kind = targetKindFor(candidate.fileType, options.sidecar);
      if (!kind) {
        return { ...result, status: 'unchanged', message: 'Left alone: RAW files take captions in a sidecar, and sidecars are off (--sidecar never).' };
      }
      await this.checkUnchangedSinceIndexed(candidate);
      const { path: target, exists } = await this.target(candidate, kind, options);
      result.target = target;
      result.targetKind = kind === 'sidecar' ? 'sidecar' : 'embedded';
      await checkWritable(target, exists, kind);

      const current = exists ? await this.deps.metadata.readTags(target, tagsToRead(kind)) : {};
      const plan = planWrite({
        caption: {
          ...candidate,
          reviewed: candidate.source === 'edited' || candidate.captionStatus === 'approved',
        },
        current,
        kind,
        policies: options.policies,
        fileName: candidate.fileName,
        ours: this.deps.writes.lastWritten(candidate.photoId, target),
        sidecarFor: extname(candidate.path).slice(1),
      });
      result.changes = plan.changes;
      const names = Object.keys(plan.tags);
      if (!names.length) return { ...result, status: 'unchanged' };
      if (options.dryRun) return { ...result, status: 'would-write' };

      result.warnings = await this.deps.metadata.writeTags(target, plan.tags);
      // What was just written sits where ExifTool puts new metadata, before the image data.
      const readBack = await this.deps.metadata.readTags(target, names, { standardLocationsOnly: true });
      const mismatches = readBackMismatches(plan.tags, readBack);
      const previous: TagWrites = Object.fromEntries(names.map((name) => [name, current[name] ?? null]));
      this.deps.writes.recordWrite(
        {
          photoId: candidate.photoId,
          captionId: candidate.captionId,
          captionVersion: candidate.captionVersion,
          previousCaptionStatus: candidate.captionStatus,
          targetPath: target,
          targetKind: result.targetKind,
          createdTarget: !exists,
          hadIim: Object.keys(current).some((name) => name.startsWith('IPTC:')),
          previous,
          written: plan.tags,
          changes: plan.changes,
          writtenAt: this.deps.now().toISOString(),
        },
        {
          // Recorded even when the read-back disagrees, so revert can still restore the file.
          markWritten: mismatches.length === 0,
          rewrittenFile: kind === 'sidecar' ? null : await rewrittenFile(candidate.path, { ...current, ...readBack }, kind),
        },
      );
      if (mismatches.length) {
        throw new WriteFailure(
          `Reading the file back after writing showed different values in ${mismatches.join(', ')}; ` +
            'the caption is not marked written ("captionist revert" restores the previous values).',
        );
      }
      return { ...result, status: 'written' };
    } catch (error) {
      const message = error instanceof WriteFailure ? error.message : describeWriteError(error, result.target ?? candidate.path);
      if (!(error instanceof WriteFailure)) this.deps.logger.warn(`write ${candidate.path}: ${String(error)}`);
      return { ...result, status: 'failed', message };
    }
  }

  /**
   * The caption describes the file as indexed: a file replaced or edited since (another
   * fingerprint) is not written until it is indexed again. Size and time unchanged: no need to read it.
   */
  private async checkUnchangedSinceIndexed(candidate: WriteCandidate): Promise<void> {
    if (candidate.photoStatus !== 'present') throw new WriteFailure('The file is missing from its folder; index the folder again.');
    const stats = await stat(candidate.path);
    if (stats.size === candidate.size && Math.trunc(stats.mtimeMs) === candidate.mtimeMs) return;
    if ((await fingerprintFile(candidate.path)) !== candidate.fingerprint) {
      throw new WriteFailure(
        'The file changed since it was indexed (another program edited or replaced it); index its folder again, then write.',
      );
    }
  }

  private async target(candidate: WriteCandidate, kind: TargetKind, options: WriteOptions): Promise<{ path: string; exists: boolean }> {
    if (kind !== 'sidecar') return { path: candidate.path, exists: true };
    const sidecar = await resolveSidecar(candidate.path, options.sidecarNaming, options.sidecar, async (path) => {
      const owner = (await this.deps.metadata.readTags(path, [tag.sidecarForExtension]))[tag.sidecarForExtension];
      return typeof owner === 'string' && owner.trim() ? owner.trim() : null;
    });
    if (!sidecar.ok) throw new WriteFailure(sidecar.message);
    return sidecar;
  }

  /** Undoes the newest write of each photo in scope that has one. */
  async revert(request: RevertRequest): Promise<RevertRunResult> {
    const parsed = RevertRequestSchema.parse(request);
    const photos = this.deps.writes.revertable(photoSelection(parsed));
    const results: PhotoRevertResult[] = new Array(photos.length);
    let next = 0;
    await forEachConcurrently(
      photos.map((photo) => ({ photo, index: next++ })),
      this.deps.concurrency,
      async ({ photo, index }) => {
        results[index] = (await this.oneAtATime(photo.path, () => this.revertPhoto(photo.photoId)))!;
      },
    );
    return {
      total: results.length,
      reverted: results.filter((result) => result.status === 'reverted').length,
      failed: results.filter((result) => result.status === 'failed').length,
      photos: results,
    };
  }

  /**
   * Puts back what each tag held before the newest write, except tags someone changed since
   * (those are kept and reported); removes a sidecar Captionist created when nothing else is in it.
   */
  async revertPhoto(photoId: number): Promise<PhotoRevertResult | undefined> {
    const write = this.deps.writes.latestWrite(photoId);
    if (!write) return undefined;
    const result: PhotoRevertResult = {
      photoId,
      path: write.path,
      target: write.targetPath,
      status: 'failed',
      restored: [],
      keptChanged: [],
      sidecarRemoved: false,
      message: null,
    };
    try {
      const names = Object.keys(write.written);
      const ownSidecar = write.targetKind === 'sidecar' && write.createdTarget;
      const current = await this.deps.metadata.readTags(write.targetPath, ownSidecar ? [...names, 'XMP:all'] : names);
      const restore: TagWrites = {};
      for (const name of names) {
        if (name === tag.iptcDigest || name === tag.codedCharacterSet) continue;
        if (sameValue(name, write.written[name]!, current[name])) {
          restore[name] = write.previous[name] ?? null;
          result.restored.push(name);
        } else {
          result.keptChanged.push(name);
        }
      }
      const foreign = Object.keys(current).filter(
        (name) => name.startsWith('XMP-') && !(name in write.written) && name !== 'XMP-x:XMPToolkit',
      );
      if (ownSidecar && !foreign.length && !result.keptChanged.length) {
        await unlink(write.targetPath);
        result.sidecarRemoved = true;
      } else if (Object.keys(restore).length) {
        const iimNames = Object.keys(restore).filter((name) => name.startsWith('IPTC:'));
        if (iimNames.length) {
          const iimWritten = names.filter((name) => name.startsWith('IPTC:') && name !== tag.codedCharacterSet);
          if (!write.hadIim && iimWritten.every((name) => name in restore)) {
            // The file had no IIM: take out the whole block Captionist created.
            Object.assign(restore, { [tag.codedCharacterSet]: null, [tag.applicationRecordVersion]: null, [tag.iptcDigest]: null });
          } else {
            // The restored IIM text is written as UTF-8, so the marker stays and the digest is renewed.
            Object.assign(restore, { [tag.codedCharacterSet]: 'UTF8', [tag.iptcDigest]: 'new' });
          }
        }
        await this.deps.metadata.writeTags(write.targetPath, restore);
        const readBack = await this.deps.metadata.readTags(write.targetPath, Object.keys(restore));
        const mismatches = readBackMismatches(restore, readBack);
        if (mismatches.length) throw new WriteFailure(`Reading the file back after reverting showed different values in ${mismatches.join(', ')}.`);
      }
      const rewritten =
        write.targetKind === 'embedded'
          ? await rewrittenFile(write.path, await this.deps.metadata.readTags(write.path, tagsToRead('embedded-iim')), 'embedded-iim')
          : null;
      this.deps.writes.recordRevert(write, this.deps.now().toISOString(), rewritten);
      return { ...result, status: 'reverted' };
    } catch (error) {
      const message = error instanceof WriteFailure ? error.message : describeWriteError(error, write.targetPath);
      if (!(error instanceof WriteFailure)) this.deps.logger.warn(`revert ${write.targetPath}: ${String(error)}`);
      return { ...result, message };
    }
  }
}

/** The file's facts after Captionist rewrote it, for the library to store. */
async function rewrittenFile(path: string, tags: TagValues, kind: TargetKind): Promise<RewrittenFile> {
  const stats = await stat(path);
  return {
    size: stats.size,
    mtimeMs: Math.trunc(stats.mtimeMs),
    fingerprint: await fingerprintFile(path),
    title: existingText('title', tags, kind, basename(path)),
    caption: existingText('caption', tags, kind, basename(path)),
    altText: existingText('altText', tags, kind, basename(path)),
    keywords: dedupe([...list(tags[tag.subject]), ...list(tags[tag.keywords])]),
  };
}

/**
 * A read-only file or folder gets its own error before ExifTool runs: ExifTool writes a temporary
 * file beside the target and renames it, so the folder must be writable even for an existing file.
 */
async function checkWritable(target: string, exists: boolean, kind: TargetKind): Promise<void> {
  const what = kind === 'sidecar' ? 'sidecar' : 'file';
  if (exists) {
    try {
      await access(target, constants.W_OK);
    } catch {
      throw new WriteFailure(`The ${what} ${basename(target)} is read-only; Captionist left it unchanged.`);
    }
  }
  try {
    await access(dirname(target), constants.W_OK);
  } catch {
    throw new WriteFailure(
      `The folder ${dirname(target)} is read-only; Captionist writes a new copy beside the ${what} and swaps it in, so it needs write access there.`,
    );
  }
}

function describeWriteError(error: unknown, path: string): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ENOENT' || /not found|no such file|error opening file/i.test(message)) {
    return 'The file is gone since it was indexed (moved or deleted); index its folder again.';
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || /permission denied|read-only|error renaming|error creating/i.test(message)) {
    return `Captionist may not change ${basename(path)}: it or its folder is read-only.`;
  }
  if (/not a valid|format error|corrupt|unknown file type|truncated|bad .* (header|directory)|can't (read|write)/i.test(message)) {
    return `ExifTool could not safely write ${basename(path)}, so it was left unchanged: ${message.replace(/^Error:\s*/, '')}`;
  }
  return `Could not write ${basename(path)}: ${message.replace(/^Error:\s*/, '')}`;
}
