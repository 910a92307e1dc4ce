import type { QueueService } from '../queue/queue.service';
import type { EmbeddingsService } from '../search/embeddings.service';
import type { DomainHandlers } from './handler-table';

export interface EmbeddingsHandlersDeps {
  embeddings: EmbeddingsService;
  queue: QueueService;
}

/** Search by meaning's set-up: the model, embedding the captions, and how far that is. */
export function embeddingsHandlers({ embeddings, queue }: EmbeddingsHandlersDeps): DomainHandlers<'embeddings'> {
  return {
    'embeddings:use': async ({ provider, ...options }) => {
      const status = embeddings.use(provider, options);
      // A new model queued its re-embedding: a running queue starts on it now, not at its next look.
      queue.wake();
      return status;
    },
    'embeddings:run': async ({ paths }) => embeddings.run(paths),
    'embeddings:status': async () => embeddings.status(),
  };
}
