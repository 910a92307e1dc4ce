import type { Database } from 'better-sqlite3';
import type { Migration } from '../migrate';
import { countInDir, currentCaption, refreshSearchRows, uncountInDir } from './0040-search';

/** The place's words in a photo's search document: local and ASCII spelling, region, country. */
const placeText = "concat_ws(' ', p.place_name, p.place_ascii_name, p.place_region, p.place_country)";

/**
 * Places named from GPS, offline: the nearest town (local and ASCII-folded spelling), its region,
 * country and ISO code, and how far the photo was from it; NULL when the photo has no GPS, was
 * taken at sea or place names are off. `own_location` records whether the file itself held a
 * location (city, region, country or sub-location), which a named place must never overrule.
 * The place joins the search document's folder column (where the photo is), so every trigger that
 * builds the document is made again with it.
 */
export const photoPlaces: Migration = {
  version: 120,
  name: 'photo-places',
  up(db: Database) {
    const refresh = (photoId: string) => refreshSearchRows(photoId, placeText);
    db.exec(`
      ALTER TABLE photos ADD COLUMN place_name TEXT;
      ALTER TABLE photos ADD COLUMN place_ascii_name TEXT;
      ALTER TABLE photos ADD COLUMN place_region TEXT;
      ALTER TABLE photos ADD COLUMN place_country TEXT;
      ALTER TABLE photos ADD COLUMN place_country_code TEXT;
      ALTER TABLE photos ADD COLUMN place_distance_km REAL;
      ALTER TABLE photos ADD COLUMN own_location INTEGER NOT NULL DEFAULT 0 CHECK (own_location IN (0, 1));

      DROP TRIGGER photos_search_insert;
      DROP TRIGGER photos_search_update;
      DROP TRIGGER captions_search_insert;
      DROP TRIGGER captions_search_update;
      DROP TRIGGER captions_search_move;
      DROP TRIGGER captions_search_delete;

      CREATE TRIGGER photos_search_insert AFTER INSERT ON photos BEGIN
        ${countInDir('new')} ${refresh('new.id')}
      END;
      CREATE TRIGGER photos_search_update
        AFTER UPDATE OF folder_id, path, rel_path, file_name, status, captured_at, embedded_title,
                        embedded_caption, embedded_alt_text, embedded_keywords,
                        place_name, place_ascii_name, place_region, place_country ON photos
      BEGIN
        ${uncountInDir('old')} ${countInDir('new')} ${refresh('new.id')}
      END;
      CREATE TRIGGER captions_search_insert AFTER INSERT ON captions BEGIN
        ${currentCaption('new.photo_id')} ${refresh('new.photo_id')}
      END;
      CREATE TRIGGER captions_search_update
        AFTER UPDATE OF version, title, caption, alt_text, long_description, keywords, status, provider ON captions
        WHEN old.photo_id IS new.photo_id
      BEGIN
        ${currentCaption('new.photo_id')} ${refresh('new.photo_id')}
      END;
      CREATE TRIGGER captions_search_move AFTER UPDATE OF photo_id ON captions WHEN old.photo_id IS NOT new.photo_id BEGIN
        ${currentCaption('old.photo_id')} ${refresh('old.photo_id')}
        ${currentCaption('new.photo_id')} ${refresh('new.photo_id')}
      END;
      CREATE TRIGGER captions_search_delete AFTER DELETE ON captions BEGIN
        ${currentCaption('old.photo_id')} ${refresh('old.photo_id')}
      END;
    `);
  },
};
