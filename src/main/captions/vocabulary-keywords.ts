import { charactersPerToken, mapKeywords, vocabularyExcerpt, type UnmatchedKeywordPolicy } from '../../shared/keyword-vocabulary';
import { normaliseKeywords } from '../../shared/keywords';
import type { LoadedVocabulary } from '../keywords/keyword-vocabulary';

/** What the vocabulary may take of a prompt: enough for the top level and a few dozen paths. */
const excerptTokens = 300;

/** The part of the vocabulary a prompt shows for a photo with this context (folder, place, previous caption). */
export function promptVocabulary(vocabulary: LoadedVocabulary, context: readonly (string | null)[]): string {
  const known = context.filter((text): text is string => !!text);
  return vocabularyExcerpt(vocabulary.index, known, excerptTokens * charactersPerToken);
}

/**
 * A caption's keywords in the photographer's vocabulary: matched ones as their terms with the
 * paths and exported parents the write-back needs, unmatched ones kept, dropped or set aside as
 * suggestions by the setting. Both lists under the same rule as any stored keywords.
 */
export function keywordsInVocabulary(
  vocabulary: LoadedVocabulary,
  suggested: readonly string[],
  unmatched: UnmatchedKeywordPolicy,
): { keywords: string[]; suggestions: string[] } {
  const mapped = mapKeywords(vocabulary.index, suggested, unmatched);
  return { keywords: normaliseKeywords(mapped.keywords), suggestions: normaliseKeywords(mapped.suggestions) };
}
