import { describe, expect, it } from 'vitest';
import { dateRangeFacet, dayOf } from '../../src/main/db/facets';

describe('date facets', () => {
  it('reads a year, a month or a day as the first or last day it covers', () => {
    expect(dayOf('2024', false)).toEqual({ year: 2024, month: 1, day: 1 });
    expect(dayOf('2024', true)).toEqual({ year: 2024, month: 12, day: 31 });
    expect(dayOf('2024-02', true)).toEqual({ year: 2024, month: 2, day: 29 });
    expect(dayOf('2023-02', true)).toEqual({ year: 2023, month: 2, day: 28 });
    expect(dayOf('2024-06-15', true)).toEqual({ year: 2024, month: 6, day: 15 });
  });

  it('covers a range with the fewest years, months and days', () => {
    expect(dateRangeFacet(dayOf('2019-11-29', false), dayOf('2021-02-02', true))).toBe(
      'facets : (zt20191129 OR zt20191130 OR zm201912 OR zy2020 OR zm202101 OR zt20210201 OR zt20210202)',
    );
    expect(dateRangeFacet(dayOf('2024', false), dayOf('2024', true))).toBe('facets : (zy2024)');
    expect(dateRangeFacet(dayOf('2024-03', false), dayOf('2024-03', true))).toBe('facets : (zm202403)');
    expect(dateRangeFacet(dayOf('2024-03-02', false), dayOf('2024-03-01', true))).toBeNull();
  });
});
