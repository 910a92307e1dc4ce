import { describe, expect, it } from 'vitest';
import { isFirstLetter, textToSearchWhileTyping } from '../../src/shared/search-typing';

describe('searching while typing', () => {
  it('waits for the second letter of a first word', () => {
    expect(textToSearchWhileTyping('s')).toBe('');
    expect(textToSearchWhileTyping('  É')).toBe('');
    expect(textToSearchWhileTyping('7')).toBe('');
    expect(textToSearchWhileTyping('su')).toBe('su');
    // Finished by a space: a word of one letter, searched as such.
    expect(textToSearchWhileTyping('s ')).toBe('s ');
    // Punctuation, operators and quotes are not a first letter; nor is a CJK character, which may be a word.
    for (const text of ['"s', '-s', '(', '雪', 'ゆ', 'dog s', '']) expect(textToSearchWhileTyping(text)).toBe(text);
  });

  it('tells a first letter from other single characters', () => {
    expect(['a', 'Z', 'ß', 'é', '3'].every(isFirstLetter)).toBe(true);
    expect(['ab', '雪', '한', '-', '"', ' ', '', '\u0301'].some(isFirstLetter)).toBe(false);
  });
});
