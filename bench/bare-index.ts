import { ExifTool } from 'exiftool-vendored';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { forEachConcurrently } from '../src/main/base/concurrency';
import { thumbnailLongEdge } from '../src/main/images/derivatives';
import { measure } from './measure';
import type { Sample } from './measure';

/**
 * The bare libraries doing what indexing does for each file (an ExifTool read and a thumbnail of
 * the same size and quality), `concurrency` at a time: what the index benches compare against.
 */
export async function bareIndexLoop(files: string[], outDir: string, concurrency: number): Promise<Sample> {
  const exiftool = new ExifTool({ maxProcs: concurrency });
  await exiftool.read(files[0]!); // start the ExifTool processes outside the timing, as the core does
  try {
    return await measure(() =>
      forEachConcurrently(files, concurrency, async (file) => {
        await exiftool.read(file);
        const thumbnail = await sharp(file)
          .rotate()
          .resize(thumbnailLongEdge, thumbnailLongEdge, { fit: 'inside', withoutEnlargement: true })
          .jpeg({ quality: 80, mozjpeg: false })
          .toBuffer();
        await writeFile(join(outDir, `${file.length}-${Math.random()}.jpg`), thumbnail);
      }),
    );
  } finally {
    await exiftool.end();
  }
}
