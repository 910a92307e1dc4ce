import { z } from 'zod';
import type { VocabularyNode, VocabularyTerm } from './keyword-vocabulary';

/** One keyword of the vocabulary with the ones under it, as `keywords:list` shows the tree. */
export const VocabularyNodeSchema: z.ZodType<VocabularyNode> = z.lazy(() =>
  z.object({
    name: z.string(),
    synonyms: z.array(z.string()),
    /** False for a Lightroom [Category]: it orders the tree but is never written. */
    exported: z.boolean(),
    children: z.array(VocabularyNodeSchema),
  }),
);

/** A line of the keyword file read one way where another was possible (1-based line numbers). */
export const VocabularyIssueSchema = z.object({ line: z.number().int(), message: z.string() });

/** How many keywords, synonyms and categories a vocabulary holds. */
export const VocabularyCountsSchema = z.object({
  terms: z.number().int(),
  /** Terms written as keywords (all but the categories). */
  exported: z.number().int(),
  categories: z.number().int(),
  synonyms: z.number().int(),
});
export type VocabularyCounts = z.infer<typeof VocabularyCountsSchema>;

export const VocabularyImportResultSchema = z.object({
  path: z.string(),
  counts: VocabularyCountsSchema,
  /** How many terms the vocabulary it replaced held (0 when there was none). */
  replacedTerms: z.number().int(),
  issues: z.array(VocabularyIssueSchema),
});
export type VocabularyImportResult = z.infer<typeof VocabularyImportResultSchema>;

export const VocabularyListingSchema = z.object({
  /** Where it was imported from and when; null when no vocabulary is imported. */
  source: z.object({ path: z.string(), importedAt: z.string() }).nullable(),
  counts: VocabularyCountsSchema,
  tree: z.array(VocabularyNodeSchema),
});
export type VocabularyListing = z.infer<typeof VocabularyListingSchema>;

/** The counts the import answers and the settings show, from the terms as parsed or stored. */
export function vocabularyCounts(terms: readonly VocabularyTerm[]): VocabularyCounts {
  const exported = terms.filter((term) => term.exported).length;
  return {
    terms: terms.length,
    exported,
    categories: terms.length - exported,
    synonyms: terms.reduce((sum, term) => sum + term.synonyms.length, 0),
  };
}

/** "20 keywords, 1 of them a category not written, 7 synonyms": the CLI and the settings say it alike. */
export function describeVocabularyCounts(counts: VocabularyCounts): string {
  const parts = [countOf(counts.terms, 'keyword')];
  if (counts.categories) parts.push(`${counts.categories} of them ${counts.categories === 1 ? 'a category' : 'categories'} not written`);
  if (counts.synonyms) parts.push(countOf(counts.synonyms, 'synonym'));
  return parts.join(', ');
}

export function countOf(count: number, word: string): string {
  return `${count.toLocaleString('en-US')} ${word}${count === 1 ? '' : 's'}`;
}
