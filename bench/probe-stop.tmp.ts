import { openDatabase } from '../src/main/db/database';
import { SearchRepository } from '../src/main/db/search.repo';
import { SearchService } from '../src/main/search/search.service';
import { SearchQuerySchema } from '../src/shared/domain';
const db = openDatabase('/tmp/captionist-bench/embeddings-1000000/library.db');
const text = new SearchService(new SearchRepository(db));
console.log(db.prepare("SELECT phrase FROM search_lists").pluck().all().join(' '));
for (const q of process.argv.slice(2)) {
  const s = performance.now();
  const r = text.search(SearchQuerySchema.parse({ text: q, limit: 50 }));
  console.log(JSON.stringify(q), (performance.now() - s).toFixed(1), r.total, r.totalIsExact);
}
