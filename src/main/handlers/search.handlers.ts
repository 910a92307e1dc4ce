import { maxPhotoIds } from '../../shared/limits';
import type { PhotosRepository } from '../db/photos.repo';
import type { ReviewService } from '../captions/review.service';
import type { SavedSearchesService } from '../search/saved-searches.service';
import type { SearchService } from '../search/search.service';
import type { MeaningSearch } from '../search/meaning-search';
import type { DomainHandlers } from './handler-table';

export interface SearchHandlersDeps {
  search: SearchService;
  meaningSearch: MeaningSearch;
  savedSearches: SavedSearchesService;
  photos: PhotosRepository;
  review: ReviewService;
}

/** Finding photos: searches, saved searches (albums), a photo's details and a selection's summary. */
export function searchHandlers(deps: SearchHandlersDeps): DomainHandlers<'photos' | 'search'> {
  const { search, savedSearches } = deps;
  return {
    'photos:search': async (query) => deps.meaningSearch.search(query),
    'photos:ids': async (criteria) => search.ids(criteria, maxPhotoIds),
    'photos:selectionSummary': async ({ photoIds }) => deps.photos.selectionSummary(photoIds),
    'photos:get': async ({ id }) => deps.review.get(id),
    'photos:folderCounts': async (criteria) => search.folderCounts(criteria),
    'search:listSaved': async () => savedSearches.list(),
    'search:save': async ({ name, criteria }) => savedSearches.save(name, criteria),
    'search:renameSaved': async ({ id, name }) => savedSearches.rename(id, name),
    'search:deleteSaved': async ({ id }) => {
      savedSearches.delete(id);
      return null;
    },
    'search:runSaved': async ({ id, ...page }) => savedSearches.run(id, page),
  };
}
