import type { IndexResult, LibraryStatus } from '../../shared/domain';
import { answersAtOnce, UsageError } from './args';
import type { CommandContext } from './main';
import { progressBar } from './progress';

/** `add-folder PATH`. */
export async function addFolderCommand({ args, json, openCore, io }: CommandContext): Promise<void> {
  if (args.length !== 1) throw new UsageError('add-folder takes exactly one PATH');
  const folder = await openCore().handlers['library:addFolder']({ path: args[0]! });
  io.stdout.write(
    json
      ? `${JSON.stringify(folder)}\n`
      : `Added ${folder.path} to the library. Run "captionist index" to index its photos.\n`,
  );
}

/** `index [PATH...]`. */
export async function indexCommand({ args, json, openCore, io }: CommandContext): Promise<void> {
  const bar = progressBar(io.stderr);
  let result: IndexResult;
  try {
    result = await openCore().index(args, (progress) =>
      bar.update(
        progress.phase === 'listing'
          ? { done: 0, total: 0, message: `Listing ${progress.folder} ...` }
          : { done: progress.done, total: progress.total },
      ),
    );
  } finally {
    bar.finish();
  }
  io.stdout.write(json ? `${JSON.stringify(result)}\n` : describeIndex(result));
}

/** `status`. */
export async function statusCommand({ args, json, openCore, io }: CommandContext): Promise<void> {
  if (args.length) throw new UsageError('status takes no arguments');
  const status = openCore(answersAtOnce).status();
  io.stdout.write(json ? `${JSON.stringify(status)}\n` : describeStatus(status));
}

function describeIndex(result: IndexResult): string {
  const lines = [
    `Indexed: ${result.added} added, ${result.updated} updated, ${result.moved} moved or renamed, ` +
      `${result.unchanged} unchanged, ${result.missing} missing, ${result.errors.length} errors.`,
    ...result.errors.map((error) => `  ${error.path}: ${error.message}`),
  ];
  return `${lines.join('\n')}\n`;
}

function describeStatus(status: LibraryStatus): string {
  return (
    [
      `Folders:   ${status.folders}`,
      `Photos:    ${status.photos}${status.missing ? ` (and ${status.missing} missing)` : ''}`,
      `Captioned: ${status.captioned}`,
      `Queued:    ${status.queued}`,
      `Running:   ${status.running}`,
      `Failed:    ${status.failed}`,
      `Errors:    ${status.errors}`,
      ...status.errorList.slice(0, 20).map((error) => `  ${error.path}: ${error.message}`),
    ].join('\n') + '\n'
  );
}
