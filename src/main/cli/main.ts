import { homedir } from 'node:os';
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  CaptionOptionOverridesSchema,
  DetailLevelSchema,
  ProviderTypeSchema,
  providerTypes,
} from '../../shared/captioning';
import type { CaptionOptionOverrides, CaptionRunResult, CostEstimate, ProviderSummary } from '../../shared/captioning';
import type { IndexResult, LibraryStatus } from '../../shared/domain';
import { presetNames } from '../providers/presets';
import { createCore } from '../core';
import type { Core, CoreOptions } from '../core';
import { libraryFile, resolveDataDir } from '../data-dir';
import { explainDamage } from '../db/library-health';
import { UserError } from '../errors';
import { price, UsageError, wholeNumber } from './args';
import { backupCommands, backupUsage } from './backup.commands';
import { captionRunReporter, progressBar } from './progress';
import { providerModelsCommand, providerModelsUsage } from './provider-models.command';
import { describeRemovedProvider, queueCommand, watchCommand } from './queue.commands';
import { serveCommand, serveUsage } from './serve.command';
import { albumsCommand, searchCommand, searchOptions, searchUsage } from './search.command';
import { stopOnSignals } from './signals';
import { writeCommands, writeUsage } from './write.commands';

const usage = `Usage: captionist <command> [options]

Commands:
  add-folder PATH          Add a folder of photos to the library
  index [PATH...]          Index the given folders (every library folder when none)
  status                   Show counts of photos, captions, jobs and errors
${searchUsage}
  provider add NAME --type TYPE [--preset P] [--base-url URL] [--batch-base-url URL] [--model M]
                           [--api-key-env VAR] [--concurrency N] [--image-size PX]
                           [--timeout SECONDS] [--price-per-image USD]
                           [--price-per-mtok-in USD] [--price-per-mtok-out USD] [--sync]
                           [--budget USD]
                           Add (or replace) a caption provider. TYPE: ${providerTypes.join(', ')}
                           Presets (openai-compatible): ${presetNames.join(', ')}
  provider list            Show providers, where their keys come from, and totals spent
  provider test NAME       Caption a built-in sample picture once, explaining any error
${providerModelsUsage}
  provider remove NAME     Forget a provider (its captions stay; its queued and running jobs
                           are cancelled)
  caption [PATH...] --provider NAME [--detail low|medium|high] [--focus F]
                           [--language L] [--context C] [--template T] [--no-place]
                           [--no-folder-name] [--force] [--estimate] [--batch]
                           Caption every photo (of the PATHs) that has no caption yet;
                           --force captions again, --estimate only prints the cost,
                           --batch goes through the provider's Batch API (cheaper, within 24 h)
  watch [PATH...] --provider NAME [caption options as for caption]
                           Index the PATHs (adding them to the library), caption every photo
                           there that has none, then watch for new photos and caption them as
                           they arrive, until Ctrl-C
  queue [PATH...]          List the jobs in the queue (of the PATHs), with counts, rate and ETA
  queue pause|resume|retry|cancel [PATH...]
                           Pause or resume the queue (for the PATHs, or everything), queue failed
                           jobs again, or cancel jobs, running ones included
  folder-options PATH [--detail L] [--focus F] [--language L] [--context C] [--clear]
                           Set the caption options every run on a library folder starts from
${writeUsage}
${serveUsage}
${backupUsage}

Options:
  --home DIR               Library data folder (default: $CAPTIONIST_HOME, else the app-data folder)
  --json                   Print machine-readable JSON
  --limit N, --offset N    Page through search results (default 50, 0)
  -h, --help               Show this help

Exit codes: 0 done (per-file errors included), 1 the run failed, 2 bad usage.`;

const options = {
  home: { type: 'string' },
  json: { type: 'boolean', default: false },
  limit: { type: 'string' },
  offset: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
  type: { type: 'string' },
  preset: { type: 'string' },
  'base-url': { type: 'string' },
  'batch-base-url': { type: 'string' },
  model: { type: 'string' },
  'api-key-env': { type: 'string' },
  concurrency: { type: 'string' },
  'image-size': { type: 'string' },
  timeout: { type: 'string' },
  'price-per-image': { type: 'string' },
  'price-per-mtok-in': { type: 'string' },
  'price-per-mtok-out': { type: 'string' },
  budget: { type: 'string' },
  sync: { type: 'boolean', default: false },
  provider: { type: 'string' },
  detail: { type: 'string' },
  focus: { type: 'string' },
  language: { type: 'string' },
  context: { type: 'string' },
  template: { type: 'string' },
  'no-place': { type: 'boolean', default: false },
  'no-folder-name': { type: 'boolean', default: false },
  force: { type: 'boolean', default: false },
  estimate: { type: 'boolean', default: false },
  batch: { type: 'boolean', default: false },
  clear: { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
  policy: { type: 'string' },
  sidecar: { type: 'string' },
  'sidecar-name': { type: 'string' },
  'approved-only': { type: 'boolean', default: false },
  format: { type: 'string' },
  out: { type: 'string' },
  port: { type: 'string' },
  ...searchOptions,
} satisfies ParseArgsConfig['options'];

export type Flags = ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true; strict: true }>>['values'];

export interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/** Runs one command and returns the exit code. */
export async function main(
  argv: string[],
  env: Record<string, string | undefined>,
  io: Io = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    io.stderr.write(`captionist: ${(error as Error).message}\n\n${usage}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...args] = positionals;
  if (values.help || !command) {
    (values.help ? io.stdout : io.stderr).write(`${usage}\n`);
    return values.help ? 0 : 2;
  }

  let core: Core | undefined;
  const dataDir = resolveDataDir({ flag: values.home, env, platform: process.platform, homeDir: homedir() });
  try {
    const run = commands[command];
    if (!run) throw new UsageError(`unknown command "${command}"`);
    const openCore = (extra: Pick<CoreOptions, 'emit'> = {}) => (core = createCore({ dataDir, ...extra }));
    return (await run({ args, flags: values, json: values.json, dataDir, openCore, io })) ?? 0;
  } catch (caught) {
    // Damage SQLite finds while a command runs gets the same advice as damage found at start.
    const error = explainDamage(caught, libraryFile(dataDir));
    if (error instanceof UsageError) {
      io.stderr.write(`captionist: ${error.message}\n\n${usage}\n`);
      return 2;
    }
    if (error instanceof UserError) {
      io.stderr.write(`captionist: ${error.message}\n`);
      return 2;
    }
    io.stderr.write(`captionist: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await core?.close();
  }
}

export interface CommandContext {
  args: string[];
  flags: Flags;
  json: boolean;
  /** The library's data folder, for commands that work on its files without opening the core. */
  dataDir: string;
  /** `serve` passes the emit its server forwards to pages. */
  openCore: (extra?: Pick<CoreOptions, 'emit'>) => Core;
  io: Io;
}

/** A command returns its exit code, or nothing for 0. */
const commands: Record<string, (context: CommandContext) => Promise<number | void>> = {
  async 'add-folder'({ args, json, openCore, io }) {
    if (args.length !== 1) throw new UsageError('add-folder takes exactly one PATH');
    const folder = await openCore().handlers['library:addFolder']({ path: args[0]! });
    io.stdout.write(
      json
        ? `${JSON.stringify(folder)}\n`
        : `Added ${folder.path} to the library. Run "captionist index" to index its photos.\n`,
    );
  },

  async index({ args, json, openCore, io }) {
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
  },

  async status({ args, json, openCore, io }) {
    if (args.length) throw new UsageError('status takes no arguments');
    const status = openCore().status();
    io.stdout.write(json ? `${JSON.stringify(status)}\n` : describeStatus(status));
  },

  search: searchCommand,
  albums: albumsCommand,

  async provider(context) {
    const [subcommand, ...args] = context.args;
    const run = subcommand ? providerCommands[subcommand] : undefined;
    if (!run) throw new UsageError('provider takes add, list, test, models or remove');
    return run({ ...context, args });
  },

  async caption({ args, flags, json, openCore, io }) {
    if (!flags.provider) throw new UsageError('caption needs --provider NAME (see "captionist provider list")');
    const core = openCore();
    // Other providers' jobs are not this run's to spend on, nor to be stopped by.
    core.queue.workOnly(flags.provider);
    const request = {
      provider: flags.provider,
      paths: args,
      options: captionOptionsFrom(flags),
      force: flags.force,
      viaBatch: flags.batch,
    };
    const estimate = core.estimate(request);
    if (flags.estimate) {
      io.stdout.write(json ? `${JSON.stringify(estimate)}\n` : `${describeEstimate(estimate)}\n`);
      return;
    }
    if (!json) io.stderr.write(`${describeEstimate(estimate)}\n`);
    const bar = progressBar(io.stderr);
    const report = captionRunReporter(bar, json ? null : (line) => bar.log(line));
    const stop = stopOnSignals();
    let result: CaptionRunResult;
    try {
      result = await core.caption(
        request,
        report,
        stop.signal,
      );
      // Jobs of other runs this process took meanwhile: their answers are paid for, so they end
      // here (a Ctrl-C meanwhile hands them back to the queue).
      const stopped = new Promise((done) => stop.signal.addEventListener('abort', done, { once: true }));
      if (!stop.signal.aborted) await Promise.race([core.queue.finishInFlight(), stopped]);
    } finally {
      stop.dispose();
      bar.finish();
    }
    io.stdout.write(json ? `${JSON.stringify(result)}\n` : describeCaptionRun(result));
    return result.stoppedBecause || stop.signal.aborted ? 1 : 0;
  },

  queue: queueCommand,

  watch: (context) => watchCommand(context, captionOptionsFrom(context.flags)),

  async 'folder-options'({ args, flags, json, openCore, io }) {
    if (args.length !== 1) throw new UsageError('folder-options takes exactly one library folder PATH');
    const core = openCore();
    const path = resolve(args[0]!);
    const folder = core.library.listFolders().find((candidate) => candidate.path === path || candidate.path === realpathOrSelf(path));
    if (!folder) throw new UserError(`${path} is not a library folder; add it with "captionist add-folder".`);
    const options = flags.clear ? {} : { ...folder.captionOptions, ...captionOptionsFrom(flags) };
    const updated = await core.invoke('library:setFolderCaptionOptions', { folderId: folder.id, options });
    io.stdout.write(
      json
        ? `${JSON.stringify(updated)}\n`
        : `Caption options for ${updated.path}: ${JSON.stringify(updated.captionOptions)}\n`,
    );
  },

  serve: serveCommand,

  ...writeCommands,
  ...backupCommands,
};

const providerCommands: Record<string, (context: CommandContext) => Promise<number | void>> = {
  async add({ args, flags, json, openCore, io }) {
    if (args.length !== 1) throw new UsageError('provider add takes exactly one NAME');
    if (!flags.type) throw new UsageError(`provider add needs --type (${providerTypes.join(', ')})`);
    const type = ProviderTypeSchema.safeParse(flags.type);
    if (!type.success) throw new UsageError(`--type takes one of: ${providerTypes.join(', ')}`);
    const seconds = wholeNumber('--timeout', flags.timeout, undefined, 1, 3600);
    const perImageUsd = price('--price-per-image', flags['price-per-image']);
    const perMillionInputTokensUsd = price('--price-per-mtok-in', flags['price-per-mtok-in']);
    const perMillionOutputTokensUsd = price('--price-per-mtok-out', flags['price-per-mtok-out']);
    const pricing = Object.fromEntries(
      Object.entries({ perImageUsd, perMillionInputTokensUsd, perMillionOutputTokensUsd }).filter(([, value]) => value !== undefined),
    );
    const config = await openCore().invoke('providers:save', {
      name: args[0]!,
      type: type.data,
      preset: flags.preset,
      baseUrl: flags['base-url'],
      batchBaseUrl: flags['batch-base-url'],
      model: flags.model,
      apiKeyEnv: flags['api-key-env'],
      concurrency: wholeNumber('--concurrency', flags.concurrency, undefined, 1, 64),
      imageLongEdge: wholeNumber('--image-size', flags['image-size'], undefined, 256, 4096),
      timeoutMs: seconds === undefined ? undefined : seconds * 1000,
      syncMode: flags.sync || undefined,
      pricing: Object.keys(pricing).length ? pricing : undefined,
      budgetUsd: price('--budget', flags.budget) || undefined,
    });
    io.stdout.write(
      json
        ? `${JSON.stringify(config)}\n`
        : `Saved provider "${config.name}" (${config.type}${config.preset ? `, preset ${config.preset}` : ''}) at ${config.baseUrl}` +
            `${config.model ? `, model ${config.model}` : ''}.\n` +
            (config.apiKeyEnv ? `Its API key is read from the environment variable ${config.apiKeyEnv}.\n` : '') +
            `Check it with "captionist provider test ${config.name}".\n`,
    );
  },

  async list({ args, json, openCore, io }) {
    if (args.length) throw new UsageError('provider list takes no arguments');
    const providers = openCore().providerSummaries();
    io.stdout.write(json ? `${JSON.stringify(providers)}\n` : describeProviders(providers));
  },

  async test({ args, json, openCore, io }) {
    if (args.length !== 1) throw new UsageError('provider test takes exactly one NAME');
    const result = await openCore().testProvider(args[0]!);
    if (json) io.stdout.write(`${JSON.stringify(result)}\n`);
    else if (result.ok) {
      io.stdout.write(
        `${result.provider} works (${result.model ?? 'default model'}, ${(result.latencyMs / 1000).toFixed(1)} s` +
          `${result.costUsd !== null ? `, $${result.costUsd.toFixed(4)}` : ''}).\n` +
          `  Caption:  ${result.caption.caption}\n  Alt text: ${result.caption.altText}\n` +
          `  Keywords: ${result.caption.keywords.join(', ')}\n`,
      );
    } else {
      io.stderr.write(`captionist: ${result.message}\n${result.hint}\n`);
    }
    return result.ok ? 0 : 1;
  },

  models: providerModelsCommand,

  async remove({ args, json, openCore, io }) {
    if (args.length !== 1) throw new UsageError('provider remove takes exactly one NAME');
    const jobs = await openCore().invoke('providers:remove', { name: args[0]! });
    io.stdout.write(json ? `${JSON.stringify(jobs)}\n` : describeRemovedProvider(args[0]!, jobs));
  },
};

function captionOptionsFrom(flags: Flags): CaptionOptionOverrides {
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

function usd(value: number | null): string {
  return value === null ? 'unknown (no price set)' : `$${value.toFixed(value < 1 ? 4 : 2)}`;
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

function describeProviders(providers: ProviderSummary[]): string {
  if (!providers.length) return 'No providers yet. Add one with "captionist provider add NAME --type ...".\n';
  return providers
    .map(
      (provider) =>
        `${provider.name}  ${provider.type}${provider.preset ? ` (${provider.preset})` : ''}  ${provider.baseUrl}` +
        `${provider.model ? `  model ${provider.model}` : ''}\n` +
        `    key: ${provider.apiKeySource ?? (provider.requiresApiKey ? 'none configured' : 'not needed')}; ` +
        `concurrency ${provider.concurrency}; ${provider.captions} captions, ` +
        `${provider.inputTokens} input and ${provider.outputTokens} output tokens, spent ${usd(provider.costUsd)}` +
        `${provider.budgetUsd ? ` of a $${provider.budgetUsd.toFixed(2)} budget` : ''}`,
    )
    .join('\n')
    .concat('\n');
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
