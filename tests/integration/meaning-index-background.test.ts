import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultRetryPolicy } from '../../src/main/base/retry';
import { fileLogger } from '../../src/main/base/logger';
import { environmentSecrets } from '../../src/main/base/secrets';
import { EmbeddingsRepository } from '../../src/main/db/embeddings.repo';
import { migrations } from '../../src/main/db/migrations';
import { ProvidersRepository } from '../../src/main/db/providers.repo';
import { HttpClient } from '../../src/main/providers/http';
import { ProviderRegistry } from '../../src/main/providers/provider-registry';
import { EmbeddingsService } from '../../src/main/search/embeddings.service';
import { embeddedLibraryAt } from '../helpers/embedded-library';
import { tempDir } from '../helpers/files';

const photos = 100;
const slice = 16;

/** A library of `photos` embedded and coded photos, and its embeddings service; every catch-up of the index is recorded (codes taken in). */
function library() {
  const { db, vectors } = embeddedLibraryAt(Math.max(...migrations.map((migration) => migration.version)), photos);
  const repo = new EmbeddingsRepository(db);
  repo.store({ provider: 'local', model: 'nomic-embed-text' }, repo.textsOf(vectors.map((_, index) => index + 1)).map((row) => ({ ...row, vector: vectors[row.photoId - 1]! })));
  const catchUps: number[] = [];
  const hooks = { afterCatchUp: () => {} };
  const codeChangesSince = repo.codeChangesSince.bind(repo);
  repo.codeChangesSince = (since, put, remove, limit) => {
    let taken = 0;
    const changes = codeChangesSince(since, (...code) => (taken++, put(...code)), remove, limit);
    catchUps.push(taken);
    hooks.afterCatchUp();
    return changes;
  };
  const now = () => new Date();
  const http = new HttpClient();
  const providers = new ProviderRegistry(new ProvidersRepository(db), environmentSecrets({}), { http, poll: { intervalMs: 10, maxIntervalMs: 10, deadlineMs: 10 }, sleep: defaultRetryPolicy.sleep }, now);
  const embeddings = new EmbeddingsService({
    repo, providers, now, retryPolicy: defaultRetryPolicy, emit: () => undefined, captionSpend: () => 0,
    logger: fileLogger(join(tempDir(), 'captionist.log'), now),
    indexSlice: slice,
  });
  return { db, vectors, embeddings, catchUps, hooks, close: () => (http.close(), db.close()) };
}

const until = async (condition: () => boolean) => {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited > 5_000) throw new Error('not within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe('the meaning index built in the background', () => {
  it('is built a slice at a time between other work, then searched without reading the codes again', async () => {
    const { vectors, embeddings, catchUps, close } = library();
    embeddings.prepareIndexInBackground();
    // Nothing happens before the caller's own work is done.
    expect(catchUps).toEqual([]);
    await until(() => catchUps.length === Math.ceil(photos / slice));
    expect(catchUps).toEqual([16, 16, 16, 16, 16, 16, 4]);
    const index = embeddings.vectorIndex();
    expect(catchUps.at(-1)).toBe(0);
    expect(index.size).toBe(photos);
    expect(index.nearest(vectors[41]!, 3, -1, null)[0]).toMatchObject({ photoId: 42 });
    // Built: asking again starts nothing.
    embeddings.prepareIndexInBackground();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(catchUps.length).toBe(Math.ceil(photos / slice) + 1);
    await close();
  });

  it('is finished at once by a search that comes while it is being built', async () => {
    const { vectors, embeddings, catchUps, hooks, close } = library();
    // A search arrives right after the second slice, before the third.
    let searched: ReturnType<EmbeddingsService['vectorIndex']> | undefined;
    hooks.afterCatchUp = () => {
      if (catchUps.length === 2) queueMicrotask(() => (searched = embeddings.vectorIndex()));
    };
    embeddings.prepareIndexInBackground();
    await until(() => searched !== undefined);
    expect(catchUps).toEqual([16, 16, photos - 32]);
    expect(searched!.size).toBe(photos);
    expect(searched!.nearest(vectors[7]!, 1, -1, null)).toMatchObject([{ photoId: 8 }]);
    // The background steps end: the index is current.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(catchUps.length).toBe(3);
    await close();
  });
});
