import { homedir } from 'node:os';
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import type { IndexResult, LibraryStatus, SearchResults } from '../../shared/domain';
import { createCore } from '../core';
import type { Core } from '../core';
import { resolveDataDir } from '../data-dir';
import { UserError } from '../errors';
import { progressBar } from './progress';

const usage = `Usage: captionist <command> [options]

Commands:
  add-folder PATH       Add a folder of photos to the library
  index [PATH...]       Index the given folders (every library folder when none)
  status                Show counts of photos, captions, jobs and errors
  search QUERY          Find photos by caption, keywords, title, file or folder name

Options:
  --home DIR            Library data folder (default: $CAPTIONIST_HOME, else the app-data folder)
  --json                Print machine-readable JSON
  --limit N, --offset N Page through search results (default 50, 0)
  -h, --help            Show this help

Exit codes: 0 done (per-file errors included), 1 the run failed, 2 bad usage.`;

const options = {
  home: { type: 'string' },
  json: { type: 'boolean', default: false },
  limit: { type: 'string' },
  offset: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} satisfies ParseArgsConfig['options'];

class UsageError extends Error {}

interface Io {
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
  try {
    const run = commands[command];
    if (!run) throw new UsageError(`unknown command "${command}"`);
    const openCore = () =>
      (core = createCore({
        dataDir: resolveDataDir({ flag: values.home, env, platform: process.platform, homeDir: homedir() }),
      }));
    await run({ args, json: values.json, limit: values.limit, offset: values.offset, openCore, io });
    return 0;
  } catch (error) {
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

interface CommandContext {
  args: string[];
  json: boolean;
  limit: string | undefined;
  offset: string | undefined;
  openCore: () => Core;
  io: Io;
}

const commands: Record<string, (context: CommandContext) => Promise<void>> = {
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
      result = await openCore().index(args, (progress) => bar.update(progress));
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

  async search({ args, json, limit, offset, openCore, io }) {
    if (!args.length) throw new UsageError('search needs a QUERY');
    const results = openCore().search({
      text: args.join(' '),
      limit: wholeNumber('--limit', limit, 50, 1),
      offset: wholeNumber('--offset', offset, 0, 0),
      includeMissing: false,
    });
    io.stdout.write(json ? `${JSON.stringify(results)}\n` : describeSearch(results));
  },
};

function wholeNumber(flag: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > 1000) {
    throw new UsageError(`${flag} takes a whole number from ${min} to 1000`);
  }
  return number;
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
      `Failed:    ${status.failed}`,
      `Errors:    ${status.errors}`,
      ...status.errorList.slice(0, 20).map((error) => `  ${error.path}: ${error.message}`),
    ].join('\n') + '\n'
  );
}

function describeSearch(results: SearchResults): string {
  const lines = [`${results.total} photo${results.total === 1 ? '' : 's'} found.`];
  for (const photo of results.results) {
    lines.push(photo.caption ? `${photo.path}\n    ${photo.caption}` : photo.path);
  }
  return `${lines.join('\n')}\n`;
}
