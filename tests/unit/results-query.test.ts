import { describe, expect, it } from 'vitest';
import { resultsQuery } from '../../src/renderer/src/lib/results-query';

describe('the grid query while typing', () => {
  const settled = { text: 'amber', sort: 'relevance' as const, camera: 'X100V' };

  it('asks for word matches only until typing pauses, then lets the core search by meaning too', () => {
    expect(resultsQuery(settled, false, null)).toEqual({ ...settled, mode: 'text' });
    expect(resultsQuery(settled, true, null)).toEqual(settled);
  });

  it('sends no mode for an empty search, which needs no provider anyway', () => {
    expect(resultsQuery({ text: '  ', sort: 'date' }, false, null)).toEqual({ text: '  ', sort: 'date' });
  });

  it('shows the photos like the chosen one with the filters kept and the words left out', () => {
    expect(resultsQuery(settled, false, { photoId: 7, fileName: 'beach.jpg' })).toEqual({ text: '', sort: 'relevance', camera: 'X100V', similarTo: 7 });
  });
});
