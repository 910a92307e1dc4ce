import Sqlite from 'better-sqlite3';
import { rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/main/db/database';
import { SearchRepository, defaultSearchLimits } from '../../src/main/db/search.repo';
import { SearchService } from '../../src/main/search/search.service';
import { SearchCriteriaSchema, SearchQuerySchema } from '../../src/shared/domain';
import type { SearchCriteria, SearchQuery } from '../../src/shared/domain';
import { testCore } from '../helpers/core';
import type { TestCore } from '../helpers/core';
import { tempDir, writeJpeg } from '../helpers/files';

interface CaptionRow {
  caption: string;
  title?: string;
  keywords?: string[];
  provider?: string;
  status?: 'draft' | 'approved' | 'written';
}

/** Adds a caption version the way a caption run stores it, through a second connection. */
function addCaption(core: TestCore, path: string, row: CaptionRow): void {
  const db = new Sqlite(join(core.dataDir, 'library.db'));
  const photoId = db.prepare('SELECT id FROM photos WHERE path = ?').pluck().get(path);
  db.prepare(
    `INSERT INTO captions (photo_id, version, source, title, caption, keywords, provider, model, status, created_at)
     VALUES (?, (SELECT coalesce(max(version), 0) + 1 FROM captions WHERE photo_id = ?), 'generated', ?, ?, ?, ?, 'm', ?, 'now')`,
  ).run(photoId, photoId, row.title ?? null, row.caption, JSON.stringify(row.keywords ?? []), row.provider ?? null, row.status ?? 'draft');
  db.close();
}

const exifDate = (iso: string) => iso.replace(/-/g, ':').replace('T', ' ');

/** A small library of real JPEGs with metadata, indexed, some captioned. */
async function library() {
  const root = tempDir();
  const core = testCore();
  const photo = async (relPath: string, options: { caption?: string; date?: string; model?: string; lens?: string; width?: number; height?: number; seed?: number }) =>
    writeJpeg(join(root, relPath), {
      width: options.width ?? 320,
      height: options.height ?? 240,
      seed: options.seed,
      exif: {
        IFD0: {
          ...(options.caption ? { ImageDescription: options.caption } : {}),
          ...(options.model ? { Make: options.model.split(' ')[0]!, Model: options.model } : {}),
        },
        IFD2: {
          ...(options.date ? { DateTimeOriginal: exifDate(options.date) } : {}),
          ...(options.lens ? { LensModel: options.lens } : {}),
        },
      },
    });
  const paths = {
    glacier: await photo('Iceland/2019/glacier.jpg', { caption: 'Icebergs drifting at sunrise', date: '2019-06-15T06:00:00', model: 'Canon EOS R5', lens: 'RF24-105mm F4 L', seed: 1 }),
    puffins: await photo('Iceland/2019/IMG_0002.jpg', { date: '2019-07-01T12:00:00', model: 'NIKON Z 6', seed: 2 }),
    cafe: await photo('Paris/café.jpg', { caption: 'Un café à Montmartre', date: '2021-03-03T09:30:00', width: 240, height: 320, seed: 3 }),
    tram: await photo('Berlin/strassenbahn.jpg', { date: '2022-01-10T17:00:00', seed: 4 }),
    dogs: await photo('dogs.jpg', { date: '2020-08-01T18:00:00', seed: 5 }),
    bird: await photo('bird.jpg', { caption: 'A small garden', date: '2018-05-05T08:00:00', seed: 6 }),
  };
  await core.invoke('library:index', { paths: [root] });
  addCaption(core, paths.puffins, { caption: 'Two puffins on a cliff', title: 'Puffins', keywords: ['puffin', 'Bird'], provider: 'Local', status: 'draft' });
  addCaption(core, paths.tram, { caption: 'Die Straßenbahn fährt an der Universität vorbei', provider: 'local', status: 'written' });
  addCaption(core, paths.dogs, { caption: 'Dogs running on the beach', keywords: ['dog'], provider: 'inference', status: 'approved' });
  return { core, root, paths };
}

const search = (core: TestCore, query: SearchQuery) => core.invoke('photos:search', { limit: 100, ...query });
const names = async (core: TestCore, query: SearchQuery) => (await search(core, query)).results.map((photo) => basename(photo.path));

describe('search', () => {
  it('stems English, folds accents, and keeps other languages whole and as-you-type', async () => {
    const { core } = await library();
    expect(await names(core, { text: 'dog ' })).toEqual(['dogs.jpg']);
    expect(await names(core, { text: 'run ' })).toEqual(['dogs.jpg']);
    expect(await names(core, { text: 'puffin ' })).toEqual(['IMG_0002.jpg']);
    expect(await names(core, { text: 'cafe ' })).toEqual(['café.jpg']);
    expect(await names(core, { text: 'CAFÉ ' })).toEqual(['café.jpg']);
    expect(await names(core, { text: 'straßenbahn ' })).toEqual(['strassenbahn.jpg']);
    expect(await names(core, { text: 'Universität ' })).toEqual(['strassenbahn.jpg']);
    // ß and ss find each other (the caption says "Die Straßenbahn").
    expect(await names(core, { text: '"die strassenbahn"' })).toEqual(['strassenbahn.jpg']);
    expect(await names(core, { text: '"DIE STRASSENBAHN" fährt ' })).toEqual(['strassenbahn.jpg']);
    // As you type: the last word, with no space after it, is a prefix, however it stems.
    for (const typed of ['Un', 'Univ', 'Universit', 'universita', 'Straßenb', 'fähr']) {
      expect(await names(core, { text: `Berlin ${typed}` }), typed).toEqual(['strassenbahn.jpg']);
    }
    expect((await names(core, { text: 'ice' })).sort()).toEqual(['IMG_0002.jpg', 'glacier.jpg']);
    expect(await names(core, { text: 'icebe' })).toEqual(['glacier.jpg']);
    // Folder names are searchable too.
    expect((await names(core, { text: 'iceland ' })).sort()).toEqual(['IMG_0002.jpg', 'glacier.jpg']);
  });

  it('reads phrases, OR, NOT and -word', async () => {
    const { core } = await library();
    expect(await names(core, { text: '"on the beach"' })).toEqual(['dogs.jpg']);
    expect(await names(core, { text: '"the on beach"' })).toEqual([]);
    expect((await names(core, { text: 'puffins OR icebergs ' })).sort()).toEqual(['IMG_0002.jpg', 'glacier.jpg']);
    expect(await names(core, { text: 'iceland -puffin ' })).toEqual(['glacier.jpg']);
    expect(await names(core, { text: 'iceland NOT "on a cliff" ' })).toEqual(['glacier.jpg']);
    expect(await names(core, { text: '(puffin OR dog) cliff ' })).toEqual(['IMG_0002.jpg']);
    // Only exclusions: everything else.
    expect((await names(core, { text: '-iceland ' })).sort()).toEqual(['bird.jpg', 'café.jpg', 'dogs.jpg', 'strassenbahn.jpg']);
  });

  it('finds a caption without the function words typed among the other words', async () => {
    const { core } = await library();
    // The puffins' caption says "on a cliff", not "the": the words that matter find it.
    expect(await names(core, { text: 'puffins on the cliff ' })).toEqual(['IMG_0002.jpg']);
    expect(await names(core, { text: 'dog in the beach' })).toEqual(['dogs.jpg']);
    // Quoted, the phrase must be there as typed.
    expect(await names(core, { text: '"puffins on the cliff"' })).toEqual([]);
    // A function word alone is searched for.
    expect(await names(core, { text: 'the ' })).toEqual(['dogs.jpg']);
  });

  it('ranks titles and keywords above captions, and captions above file names', async () => {
    const { core, root } = await library();
    // "bird" is a keyword of the puffins and only the file name of bird.jpg.
    expect(await names(core, { text: 'bird ' })).toEqual(['IMG_0002.jpg', 'bird.jpg']);
    expect(await names(core, { text: 'bird ', sort: 'date' })).toEqual(['IMG_0002.jpg', 'bird.jpg']);
    // Filters narrow the matches without changing how they rank.
    for (const filters of [{ from: '2018' }, { to: '2019-12' }, { folder: root }, { includeMissing: true }]) {
      expect(await names(core, { text: 'bird ', ...filters }), JSON.stringify(filters)).toEqual(['IMG_0002.jpg', 'bird.jpg']);
    }
  });

  it('highlights what matched in a snippet, as marked text rather than markup', async () => {
    const { core, root, paths } = await library();
    const [puffins] = (await search(core, { text: 'puffin cliff ' })).results;
    expect(puffins!.snippet!.filter((part) => part.match).map((part) => part.text.toLowerCase())).toEqual(
      expect.arrayContaining(['puffins', 'cliff']),
    );
    const shown = puffins!.snippet!.map((part) => part.text).join('');
    expect(shown).toContain('Two puffins on a cliff');
    expect(['\u0002', '\u0003', '<'].some((mark) => shown.includes(mark))).toBe(false);
    expect((await search(core, { text: '' })).results[0]!.snippet).toBeNull();
    // Each photo gets its own snippet.
    const snippets = (await search(core, { text: 'puffins OR dogs ' })).results.map((photo) => [
      basename(photo.path),
      photo.snippet!.filter((part) => part.match).map((part) => part.text.toLowerCase()),
    ]);
    expect(Object.fromEntries(snippets)).toEqual({ 'IMG_0002.jpg': ['puffins'], 'dogs.jpg': ['dogs'] });

    // From the caption first, never from the hidden filter tokens, cut around the first match.
    const words = Array.from({ length: 40 }, (_, i) => `word${i}`);
    addCaption(core, paths.glacier, { caption: `${words.slice(0, 20).join(' ')} lagoon ${words.slice(20).join(' ')}`, title: 'Lagoon' });
    const [glacier] = (await search(core, { text: 'lagoon ', from: '2019', folder: join(root, 'Iceland') })).results;
    expect(glacier!.snippet).toEqual([
      { text: '… word16 word17 word18 word19 ', match: false },
      { text: 'lagoon', match: true },
      { text: ' word20 word21 word22 word23 word24 word25 word26 word27 word28 word29 word30 …', match: false },
    ]);
  });

  it('combines text with every filter', async () => {
    const { core, root, paths } = await library();
    expect((await names(core, { folder: join(root, 'Iceland') })).sort()).toEqual(['IMG_0002.jpg', 'glacier.jpg']);
    expect(await names(core, { text: 'sunrise ', folder: join(root, 'Iceland', '2019') })).toEqual(['glacier.jpg']);
    expect(await names(core, { text: 'sunrise ', folder: join(root, 'Paris') })).toEqual([]);
    expect(await names(core, { text: 'sunrise ', folder: join(root, 'Nowhere') })).toEqual([]);
    expect(await names(core, { folder: join(root, 'Nowhere') })).toEqual([]);
    expect(await names(core, { folder: join(root, 'Ice') })).toEqual([]); // a folder, not a path prefix
    const folderId = (await core.invoke('library:listFolders', {}))[0]!.id;
    expect((await names(core, { text: 'iceland ', folderId })).length).toBe(2);
    expect(await names(core, { text: 'iceland ', folderId: folderId + 99 })).toEqual([]);

    expect(await names(core, { from: '2019', to: '2019' })).toEqual(['IMG_0002.jpg', 'glacier.jpg']);
    expect(await names(core, { text: 'iceland ', from: '2019-06-15', to: '2019-06-15' })).toEqual(['glacier.jpg']);
    expect(await names(core, { text: 'iceland ', from: '2019-06-16' })).toEqual(['IMG_0002.jpg']);
    expect(await names(core, { from: '2021-03', to: '2022' })).toEqual(['strassenbahn.jpg', 'café.jpg']);
    expect(await names(core, { text: 'iceland ', from: '2020', to: '2019' })).toEqual([]);

    expect(await names(core, { camera: 'r5' })).toEqual(['glacier.jpg']);
    expect(await names(core, { text: 'iceland ', camera: 'nikon' })).toEqual(['IMG_0002.jpg']);
    expect(await names(core, { lens: '24-105' })).toEqual(['glacier.jpg']);
    expect(await names(core, { keyword: 'bird' })).toEqual(['IMG_0002.jpg']);
    expect(await names(core, { text: 'iceland ', keyword: 'BIRD' })).toEqual(['IMG_0002.jpg']);
    expect(await names(core, { keyword: 'bir' })).toEqual([]);
    for (const text of ['', 'iceland OR dog OR berlin ']) {
      expect(await names(core, { text, captionStatus: 'draft' })).toEqual(['IMG_0002.jpg']);
      expect(await names(core, { text, captionStatus: 'written' })).toEqual(['strassenbahn.jpg']);
      expect((await names(core, { text, provider: 'LOCAL' })).sort()).toEqual(['IMG_0002.jpg', 'strassenbahn.jpg']);
      expect(await names(core, { text, provider: 'local', captionStatus: 'approved' })).toEqual([]);
      expect((await names(core, { text, hasCaption: true })).sort()).toEqual(['IMG_0002.jpg', 'dogs.jpg', 'strassenbahn.jpg']);
    }
    expect(await names(core, { text: 'iceland ', hasCaption: false })).toEqual(['glacier.jpg']);
    // Approving the newest version, or saving an edit as a new approved version, moves the photo between statuses.
    const review = new Sqlite(join(core.dataDir, 'library.db'));
    review.prepare(`UPDATE captions SET status = 'approved' WHERE photo_id = (SELECT id FROM photos WHERE path = ?)`).run(paths.puffins);
    review.close();
    expect(await names(core, { text: 'iceland ', captionStatus: 'draft' })).toEqual([]);
    expect(await names(core, { text: 'iceland ', captionStatus: 'approved' })).toEqual(['IMG_0002.jpg']);
    addCaption(core, paths.tram, { caption: 'Die Straßenbahn am Abend', provider: 'local', status: 'approved' });
    expect(await names(core, { text: 'berlin ', captionStatus: 'written' })).toEqual([]);
    expect(await names(core, { text: 'abend ', captionStatus: 'approved' })).toEqual(['strassenbahn.jpg']);
    expect(await names(core, { orientation: 'portrait' })).toEqual(['café.jpg']);
    expect(await names(core, { text: 'paris ', orientation: 'landscape' })).toEqual([]);
    expect((await names(core, { fileType: 'jpeg' })).length).toBe(6);
    expect((await names(core, { fileType: 'JPG' })).length).toBe(6);
    expect(await names(core, { fileType: 'nef' })).toEqual([]);

    // Missing files are left out unless asked for.
    await rm(paths.glacier);
    await core.invoke('library:index', { paths: [] });
    expect(await names(core, { text: 'icebergs ' })).toEqual([]);
    expect(await names(core, { text: 'icebergs ', includeMissing: true })).toEqual(['glacier.jpg']);
    expect(await names(core, { onlyMissing: true })).toEqual(['glacier.jpg']);
    expect(await names(core, { text: 'iceland ', onlyMissing: true })).toEqual(['glacier.jpg']);
  });

  it('sorts by date, pages without gaps or repeats, and counts every match', async () => {
    const { core } = await library();
    expect(await names(core, { text: '' })).toEqual(['strassenbahn.jpg', 'café.jpg', 'dogs.jpg', 'IMG_0002.jpg', 'glacier.jpg', 'bird.jpg']);
    const pages = await Promise.all([0, 2, 4].map((offset) => search(core, { text: '', limit: 2, offset })));
    expect(pages.flatMap((page) => page.results.map((photo) => basename(photo.path)))).toEqual(await names(core, { text: '' }));
    expect(pages.map((page) => [page.total, page.totalIsExact])).toEqual([[6, true], [6, true], [6, true]]);
    expect((await search(core, { text: 'iceland ', limit: 1 })).total).toBe(2);
  });

  it('survives whatever is typed', async () => {
    const { core } = await library();
    const hostile = [
      '"', '"unbalanced', '(((', ')))', 'AND OR NOT', '-', '*', 'NEAR(', 'NEAR(a b)', "'; DROP TABLE photos; --",
      'x'.repeat(100_000), '🦊🐶', '東京タワー', 'iceland:', '{title}: x', 'title : x', '^x', 'a OR', 'OR b',
      '\u0002\u0003', '%', '_', '\\', Array.from({ length: 40 }, (_, i) => `-(a${i} b OR (strasse${i} NOT`).join(' '),
    ];
    for (const text of hostile) {
      await expect(core.invoke('photos:search', { text }), text.slice(0, 20)).resolves.toMatchObject({ results: expect.any(Array) });
      await expect(core.invoke('photos:folderCounts', { text }), text.slice(0, 20)).resolves.toEqual(expect.any(Array));
      const value = text.slice(0, 200);
      for (const filter of [{ camera: value }, { keyword: value }, { lens: value }, { provider: value }, { fileType: value.slice(0, 32) }]) {
        if (!text.trim()) continue;
        await expect(core.invoke('photos:search', { text: 'iceland ', ...filter })).resolves.toMatchObject({ total: expect.any(Number) });
      }
    }
    expect((await search(core, { text: "'; DROP TABLE photos; --" })).total).toBe(0);
    expect((await search(core, { text: '' })).total).toBe(6);
    for (const from of ['2019-02-30', '2019-13', 'yesterday', '19-01-01']) {
      await expect(core.invoke('photos:search', { text: 'x', from })).rejects.toThrow(/^Invalid from: /);
    }
    // An empty text with filters lists what the filters keep.
    expect(await names(core, { text: '   ', camera: 'canon' })).toEqual(['glacier.jpg']);
  });

  it('counts matches per folder, with each folder\'s subfolders', async () => {
    const { core, root } = await library();
    const counts = await core.invoke('photos:folderCounts', {});
    const folderId = (await core.invoke('library:listFolders', {}))[0]!.id;
    expect(counts).toEqual([
      { folderId, path: root, photos: 2, total: 6 },
      { folderId, path: join(root, 'Berlin'), photos: 1, total: 1 },
      { folderId, path: join(root, 'Iceland'), photos: 0, total: 2 },
      { folderId, path: join(root, 'Iceland', '2019'), photos: 2, total: 2 },
      { folderId, path: join(root, 'Paris'), photos: 1, total: 1 },
    ]);
    expect(await core.invoke('photos:folderCounts', { text: 'puffin OR dog ' })).toEqual([
      { folderId, path: root, photos: 1, total: 2 },
      { folderId, path: join(root, 'Iceland'), photos: 0, total: 1 },
      { folderId, path: join(root, 'Iceland', '2019'), photos: 1, total: 1 },
    ]);
    expect(await core.invoke('photos:folderCounts', { from: '2022' })).toEqual([
      { folderId, path: root, photos: 0, total: 1 },
      { folderId, path: join(root, 'Berlin'), photos: 1, total: 1 },
    ]);

    // Counts follow the library, whichever connection changed it.
    await writeJpeg(join(root, 'Berlin', 'Mitte', 'dog.jpg'), { seed: 8 });
    await core.invoke('library:index', { paths: [] });
    expect((await core.invoke('photos:folderCounts', {})).filter((count) => count.path.startsWith(join(root, 'Berlin')))).toEqual([
      { folderId, path: join(root, 'Berlin'), photos: 1, total: 2 },
      { folderId, path: join(root, 'Berlin', 'Mitte'), photos: 1, total: 1 },
    ]);
    addCaption(core, join(root, 'Berlin', 'Mitte', 'dog.jpg'), { caption: 'A puffin, not a dog' });
    expect(await core.invoke('photos:folderCounts', { text: 'puffin ' })).toEqual([
      { folderId, path: root, photos: 0, total: 2 },
      { folderId, path: join(root, 'Berlin'), photos: 0, total: 1 },
      { folderId, path: join(root, 'Berlin', 'Mitte'), photos: 1, total: 1 },
      { folderId, path: join(root, 'Iceland'), photos: 0, total: 1 },
      { folderId, path: join(root, 'Iceland', '2019'), photos: 1, total: 1 },
    ]);
  });

  it('saves, lists, renames, runs and deletes smart albums', async () => {
    const { core, root } = await library();
    const saved = await core.invoke('search:save', { name: 'Iceland 2019', criteria: { text: 'iceland ', from: '2019', to: '2019' } });
    expect(saved).toMatchObject({ name: 'Iceland 2019', criteria: { text: 'iceland ', from: '2019', to: '2019', sort: 'relevance' } });
    expect((await core.invoke('search:runSaved', { id: saved.id })).total).toBe(2);

    // Saving under the same name (any case) replaces the criteria.
    const replaced = await core.invoke('search:save', { name: 'iceland 2019', criteria: { text: 'puffin ' } });
    expect(replaced.id).toBe(saved.id);
    expect((await core.invoke('search:runSaved', { id: saved.id })).results.map((photo) => basename(photo.path))).toEqual(['IMG_0002.jpg']);

    // A smart album follows the library.
    await writeJpeg(join(root, 'Iceland', 'more puffins.jpg'), { seed: 9 });
    await core.invoke('library:index', { paths: [] });
    expect((await core.invoke('search:runSaved', { id: saved.id })).total).toBe(2);

    const other = await core.invoke('search:save', { name: 'Drafts', criteria: { captionStatus: 'draft' } });
    await expect(core.invoke('search:renameSaved', { id: other.id, name: 'ICELAND 2019' })).rejects.toThrow(/already a saved search/);
    expect(await core.invoke('search:renameSaved', { id: other.id, name: 'To review' })).toMatchObject({ name: 'To review' });
    expect((await core.invoke('search:listSaved', {})).map((album) => album.name)).toEqual(['Iceland 2019', 'To review']);

    expect(await core.invoke('search:deleteSaved', { id: saved.id })).toBeNull();
    await expect(core.invoke('search:deleteSaved', { id: saved.id })).rejects.toThrow(/no saved search/);
    await expect(core.invoke('search:runSaved', { id: saved.id })).rejects.toThrow(/no saved search/);
    await expect(core.invoke('search:save', { name: '  ', criteria: {} })).rejects.toThrow(/^Invalid name/);
    expect((await core.invoke('search:listSaved', {})).map((album) => album.name)).toEqual(['To review']);
  });
});

describe('search beyond its ranking window and count limit', () => {
  it('ranks a word being typed over its newest matches, a whole word over all, and says when a total is a lower bound', () => {
    const db = openDatabase(join(tempDir(), 'library.db'));
    db.prepare(`INSERT INTO folders (path, name, added_at) VALUES ('/photos', 'photos', 'now')`).run();
    const insert = db.prepare(
      `INSERT INTO photos (folder_id, path, rel_path, file_name, file_type, size, mtime_ms, fingerprint, camera_model,
         embedded_title, embedded_caption, indexed_at)
       VALUES (1, ?, ?, ?, 'JPEG', 1, 1, ?, ?, ?, ?, 'now')`,
    );
    // Ten photos of foxes; the even ones also have "fox" in their title and rank first.
    for (let i = 1; i <= 10; i++) {
      const name = `p${i}.jpg`;
      insert.run(`/photos/${name}`, name, name, String(i).padStart(32, '0'), i <= 3 ? 'R5' : 'Z6', i % 2 ? null : 'Fox', `A fox, number ${i}`);
    }
    const limits = { ...defaultSearchLimits, rankWindow: 4, listDepth: 4, exactBelow: 2, countLimit: 5, monthWalkAbove: 1000 };
    const service = new SearchService(new SearchRepository(db, limits));
    const ids = (query: SearchQuery) => service.search(SearchQuerySchema.parse(query)).results.map((photo) => photo.id);

    // Being typed: the window holds the 4 newest matches (10, 9, 8, 7), ranked, titled first; then 6, 5 ... 1.
    const typing = ids({ text: 'fox', limit: 100 });
    expect(typing).toEqual([10, 8, 9, 7, 6, 5, 4, 3, 2, 1]);
    expect([0, 3, 6, 9].flatMap((offset) => ids({ text: 'fox', limit: 3, offset }))).toEqual(typing);
    // With a caption filter the window is ranked by the text alone: the same order.
    expect(ids({ text: 'fox', hasCaption: false, limit: 100 })).toEqual(typing);
    // A whole word: every match ranked, titled first, from the lists as far as they reach, then ranked whole.
    const everything = ids({ text: 'fox ', limit: 100 });
    expect(everything).toEqual([10, 8, 6, 4, 2, 9, 7, 5, 3, 1]);
    expect([0, 3, 6, 9].flatMap((offset) => ids({ text: 'fox ', limit: 3, offset }))).toEqual(everything);
    expect(ids({ text: 'fox ', hasCaption: false, limit: 100 })).toEqual(everything);

    // Totals are counted up to the limit, then reported as a lower bound.
    expect(service.search(SearchQuerySchema.parse({ text: 'fox ' }))).toMatchObject({ total: 5, totalIsExact: false });
    expect(service.search(SearchQuerySchema.parse({ text: 'fox number 2 ' }))).toMatchObject({ total: 1, totalIsExact: true });
    expect(service.search(SearchQuerySchema.parse({ text: 'fox ', camera: 'z6' }))).toMatchObject({ total: 5, totalIsExact: false });
    expect(service.search(SearchQuerySchema.parse({ text: 'fox ', camera: 'r5' }))).toMatchObject({ total: 3, totalIsExact: true });
    db.close();
  });

  it('highlights a page spread over a common match photo by photo exactly as one pass over the match does', () => {
    const db = openDatabase(join(tempDir(), 'library.db'));
    db.prepare(`INSERT INTO folders (path, name, added_at) VALUES ('/photos', 'photos', 'now')`).run();
    const insert = db.prepare(
      `INSERT INTO photos (folder_id, path, rel_path, file_name, file_type, size, mtime_ms, fingerprint, embedded_title, embedded_caption, indexed_at)
       VALUES (1, ?, ?, ?, 'JPEG', 1, 1, ?, ?, ?, 'now')`,
    );
    for (let i = 1; i <= 12; i++) {
      const name = `p${i}.jpg`;
      insert.run(`/photos/${name}`, name, name, String(i).padStart(32, '0'), i % 3 ? null : 'Red fox', `A fox in the snow, number ${i}`);
    }
    db.prepare(`UPDATE photos SET status = 'missing' WHERE id = 5`).run();
    // Over the count limit, so the match counts as common; a spread of 0 or more rowids a photo: every page is looked up photo by photo.
    const onePass = new SearchService(new SearchRepository(db, { ...defaultSearchLimits, countLimit: 5, snippetLookupSpread: 1_000_000 }));
    const byPhoto = new SearchService(new SearchRepository(db, { ...defaultSearchLimits, countLimit: 5, snippetLookupSpread: 0 }));
    const snippets = (service: SearchService, query: SearchQuery) =>
      service.search(SearchQuerySchema.parse({ limit: 100, ...query })).results.map((photo) => [photo.id, photo.snippet]);
    for (const query of [{ text: 'fox ' }, { text: 'red fox ' }, { text: 'snow -red ' }, { text: 'fox ', sort: 'date' as const }]) {
      const expected = snippets(onePass, query);
      expect(expected.length).toBeGreaterThan(3);
      expect(expected.every(([, snippet]) => Array.isArray(snippet) && snippet.some((part) => part.match))).toBe(true);
      expect(snippets(byPhoto, query)).toEqual(expected);
    }
    expect(snippets(byPhoto, { text: 'fox ' }).map(([id]) => id)).not.toContain(5);
    db.close();
  });

  it('sorts many matches by date month by month, as sorting them all would, undated photos last', () => {
    const db = openDatabase(join(tempDir(), 'library.db'));
    db.prepare(`INSERT INTO folders (path, name, added_at) VALUES ('/photos', 'photos', 'now')`).run();
    const insert = db.prepare(
      `INSERT INTO photos (folder_id, path, rel_path, file_name, file_type, size, mtime_ms, fingerprint, camera_model,
         captured_at, embedded_caption, indexed_at)
       VALUES (1, ?, ?, ?, 'JPEG', 1, 1, ?, ?, ?, ?, 'now')`,
    );
    // Dates over three years, some months empty, some photos at the same second, some undated.
    const dates = ['2019-03-01T10:00:00', '2021-12-31T23:59:59', null, '2019-03-01T10:00:00', '2020-07-04T12:00:00',
      '2021-01-15T08:00:00', null, '2019-11-30T18:00:00', '2021-12-31T23:59:59', '2020-07-04T12:00:00', '2019-03-02T00:00:00'];
    dates.forEach((date, i) => {
      const name = `p${i + 1}.jpg`;
      insert.run(`/photos/${name}`, name, name, String(i + 1).padStart(32, '0'), i % 3 ? 'Z6' : 'R5', date, `A fox, number ${i + 1}`);
    });
    const byMonth = new SearchService(new SearchRepository(db, { ...defaultSearchLimits, rankWindow: 4, countLimit: 100, monthWalkAbove: 2 }));
    const allSorted = new SearchService(new SearchRepository(db, { ...defaultSearchLimits, rankWindow: 4, countLimit: 100, monthWalkAbove: 1000 }));
    const ids = (service: SearchService, query: SearchQuery) =>
      service.search(SearchQuerySchema.parse({ sort: 'date', ...query })).results.map((photo) => photo.id);

    expect(ids(byMonth, { text: 'fox ', limit: 100 })).toEqual([9, 2, 6, 10, 5, 8, 11, 4, 1, 7, 3]);
    for (const query of [{ text: 'fox ' }, { text: 'fox ', camera: 'z6' }, { text: 'fox ', from: '2019-03-02', to: '2021-06' }, { text: 'number ' }]) {
      const expected = ids(allSorted, { ...query, limit: 100 });
      expect(ids(byMonth, { ...query, limit: 100 }), JSON.stringify(query)).toEqual(expected);
      for (const limit of [1, 2, 3, 4]) {
        const pages = Array.from({ length: Math.ceil(expected.length / limit) }, (_, page) => ids(byMonth, { ...query, limit, offset: page * limit }));
        expect(pages.flat(), `${JSON.stringify(query)} by ${limit}`).toEqual(expected);
      }
    }
    db.close();
  });

  it('counts matches per folder alike whether a folder fills its id range or not', () => {
    const db = openDatabase(join(tempDir(), 'library.db'));
    db.prepare(`INSERT INTO folders (path, name, added_at) VALUES ('/photos', 'photos', 'now')`).run();
    const insert = db.prepare(
      `INSERT INTO photos (folder_id, path, rel_path, file_name, file_type, size, mtime_ms, fingerprint, camera_model, embedded_caption, indexed_at)
       VALUES (1, ?, ?, ?, 'JPEG', 1, 1, ?, 'Z6', ?, 'now')`,
    );
    // Folder a fills ids 1-3, b and c take turns (4-9), d has a hole where a photo was removed.
    const paths = ['a/1', 'a/2', 'a/3', 'b/1', 'c/1', 'b/2', 'c/2', 'b/3', 'c/3', 'd/1', 'd/2', 'd/3'];
    paths.forEach((path, i) => insert.run(`/photos/${path}.jpg`, `${path}.jpg`, path.slice(2) + '.jpg', String(i).padStart(32, '0'), i % 3 ? 'A fox' : 'A wolf'));
    db.prepare(`DELETE FROM photos WHERE path = '/photos/d/2.jpg'`).run();
    const service = new SearchService(new SearchRepository(db));
    const counts = (criteria: SearchCriteria) =>
      service.folderCounts(SearchCriteriaSchema.parse(criteria)).map((count) => [count.path, count.photos]);
    // The camera filter counts photo by photo: the reference.
    expect(counts({ text: 'fox ' })).toEqual(counts({ text: 'fox ', camera: 'z6' }));
    expect(counts({ text: 'fox ' })).toEqual([
      ['/photos', 0], ['/photos/a', 2], ['/photos/b', 2], ['/photos/c', 2], ['/photos/d', 1],
    ]);
    expect(counts({ text: 'wolf ' })).toEqual([['/photos', 0], ['/photos/a', 1], ['/photos/b', 1], ['/photos/c', 1], ['/photos/d', 1]]);
    db.close();
  });
});
