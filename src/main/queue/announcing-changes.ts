import type { ChangeAnnouncer } from '../library/change-announcer';
import type { JobHandler } from './job-lane';

/** Announces the folder of each photo a job changed (a caption made, metadata written): the UI refreshes as work lands, whoever queued it. */
export function announcingChanges(
  handler: JobHandler,
  folderIdOf: (photoId: number) => number | undefined,
  changes: ChangeAnnouncer,
): JobHandler {
  return {
    ...handler,
    run: async (job, context) => {
      const outcome = await handler.run(job, context);
      const folderId = job.photoId === null ? undefined : folderIdOf(job.photoId);
      if (folderId !== undefined) changes.soon(folderId);
      return outcome;
    },
  };
}
