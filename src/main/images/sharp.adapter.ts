import type { Sharp, SharpConstructor } from 'sharp';

/** sharp loads on first use: a command that makes no image (status, search) never pays for it. */
let loading: Promise<SharpConstructor> | undefined;
const loadSharp = () => (loading ??= import('sharp').then((module) => module.default));

export type ImageInput = string | Buffer;

export interface EncodedJpeg {
  data: Buffer;
  width: number;
  height: number;
}

export interface SharpAdapterOptions {
  /** Decompression-bomb guard: images claiming more pixels than this are refused before decoding. */
  limitInputPixels: number;
}

/** The one gateway to sharp. Every method decodes its input once, shrinking on load. */
export class SharpAdapter {
  constructor(private readonly options: SharpAdapterOptions) {}

  /**
   * A small sRGB JPEG for the grid, oriented upright. `orientation` is an EXIF orientation to
   * apply by hand (RAW previews lack their RAW file's tag); without it the input's own tag is used.
   */
  async thumbnail(input: ImageInput, longEdge: number, orientation?: number): Promise<EncodedJpeg> {
    const sharp = await loadSharp();
    const { data, info } = await this.fitted(sharp, input, longEdge, orientation)
      .jpeg({ quality: 80, mozjpeg: false })
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  }

  /**
   * A JPEG for a captioning provider: upright, at most `longEdge` pixels, at most `maxBytes`,
   * with no metadata at all (sharp writes none unless asked). Decoded once; only re-encoded,
   * at lower quality and then smaller size, until it fits the budget.
   */
  async captionReady(input: ImageInput, longEdge: number, maxBytes: number, orientation?: number): Promise<EncodedJpeg> {
    const sharp = await loadSharp();
    const { data: pixels, info } = await this.fitted(sharp, input, longEdge, orientation)
      .flatten({ background: '#ffffff' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const raw = { width: info.width, height: info.height, channels: info.channels };
    for (let scale = 1; ; scale *= 0.75) {
      const width = Math.max(1, Math.round(raw.width * scale));
      const height = Math.max(1, Math.round(raw.height * scale));
      for (const quality of [85, 75, 65, 55, 45]) {
        const data = await sharp(pixels, { raw })
          .resize(width, height)
          .jpeg({ quality, mozjpeg: false })
          .toBuffer();
        if (data.length <= maxBytes || (width <= 64 && height <= 64)) return { data, width, height };
      }
    }
  }

  /** A JPEG drawn from SVG: the built-in sample photo for testing providers. */
  async rasterize(svg: string): Promise<EncodedJpeg> {
    const sharp = await loadSharp();
    const { data, info } = await sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  }

  async dimensions(input: ImageInput): Promise<{ width: number; height: number }> {
    const sharp = await loadSharp();
    const { width, height } = await sharp(input, { limitInputPixels: this.options.limitInputPixels }).metadata();
    return { width, height };
  }

  private fitted(sharp: SharpConstructor, input: ImageInput, longEdge: number, orientation: number | undefined): Sharp {
    const image = sharp(input, { limitInputPixels: this.options.limitInputPixels, sequentialRead: true });
    return applyOrientation(image, orientation)
      .resize(longEdge, longEdge, { fit: 'inside', withoutEnlargement: true })
      .toColourspace('srgb');
  }
}

/** EXIF orientation 1-8 as sharp operations (sharp rotates before it mirrors). */
function applyOrientation(image: Sharp, orientation: number | undefined): Sharp {
  switch (orientation) {
    case undefined:
      return image.rotate();
    case 2:
      return image.flop();
    case 3:
      return image.rotate(180);
    case 4:
      return image.flip();
    case 5:
      return image.rotate(90).flop();
    case 6:
      return image.rotate(90);
    case 7:
      return image.rotate(270).flop();
    case 8:
      return image.rotate(270);
    default:
      return image;
  }
}
