import { formatTimeLeft } from '../../shared/duration';
import { maxJobsListed } from '../../shared/limits';
import { formatUsd } from '../../shared/money';
import { jobSubject } from '../../shared/job-labels';
import { describeCancelled } from '../../shared/queue';
import type { CancelledJobs, QueueJob, QueueStatus } from '../../shared/queue';
import { UsageError, wholeNumber } from './args';
import { captionOptionsFrom } from './caption.commands';
import { indexWithProgress } from './library.commands';
import type { CommandContext } from './main';
import { captionRunReporter, progressBar } from './progress';
import { stopOnSignals } from './signals';

const queueSubcommands = ['pause', 'resume', 'retry', 'cancel'] as const;

/** `queue [--json]` lists jobs; `queue pause|resume|retry|cancel [PATH...]` acts on them. */
export async function queueCommand({ args, flags, json, openCore, io }: CommandContext): Promise<number | void> {
  const [subcommand, ...paths] = args;
  const core = openCore();
  if (subcommand === undefined || subcommand === 'list') {
    const status = await core.invoke('queue:status', {});
    const jobs = await core.invoke('queue:list', { paths, limit: wholeNumber('--limit', flags.limit, 100, 1, maxJobsListed) });
    io.stdout.write(json ? `${JSON.stringify({ ...status, jobs })}\n` : describeQueue(status, jobs));
    return;
  }
  if (!(queueSubcommands as readonly string[]).includes(subcommand)) {
    throw new UsageError(`queue takes ${queueSubcommands.join(', ')} (or nothing, to list jobs)`);
  }
  const what = paths.length ? paths.join(', ') : 'the whole queue';
  let line: string;
  let output: object;
  switch (subcommand as (typeof queueSubcommands)[number]) {
    case 'pause':
      output = await core.invoke('queue:pause', { paths });
      line = `Paused ${what}. Jobs already running finish; "captionist queue resume" goes on.`;
      break;
    case 'resume':
      output = await core.invoke('queue:resume', { paths });
      line = `Resumed ${what}.`;
      break;
    case 'retry': {
      output = await core.invoke('queue:retry', { paths });
      line = `Queued ${(output as { count: number }).count} failed job(s) again.`;
      break;
    }
    case 'cancel': {
      const cancelled = await core.invoke('queue:cancel', { paths });
      output = cancelled;
      line = describeCancelled(cancelled);
      if (cancelled.running) line += ' Running ones stop within seconds, and their results are not kept.';
      break;
    }
  }
  io.stdout.write(json ? `${JSON.stringify(output)}\n` : `${line}\n`);
}

/**
 * What `provider remove` did. Its jobs were cancelled, not kept: with the provider gone they could
 * never run, and cancelled photos stay uncaptioned for a run with another provider to take up.
 */
export function describeRemovedProvider(name: string, jobs: CancelledJobs & { inBatches: number }): string {
  const lines = [`Removed provider "${name}". Its captions stay in the library.`];
  if (jobs.queued + jobs.running) {
    lines.push(`${describeCancelled(jobs)} Their photos stay uncaptioned: caption them with another provider.`);
  }
  if (jobs.inBatches) {
    lines.push(
      `${jobs.inBatches} photo${jobs.inBatches === 1 ? '' : 's'} wait in its submitted Batch API batches: ` +
        `add "${name}" again to collect the answers.`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function describeQueue(status: QueueStatus, jobs: QueueJob[]): string {
  const { counts } = status;
  const lines = [
    `Queued: ${counts.queued}  running: ${counts.running}  waiting to retry: ${counts.waitingForRetry}  ` +
      `paused: ${counts.paused}  done: ${counts.done}  failed: ${counts.failed}  cancelled: ${counts.cancelled}`,
  ];
  if (status.globallyPaused) lines.push('The whole queue is paused.');
  if (status.pausedScopes.length) lines.push(`Paused: ${status.pausedScopes.join(', ')}`);
  if (status.perMinute > 0) {
    lines.push(
      `${status.perMinute} per minute` +
        (status.etaSeconds ? `, ${formatTimeLeft(status.etaSeconds)} left` : '') +
        (status.costUsd !== null ? `, ${formatUsd(status.costUsd)} spent on queued runs` : ''),
    );
  }
  for (const job of jobs) {
    const state = job.paused ? 'paused' : job.state;
    const detail = [
      job.provider ? `${job.kind} with ${job.provider}` : job.kind,
      job.viaBatch ? 'via batch' : '',
      job.attempts > 1 ? `attempt ${job.attempts}` : '',
      job.state === 'waiting-for-retry' && job.nextRunAt ? `next try ${job.nextRunAt}` : '',
      job.lastError ?? '',
    ].filter(Boolean);
    lines.push(`${state.padEnd(17)} ${jobSubject(job)}  (${detail.join('; ')})`);
  }
  if (!jobs.length) lines.push('No jobs.');
  return `${lines.join('\n')}\n`;
}

/**
 * `watch [PATH...] --provider NAME`: indexes the PATHs (adding them to the library), queues every
 * photo there without a caption, then watches them and queues new photos as they arrive, working
 * through the queue until SIGINT or SIGTERM. Jobs in flight at the stop go back to the queue.
 */
export async function watchCommand({ args, flags, json, openCore, io }: CommandContext): Promise<number | void> {
  if (!flags.provider) throw new UsageError('watch needs --provider NAME (see "captionist provider list")');
  const options = captionOptionsFrom(flags);
  const core = openCore();
  const stop = stopOnSignals();
  const bar = progressBar(io.stderr);
  const say = (line: string) => (json ? undefined : bar.log(line));
  const show = captionRunReporter(bar, say);
  const unsubscribe = [core.on('watch:notice', ({ message }) => say(message)), core.on('captions:progress', show)];
  try {
    const indexed = await indexWithProgress(core, args, bar);
    say(`Indexed: ${indexed.added} new, ${indexed.updated} changed, ${indexed.moved} moved, ${indexed.missing} missing, ${indexed.errors.length} errors.`);
    const run = await core.invoke('library:watch', { paths: args, provider: flags.provider, options });
    say(
      `Watching ${run.folders.join(', ')}; captioning with ${run.provider} ` +
        `(${run.total} photo${run.total === 1 ? '' : 's'} queued now). Ctrl-C stops; unfinished photos stay queued.`,
    );
    // Ctrl-C may have come while indexing: then stop at once.
    if (!stop.signal.aborted) await new Promise((done) => stop.signal.addEventListener('abort', done, { once: true }));
    for (const off of unsubscribe) off();
    bar.finish();
    say('Stopping: photos in flight go back to the queue ...');
    await core.invoke('app:stopWork', {});
    const result = await core.invoke('captions:finishRun', { runId: run.runId });
    io.stdout.write(json ? `${JSON.stringify(result)}\n` : `Captioned ${result.captioned} photo(s) with ${result.provider} while watching; ${result.failed.length} failed.\n`);
  } finally {
    stop.dispose();
    bar.finish();
  }
}
