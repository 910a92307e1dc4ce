import { describe, expect, it } from 'vitest';
import { keywordsWithSuggestion, openKeywordSuggestions } from '../../src/shared/keyword-suggestions';
import { normaliseKeywords } from '../../src/shared/keywords';

const generated = { source: 'generated' as const, keywordSuggestions: ['boat', 'Écume', 'cliff'] };
const edited = { source: 'edited' as const, keywordSuggestions: [] };

describe('keyword suggestions in the inspector', () => {
  it('offers the newest generated caption\'s suggestions that the keywords do not hold yet', () => {
    expect(openKeywordSuggestions([generated], ['Animals|Birds|Puffin', 'Birds'])).toEqual(['boat', 'Écume', 'cliff']);
    expect(openKeywordSuggestions([edited, generated], ['Animals|Birds|Puffin', 'BOAT', 'Sea|ecume'])).toEqual(['cliff']);
    expect(openKeywordSuggestions([edited], [])).toEqual([]);
    expect(openKeywordSuggestions([], [])).toEqual([]);
    // An older generation's suggestions give way to the newer one's.
    expect(openKeywordSuggestions([generated, { ...generated, keywordSuggestions: ['harbour'] }], [])).toEqual(['boat', 'Écume', 'cliff']);
  });

  it('adds a suggestion to the typed keywords exactly as the core will store them', () => {
    const added = keywordsWithSuggestion('Animals|Birds|Puffin, Birds,  #sea ', ' boat ');
    expect(added).toEqual(['Animals|Birds|Puffin', 'Birds', 'sea', 'boat']);
    expect(normaliseKeywords(added)).toEqual(added);
    expect(keywordsWithSuggestion(['boat'], 'Boat')).toEqual(['boat']);
  });
});
