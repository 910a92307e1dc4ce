import type { Database, Statement } from 'better-sqlite3';
import { vocabularyTree, type VocabularyNode, type VocabularyTerm } from '../../shared/keyword-vocabulary';
import { statementCache } from './statements';

export interface VocabularySource {
  sourcePath: string;
  importedAt: string;
  termCount: number;
}

/** The keyword vocabulary: row ids are the terms' file order, so a term's index is its id - 1. */
export class KeywordVocabularyRepository {
  private readonly sql: (sql: string) => Statement;

  constructor(private readonly db: Database) {
    this.sql = statementCache(db);
  }

  /** Replaces the whole vocabulary in one transaction: a failed import leaves the old one as it was. */
  replace(terms: readonly VocabularyTerm[], sourcePath: string, importedAt: string): void {
    this.db.transaction(() => {
      this.clearRows();
      const insert = this.sql('INSERT INTO keyword_terms (id, parent_id, name, synonyms, exported) VALUES (?, ?, ?, ?, ?)');
      terms.forEach((term, i) =>
        insert.run(i + 1, term.parent === null ? null : term.parent + 1, term.name, JSON.stringify(term.synonyms), term.exported ? 1 : 0),
      );
      this.sql('INSERT INTO keyword_vocabulary (id, source_path, imported_at) VALUES (1, ?, ?)').run(sourcePath, importedAt);
    })();
  }

  /** The terms in file order, as `parseVocabulary` gives them (for matching and the prompt). */
  terms(): VocabularyTerm[] {
    const rows = this.sql('SELECT parent_id AS parentId, name, synonyms, exported FROM keyword_terms ORDER BY id').all() as {
      parentId: number | null;
      name: string;
      synonyms: string;
      exported: number;
    }[];
    return rows.map((row) => ({
      name: row.name,
      parent: row.parentId === null ? null : row.parentId - 1,
      synonyms: JSON.parse(row.synonyms) as string[],
      exported: row.exported === 1,
    }));
  }

  tree(): VocabularyNode[] {
    return vocabularyTree(this.terms());
  }

  /** Where the vocabulary came from, or null when none is imported. */
  source(): VocabularySource | null {
    const row = this.sql(
      'SELECT source_path AS sourcePath, imported_at AS importedAt, (SELECT count(*) FROM keyword_terms) AS termCount FROM keyword_vocabulary',
    ).get() as VocabularySource | undefined;
    return row ?? null;
  }

  /** When the vocabulary was imported, or null: changes with every import and clear, for caches. */
  importedAt(): string | null {
    return (this.sql('SELECT imported_at FROM keyword_vocabulary').pluck().get() as string | undefined) ?? null;
  }

  clear(): void {
    this.db.transaction(() => this.clearRows())();
  }

  private clearRows(): void {
    this.sql('DELETE FROM keyword_terms').run();
    this.sql('DELETE FROM keyword_vocabulary').run();
  }
}
