import type { CaptionRunsService } from '../captions/caption-runs.service';
import { Derivatives } from '../images/derivatives';
import type { PhotosRepository } from '../db/photos.repo';
import type { WatchService } from '../library/watch.service';
import type { Logger } from '../base/logger';
import type { QueueService } from '../queue/queue.service';
import type { EmbeddingsService } from '../search/embeddings.service';
import type { DomainHandlers } from './handler-table';

export interface AppHandlersDeps {
  queue: QueueService;
  watching: WatchService;
  captionRuns: CaptionRunsService;
  embeddings: EmbeddingsService;
  derivatives: Derivatives;
  photos: PhotosRepository;
  logger: Logger;
}

/** What only a shell asks for: starting and stopping the process's work, and the files behind media URLs. */
export function appHandlers(deps: AppHandlersDeps): DomainHandlers<'app' | 'media'> {
  const { derivatives } = deps;
  return {
    'app:startBackgroundWork': async () => {
      deps.queue.start();
      await deps.watching.start();
      deps.embeddings.prepareIndexInBackground();
      return null;
    },
    'app:stopWork': async () => {
      await deps.watching.stop();
      deps.embeddings.stopRuns();
      await deps.captionRuns.stop();
      return null;
    },
    'media:file': async ({ kind, fingerprint }) => {
      if (!Derivatives.isFingerprint(fingerprint)) return null;
      if (kind === 'thumb') return (await derivatives.hasThumbnail(fingerprint)) ? derivatives.thumbnailPath(fingerprint) : null;
      const photo = deps.photos.withFingerprint(fingerprint).find((candidate) => candidate.status === 'present');
      if (!photo) return null;
      return derivatives.captionImage(photo.path, fingerprint).catch((error: unknown) => {
        deps.logger.warn(`preview of ${photo.path}: ${error instanceof Error ? error.message : String(error)}`);
        return null;
      });
    },
  };
}
