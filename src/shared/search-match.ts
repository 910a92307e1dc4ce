/** How a search hit matched, as `photos:search` says (`matchedBy`). Free of zod: the first screen's grid uses it. */
type MatchedBy = readonly ('text' | 'meaning')[] | undefined;

/** A hit found by meaning alone, none of the searched words in it: marked so the photographer sees why it is there. */
export function matchedByMeaningOnly(hit: { matchedBy?: MatchedBy }): boolean {
  return hit.matchedBy?.length === 1 && hit.matchedBy[0] === 'meaning';
}
