import type { EmbeddingsService } from '../search/embeddings.service';
import type { DomainHandlers } from './handler-table';

export interface EmbeddingsHandlersDeps {
  embeddings: EmbeddingsService;
}

/** Search by meaning's set-up: the model, embedding the captions, and how far that is. */
export function embeddingsHandlers({ embeddings }: EmbeddingsHandlersDeps): DomainHandlers<'embeddings'> {
  return {
    'embeddings:use': async ({ provider, model }) => embeddings.use(provider, model),
    'embeddings:run': async ({ paths }) => embeddings.run(paths),
    'embeddings:status': async () => embeddings.status(),
  };
}
