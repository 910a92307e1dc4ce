import { describe, expect, it } from 'vitest';
import { SearchCriteriaSchema } from '../../src/shared/domain';
import {
  activeFilterCount,
  countText,
  criteriaFrom,
  emptyFilters,
  filterErrors,
  initialSearch,
  searchStateFrom,
} from '../../src/renderer/src/lib/search-criteria';

describe('criteria from the filter panel', () => {
  it('leaves out empty fields and sends only what narrows the search', () => {
    expect(criteriaFrom(initialSearch)).toEqual({ text: '', sort: 'relevance' });
  });

  it('builds criteria the contract accepts from every filter', () => {
    const criteria = criteriaFrom({
      text: 'puffin',
      sort: 'date',
      scope: { kind: 'path', path: '/photos/2024/Iceland' },
      filters: {
        from: '2024-06',
        to: ' 2024-08-31 ',
        camera: ' R5 ',
        lens: '',
        hasCaption: 'no',
        captionStatus: 'draft',
        provider: 'local',
        keyword: 'birds',
        orientation: 'portrait',
        fileType: 'NEF',
        missing: 'include',
      },
    });
    expect(criteria).toEqual({
      text: 'puffin',
      sort: 'date',
      folder: '/photos/2024/Iceland',
      from: '2024-06',
      to: '2024-08-31',
      camera: 'R5',
      hasCaption: false,
      captionStatus: 'draft',
      provider: 'local',
      keyword: 'birds',
      orientation: 'portrait',
      fileType: 'NEF',
      includeMissing: true,
    });
    expect(SearchCriteriaSchema.safeParse(criteria).success).toBe(true);
  });

  it('ignores a date still being typed and says what is wrong with it', () => {
    const filters = { ...emptyFilters, from: '2024-0', to: '2023-02-29' };
    expect(criteriaFrom({ ...initialSearch, filters })).toEqual({ text: '', sort: 'relevance' });
    expect(filterErrors(filters)).toEqual({
      from: 'Use a date such as 2024-06-01, 2024-06 or 2024.',
      to: 'There is no such date.',
    });
    expect(filterErrors({ ...emptyFilters, from: '2024', to: '2024-02-29' })).toEqual({});
  });

  it('turns a smart album back into the same search', () => {
    const state = {
      text: 'harbour',
      sort: 'date' as const,
      scope: { kind: 'folder' as const, folderId: 3 },
      filters: { ...emptyFilters, hasCaption: 'yes' as const, missing: 'only' as const, orientation: 'square' as const },
    };
    const criteria = criteriaFrom(state);
    expect(criteria).toMatchObject({ folderId: 3, hasCaption: true, onlyMissing: true });
    expect(searchStateFrom(SearchCriteriaSchema.parse(criteria))).toEqual(state);
    expect(activeFilterCount(state.filters)).toBe(3);
  });
});

describe('count text', () => {
  it('counts photos, marks an inexact count and explains an empty result', () => {
    expect(countText(1234, true, initialSearch)).toBe('1,234 photos');
    expect(countText(1, true, initialSearch)).toBe('1 photo');
    expect(countText(10_000, false, initialSearch)).toBe('10,000+ photos');
    expect(countText(0, true, { text: ' fjord ', filters: emptyFilters })).toBe('No photos match “fjord”.');
    expect(countText(0, true, { text: '', filters: { ...emptyFilters, camera: 'R5' } })).toBe('No photos match these filters.');
  });
});
