import type { Database, Statement } from 'better-sqlite3';
import { selectionFilter } from './photo-selection';
import type { PhotoSelection } from './photo-selection';
import { currentCaption, summaryColumns, toSummary } from './photo-summary';
import type { SummaryRow } from './photo-summary';
import { statementCache } from './statements';
import type { CaptionStatus, CaptureFacts, PhotoStatus, PhotoSummary, SelectionSummary } from '../../shared/domain';
import type { Place } from '../../shared/places';

/** Everything the indexer learns about a file; stored as one photo row. */
export interface PhotoRecord extends CaptureFacts {
  folderId: number;
  path: string;
  relPath: string;
  fileName: string;
  fileType: string;
  mimeType: string | null;
  size: number;
  mtimeMs: number;
  fingerprint: string;
  hasThumbnail: boolean;
  embeddedTitle: string | null;
  embeddedCaption: string | null;
  embeddedAltText: string | null;
  embeddedKeywords: string[];
  indexedAt: string;
  /** Named from the GPS; null without GPS, at sea, or with place names off. */
  place: Place | null;
  /** Whether the file holds a location of its own (city, region, country, sub-location). */
  ownLocation: boolean;
}

/** The little the indexer needs to decide whether a known file changed. */
export interface KnownPhoto {
  id: number;
  path: string;
  size: number;
  mtimeMs: number;
  fingerprint: string;
  status: PhotoStatus;
}

const placeColumns = `place_name = @placeName, place_ascii_name = @placeAsciiName, place_region = @placeRegion,
  place_country = @placeCountry, place_country_code = @placeCountryCode, place_distance_km = @placeDistanceKm`;

const recordColumns = `
  folder_id = @folderId, path = @path, rel_path = @relPath, file_name = @fileName,
  file_type = @fileType, mime_type = @mimeType, size = @size, mtime_ms = @mtimeMs,
  fingerprint = @fingerprint, has_thumbnail = @hasThumbnail, width = @width, height = @height,
  orientation = @orientation, captured_at = @capturedAt, camera_make = @cameraMake,
  camera_model = @cameraModel, lens = @lens, gps_latitude = @gpsLatitude,
  gps_longitude = @gpsLongitude, gps_altitude = @gpsAltitude, embedded_title = @embeddedTitle,
  embedded_caption = @embeddedCaption, embedded_alt_text = @embeddedAltText,
  embedded_keywords = @embeddedKeywords, indexed_at = @indexedAt,
  status = 'present', missing_since = NULL, ${placeColumns}, own_location = @ownLocation`;

/** What captioning needs to know of a photo. */
export interface CaptionTarget {
  id: number;
  path: string;
  fileName: string;
  fingerprint: string;
  width: number | null;
  height: number | null;
  capturedAt: string | null;
  status: PhotoStatus;
  folderId: number;
  /** The place named from the GPS, when there is one (null name: none). */
  placeName: string | null;
  placeRegion: string | null;
  placeCountry: string | null;
}

const captionTargetColumns = `p.id, p.path, p.file_name AS fileName, p.fingerprint, p.width, p.height,
  p.captured_at AS capturedAt, p.status, p.folder_id AS folderId,
  p.place_name AS placeName, p.place_region AS placeRegion, p.place_country AS placeCountry`;

/** A photo as the inspector shows it, before its caption history is added. */
export interface PhotoDetailRow extends PhotoSummary {
  folderId: number;
  fileSize: number;
  orientation: number | null;
  cameraMake: string | null;
  cameraModel: string | null;
  lens: string | null;
  gpsLatitude: number | null;
  gpsLongitude: number | null;
  embedded: { title: string | null; caption: string | null; altText: string | null; keywords: string[] };
  place: Place | null;
  /** The newest caption version of ours, when there is one: the fields a summary leaves out. */
  current: { altText: string | null; longDescription: string | null } | null;
}

interface DetailRow extends SummaryRow {
  folder_id: number;
  size: number;
  orientation: number | null;
  camera_make: string | null;
  camera_model: string | null;
  lens: string | null;
  gps_latitude: number | null;
  gps_longitude: number | null;
  embedded_title: string | null;
  embedded_caption: string | null;
  embedded_alt_text: string | null;
  embedded_keywords: string;
  place_name: string | null;
  place_ascii_name: string;
  place_region: string | null;
  place_country: string;
  place_country_code: string;
  place_distance_km: number;
  caption_id: number | null;
  caption_alt_text: string | null;
  caption_long_description: string | null;
}

function toDetail(row: DetailRow): PhotoDetailRow {
  return {
    ...toSummary(row),
    folderId: row.folder_id,
    fileSize: row.size,
    orientation: row.orientation,
    cameraMake: row.camera_make,
    cameraModel: row.camera_model,
    lens: row.lens,
    gpsLatitude: row.gps_latitude,
    gpsLongitude: row.gps_longitude,
    embedded: {
      title: row.embedded_title,
      caption: row.embedded_caption,
      altText: row.embedded_alt_text,
      keywords: JSON.parse(row.embedded_keywords) as string[],
    },
    place:
      row.place_name === null
        ? null
        : {
            name: row.place_name,
            asciiName: row.place_ascii_name,
            region: row.place_region,
            country: row.place_country,
            countryCode: row.place_country_code,
            distanceKm: row.place_distance_km,
          },
    current: row.caption_id === null ? null : { altText: row.caption_alt_text, longDescription: row.caption_long_description },
  };
}

const knownColumns = 'id, path, size, mtime_ms AS mtimeMs, fingerprint, status';

function toParams({ place, ...record }: PhotoRecord) {
  return {
    ...record,
    ...placeParams(place),
    hasThumbnail: record.hasThumbnail ? 1 : 0,
    embeddedKeywords: JSON.stringify(record.embeddedKeywords),
    ownLocation: record.ownLocation ? 1 : 0,
  };
}

function placeParams(place: Place | null) {
  return {
    placeName: place?.name ?? null,
    placeAsciiName: place?.asciiName ?? null,
    placeRegion: place?.region ?? null,
    placeCountry: place?.country ?? null,
    placeCountryCode: place?.countryCode ?? null,
    placeDistanceKm: place?.distanceKm ?? null,
  };
}

export class PhotosRepository {
  private readonly insertStatement;
  private readonly updateStatement;
  private readonly byPathStatement;
  private readonly sql: (sql: string) => Statement;

  constructor(private readonly db: Database) {
    this.sql = statementCache(db);
    // The INSERT is built from the UPDATE's column list, so the two cannot drift apart.
    const columns = recordColumns.split(',').map((pair) => pair.split('=').map((s) => s.trim()));
    this.insertStatement = db.prepare(
      `INSERT INTO photos (${columns.map(([column]) => column).join(', ')})
       VALUES (${columns.map(([, value]) => value).join(', ')})`,
    );
    this.updateStatement = db.prepare(`UPDATE photos SET ${recordColumns} WHERE id = @id`);
    this.byPathStatement = db.prepare(`SELECT ${knownColumns} FROM photos WHERE path = ?`);
  }

  insert(record: PhotoRecord): number {
    return Number(this.insertStatement.run(toParams(record)).lastInsertRowid);
  }

  /** Replaces a photo's file facts, keeping its id and so its captions and jobs. */
  update(id: number, record: PhotoRecord): void {
    this.updateStatement.run({ ...toParams(record), id });
  }

  /** Clears every stored place (place names turned off); the GPS and `own_location` stay. */
  forgetPlaces(): void {
    this.sql(`UPDATE photos SET ${placeColumns.replace(/@\w+/g, 'NULL')} WHERE place_name IS NOT NULL`).run();
  }

  /**
   * Photos of a folder at or below `pathPrefix` whose GPS, a position on Earth other than 0,0, has
   * no place stored: indexed before places were named, or while place names were off.
   */
  unnamedPlacesUnder(folderId: number, pathPrefix: string): { id: number; path: string; latitude: number; longitude: number }[] {
    return this.sql(
        `SELECT id, path, gps_latitude AS latitude, gps_longitude AS longitude FROM photos
         WHERE folder_id = ? AND substr(path, 1, length(?)) = ? AND place_name IS NULL
           AND abs(gps_latitude) <= 90 AND abs(gps_longitude) <= 180 AND NOT (gps_latitude = 0 AND gps_longitude = 0)`,
      )
      .all(folderId, pathPrefix, pathPrefix) as { id: number; path: string; latitude: number; longitude: number }[];
  }

  setPlace(id: number, place: Place): void {
    this.sql(`UPDATE photos SET ${placeColumns} WHERE id = @id`).run({ ...placeParams(place), id });
  }

  findByPath(path: string): KnownPhoto | undefined {
    return this.byPathStatement.get(path) as KnownPhoto | undefined;
  }

  /** Photos of a folder at or below `pathPrefix` (the folder path, or a subfolder ending in a separator). */
  knownUnder(folderId: number, pathPrefix: string): KnownPhoto[] {
    return this.sql(
        `SELECT ${knownColumns} FROM photos
         WHERE folder_id = ? AND substr(path, 1, length(?)) = ?`,
      )
      .all(folderId, pathPrefix, pathPrefix) as KnownPhoto[];
  }

  /** Photos with this content, each with the path of its library folder. */
  withFingerprint(fingerprint: string): (KnownPhoto & { folderPath: string })[] {
    return this.sql(
        `SELECT p.id, p.path, p.size, p.mtime_ms AS mtimeMs, p.fingerprint, p.status, f.path AS folderPath
         FROM photos p JOIN folders f ON f.id = p.folder_id WHERE p.fingerprint = ?`,
      )
      .all(fingerprint) as (KnownPhoto & { folderPath: string })[];
  }

  /**
   * Whether this content is a copy Captionist is swapping into the photo's file (or did, and was
   * stopped before recording it): the writer records it, so the indexer leaves it alone.
   */
  isBeingRewritten(photoId: number, fingerprint: string): boolean {
    return this.sql('SELECT 1 FROM metadata_write_intents WHERE photo_id = ? AND fingerprint_after = ? LIMIT 1').get(photoId, fingerprint) !== undefined;
  }

  isFingerprintUsed(fingerprint: string): boolean {
    return this.sql('SELECT 1 FROM photos WHERE fingerprint = ? LIMIT 1').get(fingerprint) !== undefined;
  }

  markMissing(ids: readonly number[], at: string): void {
    const statement = this.sql(
      `UPDATE photos SET status = 'missing', missing_since = ? WHERE id = ? AND status = 'present'`,
    );
    this.db.transaction(() => {
      for (const id of ids) statement.run(at, id);
    })();
  }

  /**
   * Takes up to `limit` photos of a folder out of the library, their captions, jobs and write
   * records with them (by cascade); returns how many went. The files are not touched.
   */
  deleteSomeInFolder(folderId: number, limit: number): number {
    return this.sql('DELETE FROM photos WHERE id IN (SELECT id FROM photos WHERE folder_id = ? LIMIT ?)')
      .run(folderId, limit).changes;
  }

  /** Hands every photo of one folder to another (a parent folder added later absorbs it). */
  reparent(fromFolderId: number, toFolderId: number, relPathPrefix: string): void {
    this.sql('UPDATE photos SET folder_id = ?, rel_path = ? || rel_path WHERE folder_id = ?')
      .run(toFolderId, relPathPrefix, fromFolderId);
  }

  /** From the counts the triggers keep: counting a million photos takes a tenth of a second. */
  counts(): { photos: number; missing: number; captioned: number } {
    return this.sql(
        `SELECT
           coalesce(sum(present), 0) AS photos,
           coalesce(sum(missing), 0) AS missing,
           (SELECT captioned FROM library_totals) AS captioned
         FROM photo_dirs`,
      )
      .get() as { photos: number; missing: number; captioned: number };
  }

  /** The photo with its newest caption (`photos.current_caption_id`, as search reads it). */
  detail(id: number): PhotoDetailRow | undefined {
    const row = this.sql(
        `SELECT ${summaryColumns}, p.folder_id, p.size, p.orientation, p.camera_make, p.camera_model, p.lens,
           p.gps_latitude, p.gps_longitude, p.embedded_title, p.embedded_caption, p.embedded_alt_text, p.embedded_keywords,
           p.place_name, p.place_ascii_name, p.place_region, p.place_country, p.place_country_code, p.place_distance_km,
           c.id AS caption_id, c.alt_text AS caption_alt_text, c.long_description AS caption_long_description
         FROM photos p ${currentCaption}
         WHERE p.id = ?`,
      )
      .get(id) as DetailRow | undefined;
    return row && toDetail(row);
  }

  /** What these photos are: gone from the library, missing, or by their newest caption's status. */
  selectionSummary(photoIds: readonly number[]): SelectionSummary {
    const rows = this.sql(
        `SELECT s.value AS id, p.status, c.status AS captionStatus FROM json_each(?) s
         LEFT JOIN photos p ON p.id = s.value LEFT JOIN captions c ON c.id = p.current_caption_id`,
      )
      .raw()
      .all(JSON.stringify(photoIds)) as [number, PhotoStatus | null, CaptionStatus | null][];
    const summary: SelectionSummary = { gone: [], missing: 0, draft: 0, approved: 0, written: 0, none: 0 };
    for (const [id, status, captionStatus] of rows) {
      if (status === null) summary.gone.push(id);
      else if (status === 'missing') summary.missing++;
      else summary[captionStatus ?? 'none']++;
    }
    return summary;
  }

  folderIdOf(id: number): number | undefined {
    return (this.sql('SELECT folder_id AS folderId FROM photos WHERE id = ?').get(id) as { folderId: number } | undefined)?.folderId;
  }

  captionTarget(id: number): CaptionTarget | undefined {
    return this.sql(`SELECT ${captionTargetColumns} FROM photos p WHERE p.id = ?`)
      .get(id) as CaptionTarget | undefined;
  }

  /**
   * Present photos in the selection, without a caption of ours unless `includeCaptioned`. In path
   * order, so a run works through folders as the user sees them.
   */
  awaitingCaption(selection: PhotoSelection, includeCaptioned: boolean): CaptionTarget[] {
    const filter = selectionFilter(selection);
    return this.sql(
        `SELECT ${captionTargetColumns} FROM photos p
         WHERE p.status = 'present' ${filter.sql}
           ${includeCaptioned ? '' : 'AND NOT EXISTS (SELECT 1 FROM captions c WHERE c.photo_id = p.id)'}
         ORDER BY p.path`,
      )
      .all(...filter.params) as CaptionTarget[];
  }

  /** Those of these photos that are present and have no caption of ours yet. */
  withoutCaption(photoIds: readonly number[]): number[] {
    const statement = this.sql(
      `SELECT id FROM photos p WHERE id = ? AND status = 'present' AND NOT EXISTS (SELECT 1 FROM captions c WHERE c.photo_id = p.id)`,
    );
    return photoIds.filter((id) => statement.get(id) !== undefined);
  }
}
