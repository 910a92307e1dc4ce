import type { z } from 'zod';
import type { SavedSearch, SearchCriteriaSchema, SearchResults } from '../../shared/domain';
import type { SavedSearchesRepository } from '../db/saved-searches.repo';
import { UserError } from '../base/errors';
import type { SearchService } from './search.service';

/** Smart albums: named searches, run again each time they are opened, so they stay current. */
export class SavedSearchesService {
  constructor(
    private readonly repo: SavedSearchesRepository,
    private readonly search: SearchService,
    private readonly now: () => Date,
  ) {}

  list(): SavedSearch[] {
    return this.repo.list();
  }

  /** Saves a search under a name; saving again under the same name replaces its criteria. */
  save(name: string, criteria: z.output<typeof SearchCriteriaSchema>): SavedSearch {
    return this.repo.save(name, criteria, this.now().toISOString());
  }

  rename(id: number, name: string): SavedSearch {
    const saved = this.get(id);
    const other = this.repo.findByName(name);
    if (other && other.id !== id) throw new UserError(`There is already a saved search named "${other.name}".`);
    this.repo.rename(saved.id, name, this.now().toISOString());
    return this.get(id);
  }

  delete(id: number): void {
    if (!this.repo.delete(id)) throw new UserError(`There is no saved search with id ${id}.`);
  }

  run(id: number, page: { limit: number; offset: number }): SearchResults {
    return this.search.search({ ...this.get(id).criteria, ...page });
  }

  private get(id: number): SavedSearch {
    const saved = this.repo.get(id);
    if (!saved) throw new UserError(`There is no saved search with id ${id}.`);
    return saved;
  }
}
