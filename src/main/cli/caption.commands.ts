import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { CaptionOptionOverridesSchema, DetailLevelSchema } from '../../shared/captioning';
import type { CaptionOptionOverrides, CaptionRunResult, CostEstimate } from '../../shared/captioning';
import { UserError } from '../base/errors';
import { UsageError } from './args';
import type { CliCore, CommandContext, Io } from './main';
import { captionRunReporter, progressBar, usd } from './progress';
import { stopOnSignals } from './signals';
import type { Flags } from './usage';

/** `caption [PATH...] --provider NAME`: estimates, then captions with a progress bar until done or Ctrl-C. */
export async function captionCommand({ args, flags, json, openCore, io }: CommandContext): Promise<number | void> {
  if (!flags.provider) throw new UsageError('caption needs --provider NAME (see "captionist provider list")');
  const core = openCore();
  const request = {
    provider: flags.provider,
    paths: args,
    options: captionOptionsFrom(flags),
    force: flags.force,
    viaBatch: flags.batch,
  };
  const estimate = await core.invoke('captions:estimate', request);
  if (flags.estimate) {
    io.stdout.write(json ? `${JSON.stringify(estimate)}\n` : `${describeEstimate(estimate)}\n`);
    return;
  }
  if (!json) io.stderr.write(`${describeEstimate(estimate)}\n`);
  const bar = progressBar(io.stderr);
  const report = captionRunReporter(bar, json ? null : (line) => bar.log(line));
  const stop = stopOnSignals();
  // Ctrl-C: photos in flight go back to the queue, and the run ends with what it has.
  stop.signal.addEventListener('abort', () => stopWork(core, io), { once: true });
  const unsubscribe = core.on('captions:progress', report);
  let result: CaptionRunResult;
  try {
    // Exclusive: other providers' jobs are not this run's to spend on, nor to be stopped by.
    result = await core.invoke('captions:generate', { ...request, exclusive: true });
    if (!stop.signal.aborted) await embedNewCaptions(core, args, json ? null : (line) => bar.log(line), io);
  } finally {
    unsubscribe();
    stop.dispose();
    bar.finish();
  }
  io.stdout.write(json ? `${JSON.stringify(result)}\n` : describeCaptionRun(result));
  return result.stoppedBecause || stop.signal.aborted ? 1 : 0;
}

/**
 * Once search by meaning is set up, embeds the new captions before the command ends, in the
 * foreground: this run works only on its captioning provider's lane, and the embed jobs the new
 * captions queued would wait for the next process that runs the queue (which still finds any
 * left, after a Ctrl-C or a failure here). A failure to embed leaves the captions as they are.
 */
async function embedNewCaptions(core: CliCore, paths: string[], say: ((line: string) => void) | null, io: Io): Promise<void> {
  const { provider, pending } = await core.invoke('embeddings:status', {});
  if (!provider || pending === 0) return;
  try {
    const { embedded } = await core.invoke('embeddings:run', { paths });
    say?.(`Search by meaning: ${embedded} photo${embedded === 1 ? '' : 's'} embedded with ${provider}.`);
  } catch (error) {
    io.stderr.write(
      `Not embedded for search by meaning yet: ${error instanceof Error ? error.message : String(error)} ` +
        'The queue embeds them wherever it runs (watch, serve, the app), or run "captionist embeddings run".\n',
    );
  }
}

/** Ctrl-C: watching and runs end, photos in flight go back to the queue. */
export function stopWork(core: CliCore, io: Io): void {
  core.invoke('app:stopWork', {}).catch((error: unknown) => {
    io.stderr.write(`captionist: ${error instanceof Error ? error.message : String(error)}\n`);
  });
}

/** `folder-options PATH`: the caption options every run on a library folder starts from. */
export async function folderOptionsCommand({ args, flags, json, openCore, io }: CommandContext): Promise<void> {
  if (args.length !== 1) throw new UsageError('folder-options takes exactly one library folder PATH');
  const core = openCore();
  const path = resolve(args[0]!);
  const folder = (await core.invoke('library:listFolders', {})).find((candidate) => candidate.path === path || candidate.path === realpathOrSelf(path));
  if (!folder) throw new UserError(`${path} is not a library folder; add it with "captionist add-folder".`);
  const options = flags.clear ? {} : { ...folder.captionOptions, ...captionOptionsFrom(flags) };
  const updated = await core.invoke('library:setFolderCaptionOptions', { folderId: folder.id, options });
  io.stdout.write(
    json
      ? `${JSON.stringify(updated)}\n`
      : `Caption options for ${updated.path}: ${JSON.stringify(updated.captionOptions)}\n`,
  );
}

/** The caption options given on the command line (`caption`, `watch`, `folder-options`). */
export function captionOptionsFrom(flags: Flags): CaptionOptionOverrides {
  const detail = flags.detail === undefined ? undefined : DetailLevelSchema.safeParse(flags.detail);
  if (detail && !detail.success) throw new UsageError('--detail takes low, medium or high');
  const parsed = CaptionOptionOverridesSchema.safeParse({
    detail: detail?.data,
    focus: flags.focus,
    language: flags.language,
    context: flags.context,
    promptTemplate: flags.template,
    includePlace: flags['no-place'] ? false : undefined,
    includeFolderName: flags['no-folder-name'] ? false : undefined,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`--${issue?.path.join('.') ?? 'option'}: ${issue?.message}`);
  }
  return Object.fromEntries(Object.entries(parsed.data).filter(([, value]) => value !== undefined));
}

function realpathOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function describeEstimate(estimate: CostEstimate): string {
  return (
    `${estimate.photos} photo${estimate.photos === 1 ? '' : 's'} to caption; estimated ` +
    `${estimate.inputTokens.toLocaleString('en-US')} input and ${estimate.outputTokens.toLocaleString('en-US')} output tokens, ` +
    `cost ${usd(estimate.costUsd)}.`
  );
}

function describeCaptionRun(result: CaptionRunResult): string {
  const lines = [
    `Captioned ${result.captioned} of ${result.total} photo${result.total === 1 ? '' : 's'} with ${result.provider}` +
      `${result.failed.length ? `, ${result.failed.length} failed` : ''}` +
      '. ' +
      `Tokens: ${result.inputTokens} in, ${result.outputTokens} out. Cost: ${usd(result.costUsd)}.`,
    ...result.failed.map((failure) => `  ${failure.path}: ${failure.message}`),
  ];
  if (result.stoppedBecause) {
    lines.push(`Stopped: ${result.stoppedBecause}. The remaining photos stay queued; run the same command again to go on.`);
  }
  return `${lines.join('\n')}\n`;
}
