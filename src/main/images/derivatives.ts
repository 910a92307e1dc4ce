import { link, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExifToolAdapter, PhotoMetadata } from '../metadata/exiftool.adapter';
import { pixelSourceFor } from '../base/file-types';
import type { EncodedJpeg, ImageInput, SharpAdapter } from './sharp.adapter';

export interface CaptionImageSize {
  longEdge: number;
  maxBytes: number;
}

export const defaultCaptionImageSize: CaptionImageSize = { longEdge: 1024, maxBytes: 1_000_000 };
export const thumbnailLongEdge = 384;

const fingerprintPattern = /^[0-9a-f]{32}$/;

/** The derivative cache in a data folder. */
export const cacheDirOf = (dataDir: string) => join(dataDir, 'cache');

/**
 * Where a fingerprint's thumbnail lives in a cache, or null when the value is no fingerprint (32
 * hex digits), so that no other name can reach a file anywhere else.
 */
export function thumbnailFileIn(cacheDir: string, fingerprint: string): string | null {
  return fingerprintPattern.test(fingerprint) ? thumbnailPathIn(cacheDir, fingerprint) : null;
}

function thumbnailPathIn(cacheDir: string, fingerprint: string): string {
  return join(shardIn(cacheDir, 'thumbs', fingerprint), `${fingerprint}.jpg`);
}

function shardIn(cacheDir: string, kind: string, fingerprint: string): string {
  return join(cacheDir, kind, fingerprint.slice(0, 2));
}

/**
 * Thumbnails and caption-ready copies, cached by content fingerprint so renamed and duplicate
 * photos share them. RAW files (and images sharp cannot decode, such as HEVC-coded HEIC) are
 * read through their embedded JPEG preview.
 */
export class Derivatives {
  /** Caption-ready copies being made now, by target file. */
  private readonly making = new Map<string, Promise<void>>();

  constructor(
    private readonly cacheDir: string,
    private readonly images: SharpAdapter,
    private readonly metadata: ExifToolAdapter,
  ) {}

  static isFingerprint(value: string): boolean {
    return fingerprintPattern.test(value);
  }

  thumbnailPath(fingerprint: string): string {
    return thumbnailPathIn(this.cacheDir, fingerprint);
  }

  captionImagePath(fingerprint: string, size: CaptionImageSize): string {
    return join(shardIn(this.cacheDir, 'caption', fingerprint), `${fingerprint}-${size.longEdge}-${size.maxBytes}.jpg`);
  }

  async hasThumbnail(fingerprint: string): Promise<boolean> {
    return exists(this.thumbnailPath(fingerprint));
  }

  async makeThumbnail(path: string, fingerprint: string, metadata: PhotoMetadata): Promise<void> {
    const thumbnail = await this.fromPixels(path, metadata, (input, orientation) =>
      this.images.thumbnail(input, thumbnailLongEdge, orientation),
    );
    await writeAtomically(this.thumbnailPath(fingerprint), thumbnail.data);
  }

  /**
   * The caption-ready JPEG for a photo, made on first request and then served from the cache. Two
   * requests for the same one at once (the queue preparing ahead, then the job itself) make it once.
   */
  async captionImage(path: string, fingerprint: string, size = defaultCaptionImageSize): Promise<string> {
    const target = this.captionImagePath(fingerprint, size);
    if (await exists(target)) return target;
    let making = this.making.get(target);
    if (!making) {
      making = this.fromPixels(path, undefined, (input, orientation) =>
        this.images.captionReady(input, size.longEdge, size.maxBytes, orientation),
      )
        .then((image) => writeAtomically(target, image.data))
        .finally(() => this.making.delete(target));
      this.making.set(target, making);
    }
    await making;
    return target;
  }

  /** The caption-ready JPEG's bytes and size, made first if needed. */
  async loadCaptionImage(path: string, fingerprint: string, size: CaptionImageSize): Promise<EncodedJpeg> {
    const data = await readFile(await this.captionImage(path, fingerprint, size));
    return { data, ...(await this.images.dimensions(data)) };
  }

  /** Deletes every cached derivative of these fingerprints. */
  async prune(fingerprints: Iterable<string>): Promise<void> {
    for (const fingerprint of fingerprints) {
      if (!Derivatives.isFingerprint(fingerprint)) continue;
      for (const { dir, name } of await this.cached(fingerprint)) await rm(join(dir, name), { force: true });
    }
  }

  /**
   * Makes the thumbnail and caption-ready copies of `from` serve `to` as well, for a file rewritten
   * with the same pixels (its metadata written): hard links, so nothing is decoded again and `from`
   * stays valid for any other photo with that content. A copy where links are not possible.
   */
  async carryOver(from: string, to: string): Promise<void> {
    if (from === to || !Derivatives.isFingerprint(from) || !Derivatives.isFingerprint(to)) return;
    for (const { kind, dir, name } of await this.cached(from)) {
      // Only finished files: one still being written ends in a temporary name.
      if (!name.endsWith('.jpg')) continue;
      const target = join(shardIn(this.cacheDir, kind, to), to + name.slice(from.length));
      await mkdir(join(target, '..'), { recursive: true });
      await link(join(dir, name), target).catch(async (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') await writeAtomically(target, await readFile(join(dir, name)));
      });
    }
  }

  /** The cached files of a fingerprint, of every kind. */
  private async cached(fingerprint: string): Promise<{ kind: string; dir: string; name: string }[]> {
    const files: { kind: string; dir: string; name: string }[] = [];
    for (const kind of ['thumbs', 'caption']) {
      const dir = shardIn(this.cacheDir, kind, fingerprint);
      const names = await readdir(dir).catch(() => [] as string[]);
      for (const name of names) if (name.startsWith(fingerprint)) files.push({ kind, dir, name });
    }
    return files;
  }

  /**
   * Renders from the file itself, or from its largest embedded preview for RAW files and for
   * files sharp cannot decode. Metadata is read only when a preview is needed and none was given.
   */
  private async fromPixels<T>(
    path: string,
    known: PhotoMetadata | undefined,
    render: (input: ImageInput, orientation?: number) => Promise<T>,
  ): Promise<T> {
    let metadata = known;
    if (pixelSourceFor(path) === 'file') {
      try {
        return await render(path);
      } catch (error) {
        metadata ??= await this.metadata.readPhotoMetadata(path);
        if (metadata.previews.length === 0) throw error;
      }
    }
    metadata ??= await this.metadata.readPhotoMetadata(path);
    const largestPreview = metadata.previews[0];
    if (!largestPreview) throw new Error('no embedded preview: binary data not found');
    const preview = await this.metadata.extractPreview(path, largestPreview.tag);
    // Previews rarely carry their own orientation; the RAW file's tag applies to them.
    return render(preview, metadata.orientation ?? 1);
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Writes beside the target and renames, so a reader never sees half a file. */
async function writeAtomically(target: string, data: Buffer): Promise<void> {
  await mkdir(join(target, '..'), { recursive: true });
  const temporary = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await writeFile(temporary, data);
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
