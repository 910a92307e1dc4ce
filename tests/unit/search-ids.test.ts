import { describe, expect, it } from 'vitest';
import { SearchIdCache, type SearchIdList } from '../../src/renderer/src/lib/search-ids';

describe('the id list of the current search', () => {
  it('is fetched once per search and fetched again for a new one', async () => {
    const cache = new SearchIdCache();
    const asked: string[] = [];
    const fetchFor = (key: string) => () => {
      asked.push(key);
      return Promise.resolve<SearchIdList>({ ids: [key.length], truncated: false });
    };
    const first = cache.get('kayak#0', fetchFor('kayak#0'));
    expect(cache.get('kayak#0', fetchFor('kayak#0'))).toBe(first);
    expect((await first).ids).toEqual([7]);
    await cache.get('lake#0', fetchFor('lake#0'));
    await cache.get('lake#1', fetchFor('lake#1'));
    expect(asked).toEqual(['kayak#0', 'lake#0', 'lake#1']);
  });

  it('asks again after a failed fetch', async () => {
    const cache = new SearchIdCache();
    await expect(cache.get('a', () => Promise.reject(new Error('Captionist is not running.')))).rejects.toThrow('not running');
    await expect(cache.get('a', () => Promise.resolve({ ids: [1, 2], truncated: true }))).resolves.toEqual({ ids: [1, 2], truncated: true });
  });
});
