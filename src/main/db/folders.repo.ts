import type { Database, Statement } from 'better-sqlite3';
import { statementCache } from './statements';
import { CaptionOptionOverridesSchema } from '../../shared/captioning';
import type { CaptionOptionOverrides } from '../../shared/captioning';
import type { Folder } from '../../shared/domain';

interface FolderRow {
  id: number;
  path: string;
  name: string;
  auto_caption_provider: string | null;
  caption_options: string;
  added_at: string;
  last_indexed_at: string | null;
  photo_count: number;
  missing_count: number;
}

// From the per-folder counts the triggers keep (a few thousand rows, read once), not a count of the photos.
const selectFolders = `
  SELECT f.*, coalesce(d.present, 0) AS photo_count, coalesce(d.missing, 0) AS missing_count
  FROM folders f
  LEFT JOIN (SELECT folder_id, sum(present) AS present, sum(missing) AS missing FROM photo_dirs GROUP BY folder_id) d
    ON d.folder_id = f.id`;

/** Stored options that no longer validate (an older version's, say) fall back to none. */
function parseCaptionOptions(json: string): CaptionOptionOverrides {
  return CaptionOptionOverridesSchema.catch({}).parse(JSON.parse(json));
}

function toFolder(row: FolderRow): Folder {
  return {
    id: row.id,
    path: row.path,
    name: row.name,
    autoCaptionProvider: row.auto_caption_provider,
    captionOptions: parseCaptionOptions(row.caption_options),
    addedAt: row.added_at,
    lastIndexedAt: row.last_indexed_at,
    photoCount: row.photo_count,
    missingCount: row.missing_count,
  };
}

export class FoldersRepository {
  private readonly sql: (sql: string) => Statement;

  constructor(private readonly db: Database) {
    this.sql = statementCache(db);
  }

  list(): Folder[] {
    const rows = this.sql(`${selectFolders} ORDER BY f.path`).all() as FolderRow[];
    return rows.map(toFolder);
  }

  count(): number {
    return this.sql('SELECT count(*) FROM folders').pluck().get() as number;
  }

  get(id: number): Folder | undefined {
    const row = this.sql(`${selectFolders} WHERE f.id = ?`).get(id) as FolderRow | undefined;
    return row && toFolder(row);
  }

  insert(path: string, name: string, addedAt: string): number {
    const result = this.sql('INSERT INTO folders (path, name, added_at) VALUES (?, ?, ?)')
      .run(path, name, addedAt);
    return Number(result.lastInsertRowid);
  }

  delete(id: number): void {
    this.sql('DELETE FROM folders WHERE id = ?').run(id);
  }

  /** The folder's caption defaults alone: cheap enough to read once per photo of a run. */
  captionOptions(id: number): CaptionOptionOverrides {
    const json = this.sql('SELECT caption_options FROM folders WHERE id = ?').pluck().get(id) as string | undefined;
    return json === undefined ? {} : parseCaptionOptions(json);
  }

  setCaptionOptions(id: number, options: CaptionOptionOverrides): void {
    this.sql('UPDATE folders SET caption_options = ? WHERE id = ?').run(JSON.stringify(options), id);
  }

  setAutoCaptionProvider(id: number, provider: string | null): void {
    this.sql('UPDATE folders SET auto_caption_provider = ? WHERE id = ?').run(provider, id);
  }

  markIndexed(id: number, at: string): void {
    this.sql('UPDATE folders SET last_indexed_at = ? WHERE id = ?').run(at, id);
  }
}
