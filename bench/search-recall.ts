import type { Database } from 'better-sqlite3';
import { missingFacet } from '../src/main/db/facets';
import { textColumns } from '../src/main/db/relevance-lists';
import type { SearchService } from '../src/main/search/search.service';
import { SearchQuerySchema } from '../src/shared/domain';

/**
 * How honest "Relevance" is: the first page of Captionist's search beside exact bm25 over every
 * match (FTS5's rank, newest first among equals), for each query, with the first search of each
 * (which builds its lists) timed, and the previous ranking (bm25 over the newest 2,000 matches)
 * beside it. Missing files are left out, as the search leaves them out.
 */
export function recallTable(db: Database, search: SearchService, queries: readonly string[], page = 50): string {
  const expression = (query: string) => `(${textColumns} : (${query.split(' ').map((word) => `"${word}"`).join(' AND ')})) NOT ${missingFacet}`;
  const exact = db.prepare('SELECT rowid FROM photo_search WHERE photo_search MATCH ? ORDER BY rank, rowid DESC LIMIT ?').pluck();
  const newestRanked = db
    .prepare(
      `SELECT id FROM (SELECT rowid AS id, rank AS score FROM photo_search WHERE photo_search MATCH ? ORDER BY rowid DESC LIMIT 2000)
       ORDER BY score, id DESC LIMIT ?`,
    )
    .pluck();
  const count = db.prepare('SELECT count(*) FROM photo_search WHERE photo_search MATCH ?').pluck();
  const recall = (ids: readonly number[], reference: Set<number>) => ids.filter((id) => reference.has(id)).length / Math.max(1, reference.size);
  const rows = queries.map((query) => {
    const started = process.hrtime.bigint();
    const ours = search.search(SearchQuerySchema.parse({ text: `${query} `, limit: page })).results.map((hit) => hit.id);
    const firstMs = Number(process.hrtime.bigint() - started) / 1e6;
    const reference = exact.all(expression(query), page) as number[];
    const referenceSet = new Set(reference);
    const sameOrder = ours.length === reference.length && ours.every((id, index) => id === reference[index]);
    const before = recall(newestRanked.all(expression(query), page) as number[], referenceSet);
    return `| ${query} | ${(count.get(expression(query)) as number).toLocaleString('en-US')} | ${firstMs.toFixed(0)} | ` +
      `${recall(ours, referenceSet).toFixed(2)} | ${sameOrder ? 'yes' : 'no'} | ${before.toFixed(2)} |`;
  });
  return [
    `| query | matches | first search ms (builds its lists) | recall@${page} vs exact bm25 | same order | before: recall@${page} (newest 2,000 ranked) |`,
    '| --- | ---: | ---: | ---: | --- | ---: |',
    ...rows,
  ].join('\n');
}
