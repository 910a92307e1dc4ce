import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

/**
 * Makes (once, then reuses) `count` distinct 24-megapixel camera-like JPEGs: smooth light with
 * sensor-like noise, EXIF from a camera, about the size a real 24 MP JPEG has.
 */
export async function cameraJpegs(dir: string, count: number): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const width = 6000;
  const height = 4000;
  const existing = readdirSync(dir).filter((name) => name.endsWith('.jpg'));
  if (existing.length >= count) return existing.sort().slice(0, count).map((name) => join(dir, name));

  const base = await sharp({
    create: { width, height, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 120, sigma: 18 } },
  })
    .composite([
      {
        input: Buffer.from(
          `<svg width="${width}" height="${height}"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">` +
            `<stop offset="0" stop-color="#2a5d8f" stop-opacity="0.7"/><stop offset="1" stop-color="#e8c07a" stop-opacity="0.7"/>` +
            `</linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/></svg>`,
        ),
      },
    ])
    .raw()
    .toBuffer();

  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const file = join(dir, `DSC_${String(i + 1).padStart(4, '0')}.jpg`);
    files.push(file);
    if (existsSync(file)) continue;
    // A different stripe per photo gives each file its own content and fingerprint.
    base.fill(i * 5, (i * 97 % height) * width * 3, ((i * 97 % height) + 8) * width * 3);
    await sharp(base, { raw: { width, height, channels: 3 } })
      .withExif({
        IFD0: { Make: 'NIKON CORPORATION', Model: 'NIKON Z 6', Orientation: '1' },
        IFD2: { DateTimeOriginal: `2026:06:${String((i % 28) + 1).padStart(2, '0')} 10:00:00`, ISO: '200' },
      })
      .jpeg({ quality: 92 })
      .toFile(file);
  }
  return files;
}
