import Sqlite from 'better-sqlite3';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { describeCaptionError } from '../../src/main/captions/caption-steps';

/** The error `work` throws. */
async function thrownBy(work: () => unknown): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('nothing was thrown');
}

describe('describeCaptionError', () => {
  it("tells the library's own failures from pictures it cannot decode", async () => {
    const db = new Sqlite(':memory:');
    db.exec('CREATE TABLE photos (id INTEGER PRIMARY KEY); CREATE TABLE captions (photo_id INTEGER NOT NULL REFERENCES photos(id))');
    db.pragma('foreign_keys = ON');
    const constraint = await thrownBy(() => db.prepare('INSERT INTO captions (photo_id) VALUES (7)').run());
    expect(describeCaptionError(constraint)).toBe("Captionist could not record this photo's caption in its library (FOREIGN KEY constraint failed).");
    db.close();

    const notAPicture = await thrownBy(() => sharp(Buffer.from('not a picture at all')).toBuffer());
    expect(describeCaptionError(notAPicture)).toMatch(/^The image is in a format or encoding Captionist cannot decode here|^The image data is damaged/);
    expect(describeCaptionError(notAPicture)).toMatch(/so it could not be sent for captioning\.$/);
  });
});
