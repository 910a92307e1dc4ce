import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { foldWord, maxGroupDepth, parseQuery, toFtsExpression, toFtsQuery } from '../../src/main/search/fts-query';

describe('toFtsQuery', () => {
  it('quotes every term and makes the word being typed a prefix', () => {
    expect(toFtsQuery('red fox')).toBe('("red" AND "fox"*)');
    expect(toFtsQuery('red fox ')).toBe('("red" AND "fox")');
    expect(toFtsQuery('  café')).toBe('"café"*');
  });

  it('leaves out the first letter of a word being typed after other words, until the next key', () => {
    expect(toFtsQuery('wedding s')).toBe('"wedding"');
    expect(toFtsQuery('wedding su')).toBe('("wedding" AND "su"*)');
    expect(toFtsQuery('dog 1')).toBe('"dog"');
    expect(toFtsQuery('fox -s')).toBe('"fox"');
    expect(toFtsQuery('(fox OR wolf) s')).toBe('("fox" OR "wolf")');
    // Alone it is all there is to look up; finished, it is a word; quoted, part of a phrase.
    expect(toFtsQuery('s')).toBe('"s"*');
    expect(toFtsQuery('wedding s ')).toBe('("wedding" AND "s")');
    expect(toFtsQuery('"golden h')).toBe('"golden h"*');
    expect(toFtsQuery('vitamin "c')).toBe('("vitamin" AND "c"*)');
    // A CJK character may be a word of its own.
    expect(toFtsQuery('東京 犬')).toBe('("東京" AND "犬"*)');
  });

  it('reads phrases, OR, groups, NOT and -word', () => {
    expect(toFtsQuery('"golden hour" beach ')).toBe('("golden hour" AND "beach")');
    expect(toFtsQuery('"golden ho')).toBe('"golden ho"*');
    expect(toFtsQuery('fox OR wolf ')).toBe('("fox" OR "wolf")');
    expect(toFtsQuery('(fox OR wolf) snow ')).toBe('(("fox" OR "wolf") AND "snow")');
    expect(toFtsQuery('fox -snow ')).toBe('("fox" NOT ("snow"))');
    expect(toFtsQuery('fox NOT snow -"red sky" ')).toBe('("fox" NOT ("snow" OR "red sky"))');
    expect(toFtsQuery('fox AND snow ')).toBe('("fox" AND "snow")');
    // Lower-case operators are words.
    expect(toFtsQuery('or and ')).toBe('("or" AND "and")');
    // Words joined by punctuation stay together, as a phrase.
    expect(toFtsQuery('IMG_1234')).toBe('"IMG 1234"*');
  });

  it('leaves out function words typed among other words, unless quoted, negated, alone or being typed', () => {
    expect(toFtsQuery('dog on the beach ')).toBe('("dog" AND "beach")');
    expect(toFtsQuery('Fox In The Snow ')).toBe('("Fox" AND "Snow")');
    expect(toFtsQuery('black and white')).toBe('("black" AND "white"*)');
    expect(toFtsExpression(parseQuery('dog on the beach ')!).phrases).toEqual(['"dog"', '"beach"']);
    // Quoted: a phrase keeps its words, and so does a quoted word.
    expect(toFtsQuery('"dog on the beach" ')).toBe('"dog on the beach"');
    expect(toFtsQuery('"the" who ')).toBe('("the" AND "who")');
    // Only function words: they are all there is to search for.
    expect(toFtsQuery('the ')).toBe('"the"');
    expect(toFtsQuery('to be or ')).toBe('("to" AND "be" AND "or")');
    // Negated: the user asked for it.
    expect(toFtsQuery('dog -the ')).toBe('("dog" NOT ("the"))');
    // Being typed: "the" may become "theatre".
    expect(toFtsQuery('dog on the')).toBe('("dog" AND "the"*)');
    // Each side of OR and each group on its own.
    expect(toFtsQuery('fox OR the ')).toBe('("fox" OR "the")');
    expect(toFtsQuery('(in) snow ')).toBe('("in" AND "snow")');
    // A function word inside a word joined by punctuation stays: it is a phrase.
    expect(toFtsQuery('black-and-white ')).toBe('"black and white"');
  });

  it('says what a query that only excludes must not match', () => {
    expect(toFtsExpression(parseQuery('-fox -"red sky" ')!)).toEqual({ match: null, exclude: '"fox" OR "red sky"', phrases: null });
  });

  it('names the phrases a match is scored with, none that it excludes, and none at all for a word being typed that may become several', () => {
    expect(toFtsExpression(parseQuery('fox -snow "red sky" (owl OR wolf) ')!).phrases).toEqual(['"fox"', '"red sky"', '"owl"', '"wolf"']);
    expect(toFtsExpression(parseQuery('strasse ')!).phrases).toEqual(['"strasse"', '"straße"']);
    expect(toFtsExpression(parseQuery('red fo')!).phrases).toBeNull();
    expect(toFtsExpression(parseQuery('red -fo')!).phrases).toEqual(['"red"']);
    expect(toFtsExpression(parseQuery('red univ')!, () => ['universite', 'university']).phrases).toBeNull();
    // A word being typed that the library completes one way only scores as that word.
    expect(toFtsExpression(parseQuery('red lightho')!, () => ['lighthouse'])).toEqual({ match: '("red" AND "lighthouse")', exclude: null, phrases: ['"red"', '"lighthouse"'] });
  });

  it('drops an ß or ss respelling of a word being typed that nothing in the library can become', () => {
    const complete = (prefix: string) => (prefix === 'croissan' ? ['croissant'] : []);
    expect(toFtsExpression(parseQuery('croissan')!, complete)).toEqual({ match: '"croissant"', exclude: null, phrases: ['"croissant"'] });
    // A respelling the library may hold (too many words to list) is kept, as is the word as typed.
    expect(toFtsExpression(parseQuery('strass')!, (prefix) => (prefix === 'strass' ? [] : null))).toEqual({ match: '("strass"* OR "straß"*)', exclude: null, phrases: null });
  });

  it('completes the word being typed from the library vocabulary', () => {
    const asked: string[] = [];
    const complete = (prefix: string) => {
      asked.push(prefix);
      return ['universite', 'university'];
    };
    expect(toFtsQuery('Universit', complete)).toBe('("universite" OR "university")');
    expect(asked).toEqual(['universit']);
    // Too many completions, or none: a prefix of the stemmed words.
    expect(toFtsQuery('univ', () => null)).toBe('"univ"*');
    expect(toFtsQuery('univ', () => [])).toBe('"univ"*');
    expect(foldWord('Université')).toBe('universite');
  });

  it('returns null when nothing searchable is left, and reads operators alone as words', () => {
    expect(toFtsQuery('')).toBeNull();
    expect(toFtsQuery('"(*)" -- ;')).toBeNull();
    expect(toFtsQuery('🦊')).toBeNull();
    expect(toFtsQuery('AND OR NOT')).toBe('("and" AND "or" AND "not")');
  });

  it('never produces an expression FTS5 rejects, whatever is typed', () => {
    const db = new Sqlite(':memory:');
    db.exec(`CREATE VIRTUAL TABLE t USING fts5(body, tokenize = 'porter unicode61 remove_diacritics 2')`);
    db.prepare('INSERT INTO t(body) VALUES (?)').run('A red fox at the café, NEAR the river');
    const hostile = [
      '"unbalanced', '"', '(((', ')))', 'fox)', '(fox', 'NEAR(fox river)', 'NEAR(', 'fox AND', 'OR', 'NOT fox', '-fox', '-',
      '*', 'body:fox', "'; DROP TABLE t; --", '^fox', 'fox*', '"" ""', 'AND OR NOT', 'fox OR OR wolf', '( OR )',
      '-(fox)', 'NOT', 'a'.repeat(20_000), '狐狸 🦊 fox', '東京タワー', 'x'.repeat(100_000),
      Array.from({ length: 500 }, (_, i) => `w${i}`).join(' '), '"a" "b" OR -"c" (d OR (e -f)) "g',
      // Deep groups: FTS5's parser overflows its stack at about 20 levels.
      Array.from({ length: 64 }, (_, i) => `(w${i}`).join(' '), Array.from({ length: 40 }, (_, i) => `-(a${i} b OR (strasse${i} NOT`).join(' '),
      `${'('.repeat(30)}fox${')'.repeat(30)}`,
    ];
    for (const text of hostile) {
      const tree = parseQuery(text);
      if (!tree) continue;
      const { match, exclude } = toFtsExpression(tree, () => ['foxes']);
      for (const expression of [match, exclude]) {
        if (expression === null) continue;
        expect(() => db.prepare('SELECT count(*) FROM t WHERE t MATCH ?').get(expression), text.slice(0, 40)).not.toThrow();
      }
    }
    expect(db.prepare('SELECT count(*) AS n FROM t WHERE t MATCH ?').get(toFtsQuery('cafe fo'))).toEqual({ n: 1 });
    db.close();
  });

  it('reads groups nested deeper than a few levels as part of the group around them', () => {
    expect(toFtsQuery('(((((((((((fox OR wolf))))))))) snow) ')).toBe('(("fox" OR "wolf") AND "snow")');
    const deep = toFtsQuery(`${Array.from({ length: 20 }, (_, i) => `(w${i} OR`).join(' ')} x `)!;
    expect(deep.split('(').length - 1).toBe(maxGroupDepth);
  });

  it('finds ß written as ss and ss written as ß', () => {
    expect(toFtsQuery('Straße ')).toBe('("Straße" OR "Strasse")');
    expect(toFtsQuery('STRASSE ')).toBe('("STRASSE" OR "STRAßE")');
    expect(toFtsQuery('"große Straße"')).toBe('("große Straße" OR "grosse Strasse")');
    expect(toFtsQuery('Stra')).toBe('"Stra"*');
    expect(toFtsQuery('fox ')).toBe('"fox"');
  });

  it('reads at most 64 words', () => {
    const match = toFtsQuery(Array.from({ length: 500 }, (_, i) => `w${i}`).join(' '))!;
    expect(match.match(/"/g)).toHaveLength(128);
  });
});
