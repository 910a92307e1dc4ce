import type { Database } from 'better-sqlite3';
import type { Migration } from '../migrate';
import { currentCaption, refreshSearchRows } from './0040-search';

/**
 * An edit of a caption in place (approving it, above all) refreshed its photo's search rows
 * twice, once as the old photo and once as the new one, though both are the same photo: approving
 * 10,000 photos took three times as long as it needs to. Only a caption moved to another photo
 * refreshes both now.
 */
export const captionRefreshOnce: Migration = {
  version: 70,
  name: 'caption-refresh-once',
  up(db: Database) {
    db.exec(`
      DROP TRIGGER captions_search_update;
      CREATE TRIGGER captions_search_update
        AFTER UPDATE OF version, title, caption, alt_text, long_description, keywords, status, provider ON captions
        WHEN old.photo_id IS new.photo_id
      BEGIN
        ${currentCaption('new.photo_id')} ${refreshSearchRows('new.photo_id')}
      END;
      CREATE TRIGGER captions_search_move AFTER UPDATE OF photo_id ON captions WHEN old.photo_id IS NOT new.photo_id BEGIN
        ${currentCaption('old.photo_id')} ${refreshSearchRows('old.photo_id')}
        ${currentCaption('new.photo_id')} ${refreshSearchRows('new.photo_id')}
      END;
    `);
  },
};
