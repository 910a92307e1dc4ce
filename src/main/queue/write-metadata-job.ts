import { WriteOptionsSchema } from '../../shared/metadata';
import { UserError } from '../base/errors';
import { photoOfJob } from '../db/jobs.repo';
import type { JobHandler } from './job-lane';
import type { MetadataWriter } from '../metadata/metadata-writer';

/**
 * The queue's handler for writeMetadata jobs: one photo's write-back with the options it was
 * queued with. ExifTool's pool sets the pace, so the lane runs as many as it has processes.
 */
export function writeMetadataJobHandler(writer: MetadataWriter, exiftoolProcesses: number): JobHandler {
  return {
    kind: 'writeMetadata',
    concurrency: () => exiftoolProcesses,
    run: async (job) => {
      const options = WriteOptionsSchema.catch(WriteOptionsSchema.parse({})).parse(
        (JSON.parse(job.payload) as { options?: unknown }).options ?? {},
      );
      const result = await writer.writePhoto(photoOfJob(job), options);
      // A file problem (read-only, changed since indexing) is final: trying again changes nothing.
      if (result.status === 'failed') throw new UserError(result.message ?? `Could not write ${result.path}.`);
      return {};
    },
    describeError: (error) => (error instanceof Error ? error.message : String(error)),
  };
}
