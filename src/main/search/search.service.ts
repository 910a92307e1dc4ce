import type { z } from 'zod';
import type { SearchQuerySchema, SearchResults } from '../../shared/domain';
import type { SearchRepository } from '../db/search.repo';
import { toFtsQuery } from './fts-query';

export class SearchService {
  constructor(private readonly repo: SearchRepository) {}

  search(query: z.output<typeof SearchQuerySchema>): SearchResults {
    const match = toFtsQuery(query.text);
    if (match === null && query.text.trim() !== '') {
      // Only punctuation was typed: nothing can match, and listing everything would surprise.
      return { total: 0, results: [] };
    }
    return this.repo.search({
      match,
      folderId: query.folderId,
      includeMissing: query.includeMissing,
      limit: query.limit,
      offset: query.offset,
    });
  }
}
