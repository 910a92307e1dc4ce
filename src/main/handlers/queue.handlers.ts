import type { QueueService } from '../queue/queue.service';
import type { DomainHandlers } from './handler-table';

export function queueHandlers({ queue }: { queue: QueueService }): DomainHandlers<'queue'> {
  return {
    'queue:status': async () => queue.status(),
    'queue:list': async ({ paths, states, limit }) => queue.list(paths, states, limit),
    'queue:pause': async ({ paths }) => {
      queue.pause(paths);
      return queue.status();
    },
    'queue:resume': async ({ paths }) => {
      queue.resume(paths);
      return queue.status();
    },
    'queue:retry': async ({ paths }) => ({ count: queue.retryFailed(paths) }),
    'queue:cancel': async ({ paths }) => {
      const cancelled = queue.cancel(paths);
      return { ...cancelled, count: cancelled.queued + cancelled.running };
    },
    'queue:prioritise': async ({ photoIds }) => ({ count: queue.prioritise(photoIds) }),
  };
}
