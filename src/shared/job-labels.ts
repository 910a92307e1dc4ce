import type { JobKind, QueueJob } from './queue';

const kindLabels: Record<JobKind, string> = { caption: 'Caption', writeMetadata: 'Write-back', embed: 'Embedding' };

/** A job's kind in the user's words, as the queue panel and `captionist queue list` show it. */
export function jobKindLabel(kind: JobKind): string {
  return kindLabels[kind];
}

/** What a job works on: its photo's path, or for the library's embed job (no photo) the captions it embeds. */
export function jobSubject(job: Pick<QueueJob, 'kind' | 'path'>): string {
  return job.kind === 'embed' ? 'captions waiting for embedding' : job.path;
}
