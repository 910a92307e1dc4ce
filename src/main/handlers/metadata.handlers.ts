import type { Emit } from '../../shared/contract';
import { pulse } from '../base/time';
import type { JobsRepository } from '../db/jobs.repo';
import type { ChangeAnnouncer } from '../library/change-announcer';
import type { MetadataExporter } from '../metadata/export';
import type { MetadataWriter } from '../metadata/metadata-writer';
import type { QueueService } from '../queue/queue.service';
import type { DomainHandlers } from './handler-table';

export interface MetadataHandlersDeps {
  metadataWriter: MetadataWriter;
  exporter: MetadataExporter;
  jobs: JobsRepository;
  queue: QueueService;
  changes: ChangeAnnouncer;
  emit: Emit;
  now: () => Date;
}

export function metadataHandlers(deps: MetadataHandlersDeps): DomainHandlers<'metadata'> {
  const { metadataWriter, queue, changes } = deps;
  return {
    'metadata:write': async (request) => {
      const due = pulse(deps.now);
      const result = await metadataWriter.write(request, (progress) => {
        if (due(progress.done === progress.total)) deps.emit('metadata:progress', progress);
      });
      if (result.written && !result.dryRun) changes.everyFolder();
      return result;
    },
    'metadata:queueWrite': async (request) => {
      const photoIds = metadataWriter.candidates(request).map((candidate) => candidate.photoId);
      // Each job carries only how to write, never the (possibly 100,000-long) selection.
      const { dryRun, policies, sidecar, sidecarNaming } = request;
      const options = { dryRun, policies, sidecar, sidecarNaming };
      deps.jobs.enqueue('writeMetadata', null, photoIds, { options }, { runId: null, at: deps.now().toISOString() });
      queue.start();
      queue.wake();
      return { count: photoIds.length };
    },
    'metadata:revert': async (request) => {
      const result = await metadataWriter.revert(request);
      if (result.reverted) changes.everyFolder();
      return result;
    },
    'metadata:export': async (request) => deps.exporter.export(request),
  };
}
