import type { Database } from 'better-sqlite3';
import type { Migration } from '../migrate';

/**
 * A vector made from the caption in the photo's file goes when that caption changes (another app
 * wrote the file, and it was indexed again), with its code (0190 logs the removal): until now it
 * stayed, counted as current (its caption id is NULL, as the photo's is), so the photo was never
 * embedded again and searches by meaning ranked it by the old words. The photo is then waiting, and
 * the embed job that 0150's `embed_file_caption` queues in the same statement embeds it anew.
 */
export const fileCaptionVectors: Migration = {
  version: 200,
  name: 'file-caption-vectors',
  up(db: Database) {
    db.exec(`
      CREATE TRIGGER file_caption_vector_stale AFTER UPDATE OF embedded_caption, embedded_title, embedded_keywords ON photos
        WHEN new.embedded_caption IS NOT old.embedded_caption
          OR new.embedded_title IS NOT old.embedded_title OR new.embedded_keywords IS NOT old.embedded_keywords
        BEGIN
          DELETE FROM photo_embeddings WHERE photo_id = new.id AND caption_id IS NULL;
        END;
    `);
  },
};
