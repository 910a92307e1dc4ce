import type { CaptionRunsService } from '../captions/caption-runs.service';
import type { CaptionService } from '../captions/caption.service';
import type { ReviewService } from '../captions/review.service';
import type { ChangeAnnouncer } from '../library/change-announcer';
import type { DomainHandlers } from './handler-table';

export interface CaptionsHandlersDeps {
  captioning: CaptionService;
  captionRuns: CaptionRunsService;
  review: ReviewService;
  changes: ChangeAnnouncer;
}

export function captionsHandlers(deps: CaptionsHandlersDeps): DomainHandlers<'captions'> {
  const { captionRuns, review, changes } = deps;
  return {
    'captions:estimate': async (request) => deps.captioning.estimate(request),
    'captions:generate': async (request) => captionRuns.generate(request),
    'captions:queue': async (request) => captionRuns.queueAndFollow(request),
    'captions:finishRun': async ({ runId }) => captionRuns.finish(runId),
    'captions:edit': async ({ photoId, fields }) => {
      const { detail, folderId } = review.edit(photoId, fields);
      changes.folders([folderId]);
      return detail;
    },
    'captions:approve': async ({ photoIds, approved }) => {
      const { count, folderIds } = review.approve(photoIds, approved);
      if (count) changes.folders(folderIds);
      return { count };
    },
  };
}
