import { basename, join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { codeBits, longCodeBits, signCode } from '../../src/main/base/sign-code';
import { fromBlob } from '../../src/main/db/vector-blobs';
import type { RankedResults } from '../../src/shared/embeddings';
import { testCore } from '../helpers/core';
import { tempDir, writeJpeg } from '../helpers/files';
import { embeddingsServer } from '../provider-servers/embeddings.server';

const names = (results: RankedResults) => results.results.map((hit) => basename(hit.path)).sort();

/** A library embedded with a synonyms model, reopened as it was before long codes: every code short. */
async function libraryOfShortCodes() {
  const server = await embeddingsServer();
  const core = testCore();
  const library = tempDir();
  const captions = ['A child flying a kite on the beach', 'Orange glow over the hills', 'Dog running in snow'];
  for (const [index, caption] of captions.entries()) {
    await writeJpeg(join(library, `${index}.jpg`), { seed: index + 1, exif: { IFD0: { ImageDescription: caption } } });
  }
  await core.invoke('library:addFolder', { path: library });
  await core.invoke('library:index', { paths: [library] });
  await core.invoke('providers:save', { name: 'local', type: 'openai-compatible', preset: 'ollama', baseUrl: `${server.url}/v1` });
  await core.invoke('embeddings:use', { provider: 'local', model: 'synonyms' });
  await core.invoke('embeddings:run', { paths: [] });
  await core.close();
  const db = new Sqlite(join(core.dataDir, 'library.db'));
  const vectors = db.prepare('SELECT photo_id, vector FROM photo_embeddings').raw().all() as [number, Buffer][];
  for (const [photoId, vector] of vectors) {
    db.prepare('INSERT OR REPLACE INTO embedding_codes (photo_id, code) VALUES (?, ?)').run(photoId, Buffer.from(signCode(fromBlob(vector), codeBits).buffer));
  }
  return { db, dataDir: core.dataDir };
}

const codeLengths = (db: Sqlite.Database) => db.prepare('SELECT length(code) FROM embedding_codes ORDER BY photo_id').pluck().all();

describe('long codes for a library coded before them', () => {
  it('searches right at once, and lengthens the codes from the stored vectors in the background after the first search', { timeout: 60_000 }, async () => {
    const { db, dataDir } = await libraryOfShortCodes();
    expect(codeLengths(db)).toEqual([codeBits / 8, codeBits / 8, codeBits / 8]);
    const core = testCore({ dataDir });
    expect(names(await core.invoke('photos:search', { text: 'kid', mode: 'meaning' }))).toEqual(['0.jpg']);
    for (let waited = 0; waited < 50 && codeLengths(db).some((length) => length !== longCodeBits / 8); waited++) await new Promise((done) => setTimeout(done, 100));
    expect(codeLengths(db)).toEqual([longCodeBits / 8, longCodeBits / 8, longCodeBits / 8]);
    expect(names(await core.invoke('photos:search', { text: 'kid', mode: 'meaning' }))).toEqual(['0.jpg']);
    expect(names(await core.invoke('photos:search', { text: 'amber', mode: 'meaning' }))).toEqual(['1.jpg']);
    db.close();
  });

  it('leaves out a photo once it is missing, and finds it again when it is back', { timeout: 60_000 }, async () => {
    const { db, dataDir } = await libraryOfShortCodes();
    const core = testCore({ dataDir });
    expect(names(await core.invoke('photos:search', { text: 'puppy', mode: 'meaning' }))).toEqual(['2.jpg']);
    db.prepare(`UPDATE photos SET status = 'missing' WHERE file_name = '2.jpg'`).run();
    expect(names(await core.invoke('photos:search', { text: 'puppy', mode: 'meaning' }))).toEqual([]);
    db.prepare(`UPDATE photos SET status = 'present' WHERE file_name = '2.jpg'`).run();
    expect(names(await core.invoke('photos:search', { text: 'puppy', mode: 'meaning' }))).toEqual(['2.jpg']);
    db.close();
  });

  it('applies a filter as the library is now, though the filter repeats (its photos are kept only until the library changes)', { timeout: 60_000 }, async () => {
    const { db, dataDir } = await libraryOfShortCodes();
    const core = testCore({ dataDir });
    const puppy = { text: 'puppy', mode: 'meaning', fileType: 'JPEG' } as const;
    expect(names(await core.invoke('photos:search', puppy))).toEqual(['2.jpg']);
    db.prepare(`UPDATE photos SET status = 'missing' WHERE file_name = '2.jpg'`).run();
    expect(names(await core.invoke('photos:search', puppy))).toEqual([]);
    db.prepare(`UPDATE photos SET status = 'present' WHERE file_name = '2.jpg'`).run();
    expect(names(await core.invoke('photos:search', puppy))).toEqual(['2.jpg']);
    expect(names(await core.invoke('photos:search', { ...puppy, fileType: 'PNG' }))).toEqual([]);
    db.close();
  });
});
