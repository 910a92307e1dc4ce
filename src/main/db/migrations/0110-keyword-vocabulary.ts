import type { Database } from 'better-sqlite3';
import type { Migration } from '../migrate';

/**
 * The photographer's keyword vocabulary (a Lightroom keyword export): one row per term in file
 * order, its parent's row, its synonyms, and whether it is written as a keyword (a Lightroom
 * [Category] is not). One vocabulary per library; an import replaces it whole.
 */
export const keywordVocabulary: Migration = {
  version: 110,
  name: 'keyword-vocabulary',
  up(db: Database) {
    db.exec(`
      CREATE TABLE keyword_terms (
        id INTEGER PRIMARY KEY,
        parent_id INTEGER REFERENCES keyword_terms(id) ON DELETE CASCADE,
        name TEXT NOT NULL CHECK (name <> ''),
        -- A JSON array of texts.
        synonyms TEXT NOT NULL DEFAULT '[]' CHECK (json_type(synonyms) = 'array'),
        exported INTEGER NOT NULL DEFAULT 1 CHECK (exported IN (0, 1)),
        CHECK (parent_id < id)
      );
      CREATE INDEX keyword_terms_parent ON keyword_terms(parent_id);
      -- Where the vocabulary came from: the one row exists while a vocabulary is imported.
      CREATE TABLE keyword_vocabulary (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        source_path TEXT NOT NULL,
        imported_at TEXT NOT NULL
      );
    `);
  },
};
