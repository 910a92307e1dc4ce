import { resolve } from 'node:path';
import { indexVocabulary, vocabularyTree, type VocabularyIndex, type VocabularyTerm } from '../../shared/keyword-vocabulary';
import { vocabularyCounts, type VocabularyImportResult, type VocabularyListing } from '../../shared/vocabulary';
import type { KeywordVocabularyRepository } from '../db/keyword-vocabulary.repo';
import { readVocabularyFile } from './vocabulary-file';

/** The vocabulary as captioning uses it: its terms and the lookups built from them. */
export interface LoadedVocabulary {
  terms: readonly VocabularyTerm[];
  index: VocabularyIndex;
}

const noVocabulary: LoadedVocabulary = { terms: [], index: indexVocabulary([]) };

/**
 * The photographer's keyword vocabulary: imported from a keyword file, listed, cleared, and held
 * in memory for captioning. Another process (the CLI beside `serve`) may import a new one, so the
 * loaded copy is checked against the import's time, one small read, and built again only when it
 * changed: never per photo.
 */
export class KeywordVocabulary {
  private loaded: { importedAt: string | null; vocabulary: LoadedVocabulary } | null = null;

  constructor(
    private readonly repo: KeywordVocabularyRepository,
    private readonly now: () => Date,
  ) {}

  /** Reads the file and makes it the vocabulary in one transaction; a file that cannot be read changes nothing. */
  async importFile(path: string): Promise<VocabularyImportResult> {
    const absolute = resolve(path);
    const { terms, issues } = await readVocabularyFile(absolute);
    const replacedTerms = this.repo.source()?.termCount ?? 0;
    this.repo.replace(terms, absolute, this.now().toISOString());
    return { path: absolute, counts: vocabularyCounts(terms), replacedTerms, issues };
  }

  listing(): VocabularyListing {
    const source = this.repo.source();
    const terms = this.repo.terms();
    return {
      source: source && { path: source.sourcePath, importedAt: source.importedAt },
      counts: vocabularyCounts(terms),
      tree: vocabularyTree(terms),
    };
  }

  /** Forgets the vocabulary; answers how many terms it held. */
  clear(): { removedTerms: number } {
    const removedTerms = this.repo.source()?.termCount ?? 0;
    this.repo.clear();
    return { removedTerms };
  }

  /** The vocabulary as stored now, built again only after an import or clear (by any process). */
  current(): LoadedVocabulary {
    const importedAt = this.repo.importedAt();
    if (this.loaded?.importedAt !== importedAt) {
      const terms = importedAt === null ? [] : this.repo.terms();
      this.loaded = { importedAt, vocabulary: terms.length ? { terms, index: indexVocabulary(terms) } : noVocabulary };
    }
    return this.loaded.vocabulary;
  }
}
