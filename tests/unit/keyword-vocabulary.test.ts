import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readVocabularyFile } from '../../src/main/keywords/vocabulary-file';
import {
  findTerm,
  formatVocabulary,
  indexVocabulary,
  mapKeywords,
  parseVocabulary,
  singularWord,
  termPath,
  vocabularyExcerpt,
  vocabularyTree,
  type ParsedVocabulary,
} from '../../src/shared/keyword-vocabulary';

const fixture = (name: string) => join(import.meta.dirname, '../fixtures/keywords', name);
const names = (vocabulary: ParsedVocabulary) => vocabulary.terms.map((term) => termPath(vocabulary.terms, vocabulary.terms.indexOf(term)).map((t) => t.name).join('|'));

describe('reading keyword files', () => {
  it('reads a Lightroom export: tab hierarchy, {synonyms}, [categories] that are not exported', async () => {
    const vocabulary = await readVocabularyFile(fixture('lightroom-export.txt'));
    expect(vocabulary.issues).toEqual([]);
    expect(names(vocabulary)).toContain('Animals|Birds|Puffin');
    const puffin = vocabulary.terms.find((term) => term.name === 'Puffin')!;
    expect(puffin.synonyms).toEqual(['Atlantic puffin', 'Sea parrot']);
    expect(vocabulary.terms.find((term) => term.name === 'Animals')!.exported).toBe(false);
    expect(vocabulary.terms.find((term) => term.name === 'Places')!.exported).toBe(true);
    expect(vocabularyTree(vocabulary.terms).map((node) => node.name)).toEqual(['Animals', 'Places', 'Sports', 'Landscape']);
  });

  it('reads a plain list, merging a keyword given twice', async () => {
    const vocabulary = await readVocabularyFile(fixture('plain-list.txt'));
    expect(names(vocabulary)).toEqual(['Sunset', 'Harbour', 'Boats', 'Sea stack']);
  });

  it('decodes UTF-16 with a BOM and CRLF, Windows-1252, and a UTF-8 BOM', async () => {
    expect(names(await readVocabularyFile(fixture('utf16-bom.txt')))).toEqual(['Animals', 'Animals|Birds', 'Animals|Birds|Puffin', 'Places', 'Places|Reykjavík']);
    expect((await readVocabularyFile(fixture('utf16-bom.txt'))).terms[2]!.synonyms).toEqual(['Sea parrot']);
    expect(names(await readVocabularyFile(fixture('windows-1252.txt')))).toEqual([
      'Animals',
      'Animals|Écureuil',
      'Animals|Chèvre',
      'Food',
      'Food|Café',
      'Food|Crème brûlée',
    ]);
    expect(names(await readVocabularyFile(fixture('bom-crlf.txt')))).toEqual(['Animals', 'Animals|Birds', 'Animals|Birds|Puffin']);
  });

  it('reads space indentation by its smallest indent and reports lines whose level is ambiguous', async () => {
    const vocabulary = await readVocabularyFile(fixture('mixed-indent.txt'));
    expect(names(vocabulary)).toEqual([
      'Animals',
      'Animals|Birds',
      'Animals|Birds|Puffin',
      'Animals|Mammals',
      'Animals|Mammals|Fox',
      'Animals|Mammals|Deer',
      'Animals|Hare',
      'Places',
      'Places|Iceland',
    ]);
    expect(vocabulary.issues.map((issue) => issue.line)).toEqual([5, 7, 9]);
    expect(vocabulary.issues[0]!.message).toMatch(/both tabs and spaces/);
    expect(vocabulary.issues[1]!.message).toMatch(/3 spaces, not a whole level of 2/);
    expect(vocabulary.issues[2]!.message).toMatch(/deeper than the line above/);
  });

  describe('bad files', () => {
    const dir = mkdtemp(join(tmpdir(), 'captionist-keywords-'));
    afterAll(async () => rm(await dir, { recursive: true, force: true }));

    it('names the file when it is missing, empty, a folder or binary', async () => {
      const folder = await dir;
      await expect(readVocabularyFile(join(folder, 'missing.txt'))).rejects.toThrow(`${join(folder, 'missing.txt')} does not exist.`);
      await expect(readVocabularyFile(folder)).rejects.toThrow(/is a folder/);
      await writeFile(join(folder, 'empty.txt'), '\n\n  \n');
      await expect(readVocabularyFile(join(folder, 'empty.txt'))).rejects.toThrow(`${join(folder, 'empty.txt')} holds no keywords.`);
      await writeFile(join(folder, 'photo.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x01, 0x02, 0x03]));
      await expect(readVocabularyFile(join(folder, 'photo.jpg'))).rejects.toThrow(/photo\.jpg is not a keyword list: it holds binary data/);
    });

    it('decodes UTF-16 without a BOM', async () => {
      const path = join(await dir, 'bomless.txt');
      await writeFile(path, Buffer.from('Animals\n\tPuffin\n', 'utf16le'));
      expect(names(await readVocabularyFile(path))).toEqual(['Animals', 'Animals|Puffin']);
    });
  });
});

describe('parsing rules', () => {
  it('merges a keyword twice under one parent and keeps it twice under different parents', () => {
    const vocabulary = parseVocabulary('Animals\n\tBirds\n\t\t{Avian}\nAnimals\n\tbirds\n\t\tPuffin\n\t\t{Fowl}\nSports\n\tBirds\n');
    expect(names(vocabulary)).toEqual(['Animals', 'Animals|Birds', 'Animals|Birds|Puffin', 'Sports', 'Sports|Birds']);
    expect(vocabulary.terms[1]!.synonyms).toEqual(['Avian', 'Fowl']);
  });

  it('reports a synonym that belongs to no keyword and keeps | out of keywords', () => {
    const vocabulary = parseVocabulary('{Orphan}\nA|B\n');
    expect(names(vocabulary)).toEqual(['A B']);
    expect(vocabulary.issues).toEqual([{ line: 1, message: 'synonym {Orphan} belongs to no keyword; ignored' }]);
  });

  it('skips and reports a line too long to be a keyword, such as a megabyte of one line', () => {
    const vocabulary = parseVocabulary(`Animals\n\t${'x'.repeat(1_000_000)}\n\tBirds\n\t${'y'.repeat(256)}\n`);
    expect(names(vocabulary)).toEqual(['Animals', 'Animals|Birds', `Animals|${'y'.repeat(256)}`]);
    expect(vocabulary.issues).toEqual([{ line: 2, message: '1000000 characters long: not a keyword; skipped' }]);
  });

  it('formats the vocabulary back into the same terms', async () => {
    const vocabulary = await readVocabularyFile(fixture('lightroom-export.txt'));
    expect(parseVocabulary(formatVocabulary(vocabulary.terms)).terms).toEqual(vocabulary.terms);
  });
});

describe('mapping suggestions onto the vocabulary', () => {
  const vocabulary = parseVocabulary(
    [
      '[Animals]', '\tBirds', '\t\tPuffin', '\t\t\t{Sea parrot}', '\t\tGoose', '\t\tGull', '\t\t\t{Seagull}',
      '\tMammals', '\t\tFox', '\t\tDeer', '\t\tÉcureuil', '\t\t\t{Squirrel}',
      'Sports', '\tBirds', 'Landscape', '\tBerry', '\tSea', '\tLighthouse', '\t\t{Fox}', '\tSea bird',
    ].join('\n'),
  );
  const index = indexVocabulary(vocabulary.terms);
  const match = (suggestion: string) => {
    const found = findTerm(index, suggestion);
    return found && { path: termPath(vocabulary.terms, found.term).map((term) => term.name).join('|'), how: found.how };
  };

  it('matches exactly, ignoring case and accents, by synonym and by singular/plural', () => {
    expect(match('Puffin')).toEqual({ path: 'Animals|Birds|Puffin', how: 'exact' });
    expect(match('ecureuil')).toEqual({ path: 'Animals|Mammals|Écureuil', how: 'folded' });
    expect(match('SEA PARROT')).toEqual({ path: 'Animals|Birds|Puffin', how: 'synonym' });
    expect(match('puffins')).toEqual({ path: 'Animals|Birds|Puffin', how: 'plural' });
    expect(match('foxes')).toEqual({ path: 'Animals|Mammals|Fox', how: 'plural' });
    expect(match('berries')).toEqual({ path: 'Landscape|Berry', how: 'plural' });
    expect(match('geese')).toEqual({ path: 'Animals|Birds|Goose', how: 'plural' });
    expect(match('Seagulls')).toEqual({ path: 'Animals|Birds|Gull', how: 'plural' });
    expect(match('squirrels')).toEqual({ path: 'Animals|Mammals|Écureuil', how: 'plural' });
    expect(match('sea-birds')).toEqual({ path: 'Landscape|Sea bird', how: 'plural' });
    expect(match('deer')).toEqual({ path: 'Animals|Mammals|Deer', how: 'folded' });
    expect(match('hedgehog')).toBeNull();
    expect(match('   ')).toBeNull();
  });

  it('resolves a term under two parents the same way every time, and lets a term beat a synonym with the same words', () => {
    // Animals is a category; both Birds are exported and as deep: the first in the file wins.
    expect(match('birds')).toEqual({ path: 'Animals|Birds', how: 'folded' });
    // "Fox" is the Lighthouse's synonym too; the term Fox wins, and nothing loops.
    expect(match('fox')).toEqual({ path: 'Animals|Mammals|Fox', how: 'folded' });
    const reversed = indexVocabulary(parseVocabulary('Sports\n\tBirds\n[Animals]\n\tBirds\n\t\tPuffin\n').terms);
    expect(findTerm(reversed, 'birds')!.term).toBe(1);
    const categoryFirst = indexVocabulary(parseVocabulary('Animals\n\t[Birds]\nSports\n\tBirds\n').terms);
    expect(findTerm(categoryFirst, 'birds')!.term).toBe(3);
  });

  it('writes the term, its exported ancestors and the whole path; unmatched ones follow the setting', () => {
    const suggested = ['puffins', 'Sea parrot', 'ocean spray', 'Ecureuil'];
    expect(mapKeywords(index, suggested, 'keep')).toEqual({
      keywords: ['Animals|Birds|Puffin', 'Birds', 'ocean spray', 'Animals|Mammals|Écureuil', 'Mammals'],
      suggestions: [],
      matches: [
        { suggestion: 'puffins', term: 'Puffin', how: 'plural' },
        { suggestion: 'Sea parrot', term: 'Puffin', how: 'synonym' },
        { suggestion: 'Ecureuil', term: 'Écureuil', how: 'folded' },
      ],
    });
    expect(mapKeywords(index, suggested, 'drop').keywords).toEqual(['Animals|Birds|Puffin', 'Birds', 'Animals|Mammals|Écureuil', 'Mammals']);
    expect(mapKeywords(index, suggested, 'suggest')).toMatchObject({
      keywords: ['Animals|Birds|Puffin', 'Birds', 'Animals|Mammals|Écureuil', 'Mammals'],
      suggestions: ['ocean spray'],
    });
    expect(mapKeywords(indexVocabulary([]), suggested, 'drop').keywords).toEqual(suggested);
  });

  it('makes English plurals singular, and says which it leaves alone', () => {
    const plurals = { puffins: 'puffin', foxes: 'fox', berries: 'berry', geese: 'goose', churches: 'church', tomatoes: 'tomato', wolves: 'wolf', glasses: 'glass', days: 'day' };
    for (const [plural, singular] of Object.entries(plurals)) expect(singularWord(plural)).toBe(singular);
    for (const same of ['glass', 'cactus', 'iris', 'sheep', 'bus', 'cacti']) expect(singularWord(same)).toBe(same);
  });
});

describe('the prompt excerpt', () => {
  const vocabulary = parseVocabulary(
    ['[Animals]', '\tBirds', '\t\tPuffin', '\t\t\t{Sea parrot}', '\tMammals', '\t\tFox', 'Places', '\tIceland', '\t\tVík', '\t\t\t{Vik}', 'Landscape', '\tSea', '\tCliff'].join('\n'),
  );

  it('gives the top-level keywords and the terms sharing a word with the context, closest first', () => {
    expect(vocabularyExcerpt(indexVocabulary(vocabulary.terms), ['Iceland 2024/Vik', 'Puffins on a sea cliff'], 500)).toBe(
      [
        'Keyword categories: Animals, Places, Landscape',
        'Animals > Birds > Puffin',
        'Places > Iceland',
        'Places > Iceland > Vík',
        'Landscape > Sea',
        'Landscape > Cliff',
      ].join('\n'),
    );
  });

  it('stays within its budget and never lists terms unrelated to the context', () => {
    expect(vocabularyExcerpt(indexVocabulary(vocabulary.terms), ['a kitchen'], 500)).toBe('Keyword categories: Animals, Places, Landscape');
    const small = vocabularyExcerpt(indexVocabulary(vocabulary.terms), ['Iceland 2024/Vik', 'Puffins on a sea cliff'], 71);
    expect(small.length).toBeLessThanOrEqual(71);
    expect(small).toBe('Keyword categories: Animals, Places, Landscape\nAnimals > Birds > Puffin');
    expect(vocabularyExcerpt(indexVocabulary(vocabulary.terms), [], 30)).toBe('Keyword categories: Animals');
  });

  it('leaves out a word that more than 500 terms share, and keeps one that 500 share', () => {
    const birds = (count: number) =>
      indexVocabulary(parseVocabulary(['Birds', ...Array.from({ length: count }, (_, i) => `\tBird ${i}`), '\tPuffin'].join('\n')).terms);
    expect(vocabularyExcerpt(birds(501), ['A bird, a puffin'], 500)).toBe('Keyword categories: Birds\nBirds > Puffin');
    expect(vocabularyExcerpt(birds(500), ['A bird, a puffin'], 500).split('\n').slice(0, 3)).toEqual([
      'Keyword categories: Birds',
      'Birds > Bird 0',
      'Birds > Bird 1',
    ]);
  });
});
