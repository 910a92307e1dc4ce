import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeywordVocabularyRepository } from '../../src/main/db/keyword-vocabulary.repo';
import { migrate } from '../../src/main/db/migrate';
import { migrations } from '../../src/main/db/migrations';
import { readVocabularyFile } from '../../src/main/keywords/vocabulary-file';
import { parseVocabulary, type VocabularyTerm } from '../../src/shared/keyword-vocabulary';

const lightroomExport = join(import.meta.dirname, '../fixtures/keywords/lightroom-export.txt');

describe('keyword vocabulary repository', () => {
  let dir: string;
  let db: Sqlite.Database;
  let repo: KeywordVocabularyRepository;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'captionist-vocabulary-'));
    db = new Sqlite(join(dir, 'library.db'));
    db.pragma('foreign_keys = ON');
    migrate(db, migrations);
    repo = new KeywordVocabularyRepository(db);
  });
  afterEach(async () => {
    db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores an imported vocabulary and gives back the same terms and tree', async () => {
    const vocabulary = await readVocabularyFile(lightroomExport);
    repo.replace(vocabulary.terms, lightroomExport, '2026-12-04T10:00:00.000Z');

    expect(repo.terms()).toEqual(vocabulary.terms);
    const [animals] = repo.tree();
    expect(animals).toMatchObject({ name: 'Animals', exported: false });
    expect(animals!.children[0]!.children[0]).toEqual({ name: 'Puffin', synonyms: ['Atlantic puffin', 'Sea parrot'], exported: true, children: [] });
    expect(repo.source()).toEqual({ sourcePath: lightroomExport, importedAt: '2026-12-04T10:00:00.000Z', termCount: vocabulary.terms.length });
  });

  it('replaces the vocabulary whole, and a failed import leaves the old one', () => {
    repo.replace(parseVocabulary('Animals\n\tFox\n').terms, '/first.txt', 't1');
    repo.replace(parseVocabulary('Places\n\tIceland\n').terms, '/second.txt', 't2');
    expect(repo.terms().map((term) => term.name)).toEqual(['Places', 'Iceland']);

    // A term whose parent comes after it breaks the tree: nothing of it is stored.
    const broken: VocabularyTerm[] = [
      { name: 'Landscape', parent: null, synonyms: [], exported: true },
      { name: 'Sea', parent: 2, synonyms: [], exported: true },
    ];
    expect(() => repo.replace(broken, '/broken.txt', 't3')).toThrow();
    expect(repo.terms().map((term) => term.name)).toEqual(['Places', 'Iceland']);
    expect(repo.source()!.sourcePath).toBe('/second.txt');
  });

  it('clears the vocabulary', () => {
    repo.replace(parseVocabulary('Animals\n\tFox\n').terms, '/first.txt', 't1');
    repo.clear();
    expect(repo.terms()).toEqual([]);
    expect(repo.tree()).toEqual([]);
    expect(repo.source()).toBeNull();
  });

  it('stores 50,000 keywords in one go', () => {
    const lines: string[] = [];
    for (let i = 0; i < 500; i++) {
      lines.push(`Group ${i}`);
      for (let j = 0; j < 99; j++) lines.push(`\tKeyword ${i}-${j}`);
    }
    const { terms } = parseVocabulary(lines.join('\n'));
    repo.replace(terms, '/big.txt', 't1');
    expect(repo.source()!.termCount).toBe(50_000);
    expect(repo.terms()[49_999]).toEqual({ name: 'Keyword 499-98', parent: 49_900, synonyms: [], exported: true });
  });
});
