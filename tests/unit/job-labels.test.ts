import { describe, expect, it } from 'vitest';
import { jobKindLabel, jobSubject } from '../../src/shared/job-labels';

describe('job labels', () => {
  it('names every kind in the user’s words', () => {
    expect([jobKindLabel('caption'), jobKindLabel('writeMetadata'), jobKindLabel('embed')]).toEqual(['Caption', 'Write-back', 'Embedding']);
  });

  it('shows a photo job by its path and the library’s embed job by what it embeds', () => {
    expect(jobSubject({ kind: 'caption', path: '/photos/a.jpg' })).toBe('/photos/a.jpg');
    // The embed job has no photo: its path comes as '' from the queue's list.
    expect(jobSubject({ kind: 'embed', path: '' })).toBe('captions waiting for embedding');
  });
});
