import { foldKeyword } from './keyword-vocabulary';
import { normaliseKeywords } from './keywords';
import type { CaptionVersion } from './review';

/**
 * The keyword suggestions the inspector offers: those of the photo's newest generated caption
 * (keywords outside the photographer's vocabulary, under the `suggest` setting) that `keywords`
 * (what the caption holds, or the form about to save) do not hold yet, in any case or accents,
 * or as the last level of a path.
 */
export function openKeywordSuggestions(
  versions: readonly Pick<CaptionVersion, 'source' | 'keywordSuggestions'>[],
  keywords: readonly string[],
): string[] {
  const generated = versions.find((version) => version.source === 'generated');
  if (!generated) return [];
  const held = new Set(keywords.map((keyword) => foldKeyword(keyword.split('|').at(-1)!)));
  return generated.keywordSuggestions.filter((suggestion) => !held.has(foldKeyword(suggestion)));
}

/** The keywords with a suggestion added, as the core stores them (`captions:edit` normalises the same way). */
export function keywordsWithSuggestion(keywords: string | readonly string[], suggestion: string): string[] {
  return normaliseKeywords([...normaliseKeywords(keywords), suggestion]);
}
