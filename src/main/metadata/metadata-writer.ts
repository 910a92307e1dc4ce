import { constants } from 'node:fs';
import type { Stats } from 'node:fs';
import { access, lstat, realpath, stat, unlink } from 'node:fs/promises';
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
import type { StoredWrite, WriteCandidate, WriteRecord } from '../db/metadata-writes.repo';
import { UserError } from '../base/errors';
import { forEachConcurrently } from '../base/concurrency';
import { fingerprintFile } from '../base/fingerprint';
import { isInside, photoSelection } from '../db/path-scope';
import { exifToolCopyPath, removeStaleWriteDebris, temporaryCopyPath } from '../base/write-debris';
import { newProcessOwner } from '../base/process-owner';
import { planWrite, sameValue, tag, tagsToRead } from './field-mapping';
import { placeTagsToRead, planPlaceWrite, withPlace } from './place-fields';
import type { PlaceToWrite } from './place-fields';
import type { FieldPolicy, TagValues, TagWrites } from '../../shared/metadata';
import type { TargetKind, WritePlan } from './field-mapping';
import { WriteFailure, writeThroughCopy } from './file-swap';
import { resolveSidecar, targetKindFor } from './sidecars';
import { WriteJournal } from './write-journal';
import type { RewrittenPhoto, SettledIntent, WriteJournalDeps } from './write-journal';

export interface MetadataWriterDeps extends Omit<WriteJournalDeps, 'owner'> {
  /** The placePolicy setting, read at each write: how a location already in the file is treated. */
  placePolicy: () => FieldPolicy;
  /** Files written at once: the size of the ExifTool pool. */
  concurrency: number;
  /** This process as its writes in flight name it; a new one by default. */
  owner?: string;
}

/** Said of a photo whose interrupted write the file showed was done. */
const interruptedWriteNote =
  'An earlier write of this photo was interrupted after the file was rewritten; the file holds this caption, so it is recorded as written.';

/**
 * Writes captions back into photos (or their sidecars), one ExifTool write per file with every tag,
 * through a copy that is read back before it replaces the file, records what each tag held before,
 * and reverts on request. Every write is journaled (see WriteJournal), so a kill at any moment loses
 * nothing. A symbolic link stays a link: the file it points to is written, if it is in the library.
 * `writePhoto` is the unit a queue job runs; `write` runs a batch over the pool.
 */
export class MetadataWriter {
  /** Writes in flight per folder and base name: IMG_1.CR2 and IMG_1.NEF may reach for one IMG_1.xmp. */
  private readonly namesakes = new Map<string, Promise<unknown>>();
  private readonly journal: WriteJournal;

  constructor(private readonly deps: MetadataWriterDeps) {
    this.journal = new WriteJournal({ ...deps, owner: deps.owner ?? newProcessOwner() });
  }

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

  /**
   * Settles what writes and reverts of processes that are gone left unfinished (the next run after
   * a crash does it first; so do indexing and watching, before they look at the files).
   */
  settleInterrupted(): Promise<SettledIntent[]> {
    return this.journal.settleInterrupted((photoPath, work) => this.oneAtATime(photoPath, work));
  }

  /** Writes the newest caption of one photo (the job of kind `writeMetadata`). */
  async writePhoto(photoId: number, options: WriteOptionsInput = {}): Promise<PhotoWriteResult> {
    const settled = await this.settleInterrupted();
    const candidate = this.deps.writes.candidate(photoId);
    if (!candidate) throw new UserError(`Photo ${photoId} has no caption to write.`);
    return this.writeCandidate(candidate, WriteOptionsSchema.parse(options), settled);
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
    const settled = await this.settleInterrupted();
    const photos: PhotoWriteResult[] = new Array(candidates.length);
    const progress = { done: 0, total: candidates.length, failed: 0 };
    onProgress?.({ ...progress });
    let next = 0;
    await forEachConcurrently(
      candidates.map((candidate) => ({ candidate, index: next++ })),
      this.deps.concurrency,
      async ({ candidate, index }) => {
        const result = await this.writeCandidate(candidate, parsed, settled);
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

  /**
   * Writes one candidate, unless settling found its interrupted write of this very caption done;
   * a photo whose earlier caption was settled is written from its library facts as they are now.
   */
  private writeCandidate(candidate: WriteCandidate, options: WriteOptions, settled: readonly SettledIntent[]): Promise<PhotoWriteResult> {
    const settledWrite = settled.find((intent) => intent.photoId === candidate.photoId && intent.operation === 'write');
    if (settledWrite?.captionId === candidate.captionId && !options.dryRun) {
      return Promise.resolve({ ...emptyResult(candidate), status: 'written', warnings: [interruptedWriteNote] });
    }
    return this.oneAtATime(candidate.path, () =>
      this.writeOne(settledWrite ? (this.deps.writes.candidate(candidate.photoId) ?? candidate) : candidate, options),
    );
  }

  private async writeOne(candidate: WriteCandidate, options: WriteOptions): Promise<PhotoWriteResult> {
    const result = emptyResult(candidate);
    try {
      const kind = targetKindFor(candidate.fileType, options.sidecar);
      if (!kind) {
        return { ...result, status: 'unchanged', message: 'Left alone: RAW files take captions in a sidecar, and sidecars are off (--sidecar never).' };
      }
      if (this.journal.isBusyElsewhere(candidate.photoId)) {
        throw new WriteFailure('Another Captionist is writing this photo right now; it was left to that one.');
      }
      await this.checkUnchangedSinceIndexed(candidate);
      const { path: target, exists } = await this.target(candidate, kind, options);
      result.target = target;
      result.targetKind = kind === 'sidecar' ? 'sidecar' : 'embedded';
      await checkWritable(target, exists, kind);

      const before = exists ? await stat(target) : null;
      const place = this.placeToWrite(candidate);
      const toRead = place ? [...tagsToRead(kind), ...placeTagsToRead(kind)] : tagsToRead(kind);
      const current = exists ? await this.deps.metadata.readTags(target, toRead) : {};
      const ours = this.deps.writes.lastWritten(candidate.photoId, target);
      const captionPlan = planWrite({
        caption: {
          ...candidate,
          reviewed: candidate.source === 'edited' || candidate.captionStatus === 'approved',
        },
        current,
        kind,
        policies: options.policies,
        fileName: candidate.fileName,
        ours,
        sidecarFor: extname(candidate.path).slice(1),
      });
      const policy = this.deps.placePolicy();
      const plan = place
        ? withPlace(captionPlan, planPlaceWrite({ place, current, kind, policy, fileName: candidate.fileName, ours }))
        : captionPlan;
      result.changes = plan.changes;
      if (!Object.keys(plan.tags).length) return { ...result, status: 'unchanged' };
      if (options.dryRun) return { ...result, status: 'would-write' };
      result.warnings = await this.writeTarget(candidate, { path: target, kind, before, current }, plan);
      return { ...result, status: 'written' };
    } catch (error) {
      const message = error instanceof WriteFailure ? error.message : describeWriteError(error, result.target ?? candidate.path);
      if (!(error instanceof WriteFailure)) this.deps.logger.warn(`write ${candidate.path}: ${String(error)}`);
      return { ...result, status: 'failed', message };
    }
  }

  /** The place named from the photo's GPS, to write with its caption; null when it has none (place names off forget it). */
  private placeToWrite(candidate: WriteCandidate): PlaceToWrite | null {
    if (candidate.placeName === null) return null;
    return {
      city: candidate.placeName,
      state: candidate.placeRegion,
      country: candidate.placeCountry ?? '',
      countryCode: candidate.placeCountryCode ?? '',
    };
  }

  /** Writes a planned change into its target, journaled, and records it; resolves with ExifTool's warnings. */
  private async writeTarget(
    candidate: WriteCandidate,
    target: { path: string; kind: TargetKind; before: Stats | null; current: TagValues },
    plan: WritePlan,
  ): Promise<string[]> {
    await removeStaleWriteDebris([exifToolCopyPath(target.path)], this.deps.now());
    const names = Object.keys(plan.tags);
    const record: WriteRecord = {
      photoId: candidate.photoId,
      captionId: candidate.captionId,
      captionVersion: candidate.captionVersion,
      previousCaptionStatus: candidate.captionStatus,
      targetPath: target.path,
      targetKind: target.kind === 'sidecar' ? 'sidecar' : 'embedded',
      createdTarget: !target.before,
      hadIim: Object.keys(target.current).some((name) => name.startsWith('IPTC:')),
      previous: Object.fromEntries(names.map((name) => [name, target.current[name] ?? null])),
      written: plan.tags,
      changes: plan.changes,
      writtenAt: this.deps.now().toISOString(),
    };
    const photo = target.kind === 'sidecar' ? null : { path: candidate.path, fingerprint: candidate.fingerprint };
    const fingerprintBefore = photo ? photo.fingerprint : target.before ? await fingerprintFile(target.path) : null;
    const written = await this.rewrite(target.path, plan.tags, target.before, {
      photoId: candidate.photoId,
      operation: 'write',
      writeId: null,
      fingerprintBefore,
      record,
    });
    await this.journal.completeWrite(written.intentId, record, photo, { ...target.current, ...written.readBack });
    return written.warnings;
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

  /**
   * The file a write goes into: the photo, or its sidecar, which is named after the photo as the
   * library knows it (beside a link to a RAW file, not beside the file the link points to).
   */
  private async target(candidate: WriteCandidate, kind: TargetKind, options: WriteOptions): Promise<{ path: string; exists: boolean }> {
    if (kind !== 'sidecar') return { path: await this.writablePath(candidate.path), exists: true };
    const sidecar = await resolveSidecar(candidate.path, options.sidecarNaming, options.sidecar, async (path) => {
      const owner = (await this.deps.metadata.readTags(path, [tag.sidecarForExtension]))[tag.sidecarForExtension];
      return typeof owner === 'string' && owner.trim() ? owner.trim() : null;
    });
    if (!sidecar.ok) throw new WriteFailure(sidecar.message);
    return { path: sidecar.exists ? await this.writablePath(sidecar.path) : sidecar.path, exists: sidecar.exists };
  }

  /**
   * Where a file is written so that a symbolic link stays one: the file it points to, when that is
   * inside a library folder (a swap beside the link would put a plain copy in its place). A link
   * to a file outside every library folder is refused: Captionist writes only where it was let in.
   */
  private async writablePath(path: string): Promise<string> {
    if (!(await lstat(path)).isSymbolicLink()) return path;
    const real = await realpath(path);
    if (!this.deps.writes.libraryFolderPaths().some((folder) => isInside(real, folder))) {
      throw new WriteFailure(
        `${basename(path)} is a link to ${real}, which is outside your library folders; Captionist writes only into files ` +
          'inside them, so it left the link and that file unchanged (add that folder to the library to write into it).',
      );
    }
    return real;
  }

  /**
   * Journals what `target` will hold, then writes it there through a checked copy (see
   * writeThroughCopy); a failure before the copy is swapped in takes the intent back.
   */
  private async rewrite(
    target: string,
    tags: TagWrites,
    before: Stats | null,
    intent: { photoId: number; operation: 'write' | 'revert'; writeId: number | null; fingerprintBefore: string | null; record: WriteRecord | null },
  ) {
    const temporary = temporaryCopyPath(target);
    const intentId = this.journal.begin({ ...intent, targetPath: target, temporaryPath: temporary, tags });
    try {
      const noteCopy = async (copy: string) => this.journal.noteCopy(intentId, await fingerprintFile(copy));
      return { intentId, ...(await writeThroughCopy(this.deps.metadata, target, temporary, tags, before, noteCopy)) };
    } catch (error) {
      this.journal.abandon(intentId);
      throw error;
    }
  }

  /** Undoes the newest write of each photo in scope that has one. */
  async revert(request: RevertRequest): Promise<RevertRunResult> {
    const parsed = RevertRequestSchema.parse(request);
    const photos = this.deps.writes.revertable(photoSelection(parsed));
    // A revert the last run finished in the file but did not record is done now, not run again.
    const settled = await this.settleInterrupted();
    const results: PhotoRevertResult[] = new Array(photos.length);
    let next = 0;
    await forEachConcurrently(
      photos.map((photo) => ({ photo, index: next++ })),
      this.deps.concurrency,
      async ({ photo, index }) => {
        results[index] = settled.some((intent) => intent.photoId === photo.photoId && intent.operation === 'revert')
          ? { ...emptyRevert(photo.photoId, photo.path, photo.path), status: 'reverted' }
          : (await this.oneAtATime(photo.path, () => this.revertPhoto(photo.photoId)))!;
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
    const result = emptyRevert(photoId, write.path, write.targetPath);
    try {
      if (this.journal.isBusyElsewhere(photoId)) {
        throw new WriteFailure('Another Captionist is writing this photo right now; it was left to that one.');
      }
      const ownSidecar = write.targetKind === 'sidecar' && write.createdTarget;
      const before = await stat(write.targetPath);
      const names = Object.keys(write.written);
      const current = await this.deps.metadata.readTags(write.targetPath, ownSidecar ? [...names, 'XMP:all'] : names);
      const plan = planRevert(write, current);
      Object.assign(result, { restored: plan.restored, keptChanged: plan.keptChanged, sidecarRemoved: plan.removeSidecar });
      const photo = write.targetKind === 'embedded' ? { path: write.path, fingerprint: write.photoFingerprint } : null;
      const intentId = await this.applyRevert(write, plan, before, photo);
      await this.journal.completeRevert(intentId, write, photo);
      return { ...result, status: 'reverted' };
    } catch (error) {
      const message = error instanceof WriteFailure ? error.message : describeWriteError(error, write.targetPath);
      if (!(error instanceof WriteFailure)) this.deps.logger.warn(`revert ${write.targetPath}: ${String(error)}`);
      return { ...result, message };
    }
  }

  /** Carries out a revert's plan, journaled: removes Captionist's own sidecar, or writes the restored tags. Resolves with its intent (none: nothing to change). */
  private async applyRevert(write: StoredWrite, plan: RevertPlan, before: Stats, photo: RewrittenPhoto | null): Promise<number | null> {
    const intent = {
      photoId: write.photoId,
      operation: 'revert' as const,
      writeId: write.id,
      fingerprintBefore: photo ? photo.fingerprint : await fingerprintFile(write.targetPath),
      record: null,
    };
    if (plan.removeSidecar) {
      const intentId = this.journal.begin({ ...intent, targetPath: write.targetPath, temporaryPath: null, tags: null });
      await unlink(write.targetPath).catch((error: unknown) => {
        this.journal.abandon(intentId);
        throw error;
      });
      return intentId;
    }
    if (!Object.keys(plan.restore).length) return null;
    return (await this.rewrite(write.targetPath, plan.restore, before, intent)).intentId;
  }
}

interface RevertPlan {
  /** Tags to write back, with the IIM bookkeeping. */
  restore: TagWrites;
  restored: string[];
  /** Tags someone changed since Captionist wrote them: left as they are. */
  keptChanged: string[];
  /** Captionist's own sidecar with nothing else in it: removed instead. */
  removeSidecar: boolean;
}

/** What undoing `write` takes, given what its target holds now. */
function planRevert(write: StoredWrite, current: TagValues): RevertPlan {
  const plan: RevertPlan = { restore: {}, restored: [], keptChanged: [], removeSidecar: false };
  for (const name of Object.keys(write.written)) {
    if (name === tag.iptcDigest || name === tag.codedCharacterSet) continue;
    if (sameValue(name, write.written[name]!, current[name])) {
      plan.restore[name] = write.previous[name] ?? null;
      plan.restored.push(name);
    } else {
      plan.keptChanged.push(name);
    }
  }
  const foreign = Object.keys(current).filter((name) => name.startsWith('XMP-') && !(name in write.written) && name !== 'XMP-x:XMPToolkit');
  plan.removeSidecar = write.targetKind === 'sidecar' && write.createdTarget && !foreign.length && !plan.keptChanged.length;
  if (!plan.removeSidecar) Object.assign(plan.restore, iimHousekeeping(write, plan.restore));
  return plan;
}

/**
 * The IIM bookkeeping a revert adds: a file that had no IIM loses the whole block Captionist
 * created; otherwise the restored IIM text is written as UTF-8, so the marker stays and the digest is renewed.
 */
function iimHousekeeping(write: { written: TagWrites; hadIim: boolean }, restore: TagWrites): TagWrites {
  if (!Object.keys(restore).some((name) => name.startsWith('IPTC:'))) return {};
  const iimWritten = Object.keys(write.written).filter((name) => name.startsWith('IPTC:') && name !== tag.codedCharacterSet);
  if (!write.hadIim && iimWritten.every((name) => name in restore)) {
    return { [tag.codedCharacterSet]: null, [tag.applicationRecordVersion]: null, [tag.iptcDigest]: null };
  }
  return { [tag.codedCharacterSet]: 'UTF8', [tag.iptcDigest]: 'new' };
}

/** A result for a photo before anything is known of its write. */
function emptyResult(candidate: WriteCandidate): PhotoWriteResult {
  return { photoId: candidate.photoId, path: candidate.path, target: null, targetKind: null, status: 'failed', changes: [], message: null, warnings: [] };
}

function emptyRevert(photoId: number, path: string, target: string): PhotoRevertResult {
  return { photoId, path, target, status: 'failed', restored: [], keptChanged: [], sidecarRemoved: false, message: null };
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
