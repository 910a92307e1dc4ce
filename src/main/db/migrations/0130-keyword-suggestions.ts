import type { Database } from 'better-sqlite3';
import type { Migration } from '../migrate';

/**
 * A generated caption's keyword suggestions: what the model suggested that matches nothing in the
 * photographer's vocabulary, kept (under the `suggest` setting) to be shown, never written.
 */
export const keywordSuggestions: Migration = {
  version: 130,
  name: 'keyword-suggestions',
  up(db: Database) {
    db.exec(`
      ALTER TABLE captions ADD COLUMN keyword_suggestions TEXT NOT NULL DEFAULT '[]'
        CHECK (json_type(keyword_suggestions) = 'array');
    `);
  },
};
