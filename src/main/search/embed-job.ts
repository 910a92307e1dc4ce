import { z } from 'zod';
import { UserError } from '../base/errors';
import { ProviderError } from '../providers/errors';
import type { JobHandler } from '../queue/job-lane';
import type { ProviderRegistry } from '../providers/provider-registry';
import type { EmbeddingsService } from './embeddings.service';

/** Where an embed job goes on: after the last photo its predecessor stored. */
const EmbedJobPayloadSchema = z.object({ afterId: z.number().int().min(0).catch(0) }).catch({ afterId: 0 });

/**
 * The queue's handler for 'embed' jobs: each one request of 64 waiting captions for the embedding
 * provider, the next job queued with the result. One at a time, since each continues the last.
 */
export function embedJobHandler(embeddings: EmbeddingsService, providers: ProviderRegistry): JobHandler {
  return {
    kind: 'embed',
    concurrency: () => 1,
    blockedBecause: (provider) => embeddings.blockedBecause(provider ?? ''),
    reachable: (provider, signal) => providers.reachable(provider ?? '', signal),
    queueWaiting: () => embeddings.queueBacklog(),
    run: async (job, { signal, complete }) => {
      const provider = job.provider ?? '';
      const { afterId } = EmbedJobPayloadSchema.parse(JSON.parse(job.payload));
      try {
        await embeddings.embedStep(provider, afterId, signal, complete);
      } catch (error) {
        // A missing key or a provider removed concerns every request alike: it stops the lane.
        if (error instanceof UserError) throw new ProviderError('auth', provider, error.message);
        throw error;
      }
      return {};
    },
    describeError: (error) => (error instanceof Error ? error.message : String(error)),
  };
}
