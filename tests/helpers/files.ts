import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { mkdir } from 'node:fs/promises';
import sharp from 'sharp';
import { onTestFinished } from 'vitest';

/** The ExifTool distribution's sample files, kept in the repository (see their NOTICE.md); link-resolved, as the library stores folders. */
export const samplesDir = realpathSync(resolve(import.meta.dirname, '../fixtures/exiftool-samples'));

/** A fresh temporary folder, removed when the current test finishes. */
export function tempDir(prefix = 'captionist-test-'): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface JpegOptions {
  width?: number;
  height?: number;
  /** Varies the pixels, so two photos with different seeds have different content. */
  seed?: number;
  exif?: Record<string, Record<string, string>>;
}

/** Writes a real JPEG made by sharp, with a gradient and some structure so it compresses like a photo. */
export async function writeJpeg(path: string, options: JpegOptions = {}): Promise<string> {
  const width = options.width ?? 320;
  const height = options.height ?? 240;
  const seed = options.seed ?? 1;
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      pixels[i] = (x * 255) / width;
      pixels[i + 1] = (y * 255) / height;
      pixels[i + 2] = ((x ^ y) * seed) & 255;
    }
  }
  await mkdir(dirname(path), { recursive: true });
  let image = sharp(pixels, { raw: { width, height, channels: 3 } });
  if (options.exif) image = image.withExif(options.exif);
  await image.jpeg({ quality: 90 }).toFile(path);
  return path;
}
