import type { Database } from 'better-sqlite3';
import { SearchCriteriaSchema } from '../../shared/domain';
import type { SavedSearch } from '../../shared/domain';

interface SavedSearchRow {
  id: number;
  name: string;
  query: string;
  created_at: string;
  updated_at: string;
}

/** A stored query that no longer validates (an older version's, say) becomes an empty search. */
function toSavedSearch(row: SavedSearchRow): SavedSearch {
  return {
    id: row.id,
    name: row.name,
    criteria: SearchCriteriaSchema.catch(SearchCriteriaSchema.parse({})).parse(JSON.parse(row.query)),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class SavedSearchesRepository {
  constructor(private readonly db: Database) {}

  list(): SavedSearch[] {
    const rows = this.db.prepare('SELECT * FROM saved_searches ORDER BY name COLLATE NOCASE').all() as SavedSearchRow[];
    return rows.map(toSavedSearch);
  }

  get(id: number): SavedSearch | undefined {
    const row = this.db.prepare('SELECT * FROM saved_searches WHERE id = ?').get(id) as SavedSearchRow | undefined;
    return row && toSavedSearch(row);
  }

  findByName(name: string): SavedSearch | undefined {
    const row = this.db.prepare('SELECT * FROM saved_searches WHERE name = ?').get(name) as SavedSearchRow | undefined;
    return row && toSavedSearch(row);
  }

  /** Saves under `name`, replacing the query of a saved search of that name (in any case). */
  save(name: string, criteria: SavedSearch['criteria'], at: string): SavedSearch {
    this.db
      .prepare(
        `INSERT INTO saved_searches (name, query, created_at, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET query = excluded.query, updated_at = excluded.updated_at`,
      )
      .run(name, JSON.stringify(criteria), at, at);
    return this.findByName(name)!;
  }

  rename(id: number, name: string, at: string): void {
    this.db.prepare('UPDATE saved_searches SET name = ?, updated_at = ? WHERE id = ?').run(name, at, id);
  }

  delete(id: number): boolean {
    return this.db.prepare('DELETE FROM saved_searches WHERE id = ?').run(id).changes > 0;
  }
}
