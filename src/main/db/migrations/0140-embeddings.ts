import type { Database } from 'better-sqlite3';
import type { Migration } from '../migrate';

/**
 * Search by meaning. `embedding_model` is the one provider and model the library embeds with
 * (its dimensions known after the first answer); `photo_embeddings` holds one unit-length float32
 * vector per photo, of the caption version it was made from, and goes with its photo or caption.
 * `query_embeddings` caches what searches cost. Choosing another provider or model empties both,
 * since vectors of two models cannot be compared.
 */
export const embeddings: Migration = {
  version: 140,
  name: 'embeddings',
  up(db: Database) {
    db.exec(`
      CREATE TABLE embedding_model (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        provider TEXT NOT NULL,
        model TEXT NOT NULL CHECK (model <> ''),
        dimensions INTEGER CHECK (dimensions > 0),
        chosen_at TEXT NOT NULL
      );
      CREATE TABLE photo_embeddings (
        photo_id INTEGER PRIMARY KEY REFERENCES photos(id) ON DELETE CASCADE,
        -- NULL: made from the caption embedded in the file.
        caption_id INTEGER REFERENCES captions(id) ON DELETE CASCADE,
        vector BLOB NOT NULL
      );
      CREATE TABLE query_embeddings (
        text TEXT PRIMARY KEY,
        vector BLOB NOT NULL
      );
      CREATE TRIGGER embedding_model_changed AFTER UPDATE ON embedding_model
        WHEN old.provider IS NOT new.provider OR old.model IS NOT new.model
        BEGIN
          DELETE FROM photo_embeddings;
          DELETE FROM query_embeddings;
        END;
      CREATE TRIGGER embedding_model_removed AFTER DELETE ON embedding_model
        BEGIN
          DELETE FROM photo_embeddings;
          DELETE FROM query_embeddings;
        END;
    `);
  },
};
