import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateLibrary, libraryRoot } from '../../bench/search-library';
import { openDatabase } from '../../src/main/db/database';
import { SearchRepository } from '../../src/main/db/search.repo';
import { SearchService } from '../../src/main/search/search.service';
import { SearchCriteriaSchema } from '../../src/shared/domain';
import type { SearchCriteria } from '../../src/shared/domain';
import { tempDir } from '../helpers/files';

describe("a filter's photos as a set (what a search by meaning may return)", () => {
  it('are the photos the same filter lists newest first, every kind of filter, however many', () => {
    const db = openDatabase(join(tempDir(), 'library.db'));
    generateLibrary(db, { photos: 3_000, folders: 3, seed: 7 });
    const service = new SearchService(new SearchRepository(db));
    const folder = db.prepare('SELECT path FROM folders ORDER BY id LIMIT 1').pluck().get() as string;
    const subfolder = db.prepare('SELECT dir FROM photo_dirs WHERE dir LIKE ? ORDER BY id LIMIT 1').pluck().get(`${folder}/%/`) as string;
    const filters: SearchCriteria[] = [
      {},
      { includeMissing: true },
      { onlyMissing: true },
      { folderId: 2 },
      { folder },
      { folder: subfolder },
      { folder: join(libraryRoot, 'nowhere') },
      { from: '2018', to: '2018' },
      { from: '2018-03-15' },
      { to: '2017-06' },
      { captionStatus: 'draft' },
      { provider: 'openai', hasCaption: true },
      { hasCaption: false },
      { camera: 'canon' },
      { keyword: 'beach' },
      { fileType: 'nef', includeMissing: true },
      { orientation: 'portrait', from: '2019', folderId: 1 },
      { captionStatus: 'approved', onlyMissing: true },
    ];
    const sizes: number[] = [];
    for (const filter of filters) {
      const criteria = SearchCriteriaSchema.parse({ ...filter, sort: 'date' });
      const listed = service.ids(criteria, 1_000_000).ids.sort((a, b) => a - b);
      expect(service.filteredIds(criteria).sort((a, b) => a - b), JSON.stringify(filter)).toEqual(listed);
      sizes.push(listed.length);
    }
    // The filters keep from none to nearly every photo.
    expect(Math.min(...sizes)).toBe(0);
    expect(Math.max(...sizes)).toBeGreaterThan(2_900);
    expect(sizes.filter((size) => size > 0 && size < 2_900).length).toBeGreaterThan(10);
    db.close();
  });
});
