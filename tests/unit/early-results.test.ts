import { describe, expect, it } from 'vitest';
import type { CaptionistApi } from '../../src/shared/contract';
import type { SearchResults } from '../../src/shared/domain';
import { pageRequest, requestEarly, resultPageSize, searchPage } from '../../src/renderer/src/lib/early-results';

/** Records the calls the renderer makes; each answers with the offset it was asked for. */
function recordingApi() {
  const calls: unknown[] = [];
  const invoke = (name: string, input: { offset: number }) => {
    calls.push({ name, ...input });
    return Promise.resolve({ results: [], total: input.offset, totalIsExact: true } as unknown as SearchResults);
  };
  return { calls, api: { invoke } as unknown as Pick<CaptionistApi, 'invoke'> };
}

describe('the opening search asked for before the first render', () => {
  it('answers the same request from the early call, without asking again', async () => {
    const { calls, api } = recordingApi();
    requestEarly(api, pageRequest({ text: '' }, 0));
    const answer = await searchPage(api, pageRequest({ text: '' }, 0));
    expect(answer.total).toBe(0);
    expect(calls).toEqual([{ name: 'photos:search', text: '', limit: resultPageSize, offset: 0 }]);
  });

  it('asks anew for another request, and the early answer is not used later either', async () => {
    const { calls, api } = recordingApi();
    requestEarly(api, pageRequest({ text: '' }, 0));
    expect((await searchPage(api, pageRequest({ text: 'dog' }, 1))).total).toBe(resultPageSize);
    await searchPage(api, pageRequest({ text: '' }, 0));
    expect(calls).toHaveLength(3);
  });
});
