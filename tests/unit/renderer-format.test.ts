import { describe, expect, it } from 'vitest';
import {
  approvedText,
  captionProgressText,
  draftsQuestion,
  indexProgressText,
  queueText,
  timeAgo,
  writeQueuedText,
} from '../../src/renderer/src/lib/format';
import { photoBadge } from '../../src/renderer/src/lib/photo-badge';
import { removeAnywayText } from '../../src/renderer/src/lib/remove-folder';
import type { QueueStatus } from '../../src/shared/queue';

const idleQueue: QueueStatus = {
  counts: { queued: 0, running: 0, waitingForRetry: 0, paused: 0, done: 12, failed: 0, cancelled: 0 },
  perMinute: 0,
  etaSeconds: null,
  costUsd: null,
  globallyPaused: false,
  pausedScopes: [],
  lanes: [],
};

describe('status texts', () => {
  it('says how long ago a folder was indexed', () => {
    const now = new Date('2024-06-10T12:00:00Z');
    expect(timeAgo('2024-06-10T11:59:30Z', now)).toBe('just now');
    expect(timeAgo('2024-06-10T11:55:00Z', now)).toBe('5 minutes ago');
    expect(timeAgo('2024-06-10T11:00:00Z', now)).toBe('1 hour ago');
    expect(timeAgo('2024-06-07T12:00:00Z', now)).toBe('3 days ago');
    expect(timeAgo('2024-01-02T12:00:00Z', now)).toBe('2024-01-02');
  });

  it('badges a missing file before the caption status', () => {
    expect(photoBadge({ status: 'missing', captionStatus: 'approved' })).toEqual({ text: 'File missing', kind: 'missing' });
    expect(photoBadge({ status: 'present', captionStatus: 'written' })).toEqual({ text: 'Written to file', kind: 'written' });
    expect(photoBadge({ status: 'present', captionStatus: null })).toBeNull();
  });

  it('describes indexing, captioning and the queue', () => {
    expect(indexProgressText({ folder: '/photos/Iceland', phase: 'indexing', done: 1200, total: 5000, currentPath: null })).toBe(
      'Indexing Iceland: 1,200 of 5,000',
    );
    expect(
      captionProgressText({
        runId: 1,
        provider: 'local',
        done: 3,
        failed: 1,
        total: 10,
        costUsd: 0.125,
        providerState: 'rate-limited',
        providerMessage: 'Rate-limited until 12:05',
      }),
    ).toBe('Captioning with local: 3 of 10 done, 1 failed, $0.13 (Rate-limited until 12:05)');
    expect(queueText(idleQueue)).toBeNull();
    expect(queueText({ ...idleQueue, counts: { ...idleQueue.counts, queued: 40, waitingForRetry: 2, running: 4 }, etaSeconds: 600 })).toBe(
      'Queue: 4 running, 42 waiting, about 10 min left',
    );
    // Paused jobs are still to do: the status line counts them as the queue panel does.
    expect(queueText({ ...idleQueue, counts: { ...idleQueue.counts, paused: 3 }, globallyPaused: true })).toBe('Queue: 0 running, 3 waiting, paused');
  });
});

describe('approving and writing a selection', () => {
  it('does not call approved or written captions missing', () => {
    expect(approvedText(3, 3)).toBe('Approved 3 captions.');
    expect(approvedText(2, 3)).toBe('Approved 2 captions; 1 photo was not a draft or had no caption.');
    expect(approvedText(0, 4)).toBe('Approved 0 captions; 4 photos were not drafts or had no caption.');
  });

  it('asks about drafts nobody approved, in the number the user has', () => {
    expect(draftsQuestion(1)).toBe('1 of the selected photos has a draft caption nobody approved. Write them too, or only the approved ones?');
    expect(draftsQuestion(1200)).toMatch(/^1,200 of the selected photos have draft captions nobody approved\./);
  });

  it('says how many were queued and why the rest were not', () => {
    expect(writeQueuedText(3, 3, false)).toBe('Queued 3 photos for writing metadata.');
    expect(writeQueuedText(2, 5, true)).toBe('Queued 2 photos for writing metadata; 3 others had no approved caption or nothing new to write.');
    expect(writeQueuedText(0, 1, false)).toBe('Queued 0 photos for writing metadata; 1 other had no caption or nothing new to write.');
  });

  it('says why a folder with revertable write-backs was not removed', () => {
    expect(removeAnywayText('Trips', 1)).toBe(
      'Captionist wrote metadata into 1 photo in Trips. Removing the folder forgets what those files held before, ' +
        'so those writes could no longer be reverted. Revert them first, or remove the folder anyway.',
    );
    expect(removeAnywayText('Trips', 1200)).toContain('into 1,200 photos in Trips.');
  });
});
