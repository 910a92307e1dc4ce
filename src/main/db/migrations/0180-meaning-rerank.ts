import type { Database } from 'better-sqlite3';
import type { Migration } from '../migrate';

/**
 * Search by meaning within 50 ms at a million photos (src/main/search/vector-index.ts):
 *
 * - `photos_missing`: the missing photos, which every unfiltered search leaves out, found without
 *   reading the whole photos table (50 ms at a million photos).
 * - `embedding_code_stale`: a photo's sign code goes when its caption changes away from the one
 *   embedded, so that the index, which ranks most of its answer from codes in memory, can tell a
 *   stale vector by a look at the small codes table. Its new caption's vector brings a new code.
 *
 * Codes stored before are short (256 bits); the embeddings service lengthens them to 1,024 bits from
 * the stored vectors in the background, a chunk at a time (`EmbeddingsRepository.lengthenCodes`),
 * rather than here, where a million would hold the app's start for about a minute.
 */
export const meaningRerank: Migration = {
  version: 180,
  name: 'meaning-rerank',
  up(db: Database) {
    db.exec(`
      CREATE INDEX photos_missing ON photos(id) WHERE status = 'missing';
      CREATE TRIGGER embedding_code_stale AFTER UPDATE OF current_caption_id ON photos
        WHEN new.current_caption_id IS NOT old.current_caption_id
        BEGIN
          DELETE FROM embedding_codes WHERE photo_id = new.id
            AND (SELECT caption_id FROM photo_embeddings WHERE photo_id = new.id) IS NOT new.current_caption_id;
        END;
    `);
  },
};
