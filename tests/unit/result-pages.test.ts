import { describe, expect, it } from 'vitest';
import { ResultPages } from '../../src/renderer/src/lib/result-pages';

const page = (first: number, length: number) => Array.from({ length }, (_, i) => first + i);

describe('result pages', () => {
  it('asks for the first page before anything is known, then only for pages in view', () => {
    const pages = new ResultPages<number>(100);
    expect(pages.pagesToFetch(0, 50)).toEqual([0]);
    pages.markRequested(0);
    expect(pages.pagesToFetch(0, 50)).toEqual([]);
    expect(pages.accept(pages.generation, 0, { total: 450, totalIsExact: true, results: page(0, 100) })).toBe(true);
    expect(pages.count).toBe(450);
    expect(pages.pagesToFetch(150, 320)).toEqual([1, 2, 3]);
    expect(pages.pagesToFetch(400, 10_000)).toEqual([4]);
    expect(pages.at(42)).toBe(42);
    expect(pages.at(142)).toBeUndefined();
  });

  it('drops an answer to a search that has been replaced', () => {
    const pages = new ResultPages<number>(100);
    const old = pages.generation;
    pages.markRequested(0);
    pages.reset();
    expect(pages.accept(old, 0, { total: 5, totalIsExact: true, results: page(0, 5) })).toBe(false);
    expect(pages.answered).toBe(false);
    expect(pages.at(0)).toBeUndefined();
    expect(pages.pagesToFetch(0, 10)).toEqual([0]);
  });

  it('keeps the old results of a replaced search on screen until the new one answers', () => {
    const pages = new ResultPages<string>(2);
    pages.accept(pages.generation, 0, { total: 4, totalIsExact: true, results: ['a', 'b'] });
    pages.accept(pages.generation, 1, { total: 4, totalIsExact: true, results: ['c', 'd'] });
    pages.reset();
    expect(pages.answered).toBe(false);
    expect(pages.at(2)).toBe('c');
    expect(pages.pagesToFetch(0, 1)).toEqual([0]);
    pages.accept(pages.generation, 0, { total: 1, totalIsExact: true, results: ['x'] });
    expect(pages.count).toBe(1);
    expect(pages.loaded()).toEqual(['x']);
  });

  it('keeps showing old pages after invalidate until fresh ones arrive', () => {
    const pages = new ResultPages<string>(2);
    pages.accept(pages.generation, 0, { total: 4, totalIsExact: true, results: ['a', 'b'] });
    pages.accept(pages.generation, 1, { total: 4, totalIsExact: true, results: ['c', 'd'] });
    pages.invalidate();
    expect(pages.at(2)).toBe('c');
    expect(pages.pagesToFetch(0, 3)).toEqual([0, 1]);
    pages.accept(pages.generation, 0, { total: 3, totalIsExact: true, results: ['a', 'B'] });
    expect(pages.count).toBe(3);
    expect(pages.at(1)).toBe('B');
    expect(pages.at(2)).toBe('c');
    expect(pages.loaded()).toEqual(['a', 'B', 'c', 'd']);
    expect(pages.loadedBetween(1, 2)).toEqual(['B', 'c']);
  });

  it('asks again after a reload even when the last answer was empty', () => {
    const pages = new ResultPages<string>(2);
    pages.accept(pages.generation, 0, { total: 0, totalIsExact: true, results: [] });
    expect(pages.pagesToFetch(0, 1)).toEqual([]);
    pages.invalidate();
    expect(pages.pagesToFetch(0, 1)).toEqual([0]);
    pages.accept(pages.generation, 0, { total: 3, totalIsExact: true, results: ['a', 'b'] });
    expect(pages.count).toBe(3);
    expect(pages.pagesToFetch(0, 2)).toEqual([1]);
  });

  it('grows while the count is not exact and settles on a short page', () => {
    const pages = new ResultPages<number>(100);
    pages.accept(pages.generation, 0, { total: 250, totalIsExact: false, results: page(0, 100) });
    expect(pages.count).toBe(250);
    expect(pages.countIsExact).toBe(false);
    // Reaching the counted end asks for the page past it.
    expect(pages.pagesToFetch(200, 249)).toEqual([2]);
    pages.accept(pages.generation, 2, { total: 250, totalIsExact: false, results: page(200, 100) });
    expect(pages.count).toBe(300);
    expect(pages.pagesToFetch(290, 299)).toEqual([3]);
    pages.accept(pages.generation, 3, { total: 250, totalIsExact: false, results: page(300, 30) });
    expect(pages.count).toBe(330);
    expect(pages.countIsExact).toBe(true);
    expect(pages.pagesToFetch(300, 400)).toEqual([]);
  });

  it('lets a failed request be asked again', () => {
    const pages = new ResultPages<number>(10);
    pages.markRequested(0);
    pages.forgetRequest(0, pages.generation);
    expect(pages.pagesToFetch(0, 5)).toEqual([0]);
  });
});
