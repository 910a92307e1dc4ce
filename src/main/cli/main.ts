import { homedir } from 'node:os';
import { parseArgs } from 'node:util';
import type { Emit } from '../../shared/contract';
import { eventListeners } from '../../shared/event-listeners';
import type { EventListeners } from '../../shared/event-listeners';
import type { Core, CoreOptions } from '../core';
import { libraryFile, resolveDataDir } from '../base/data-dir';
import { UserError } from '../base/errors';
import { UsageError } from './args';
import { options, usage } from './usage';
import type { Flags } from './usage';

export interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

export interface CommandContext {
  args: string[];
  flags: Flags;
  json: boolean;
  /** The library's data folder, for commands that work on its files without opening the core. */
  dataDir: string;
  /** `serve` passes the emit its server forwards to pages. */
  openCore: (extra?: Pick<CoreOptions, 'emit' | 'dailyBackups'>) => CliCore;
  io: Io;
}

/** The core as a command sees it: its one entry, and its events (progress, notices) as they come. */
export interface CliCore extends Core {
  on: EventListeners['on'];
}

/** A command returns its exit code, or nothing for 0. */
export type Command = (context: CommandContext) => Promise<number | void>;

/**
 * Each command's module, loaded only when that command runs: `--help` loads none of them, and a
 * command loads only the libraries it uses (status and search never load sharp, ExifTool or a
 * provider's SDK; adapters load those on first use).
 */
const commands: Record<string, () => Promise<Command>> = {
  'add-folder': async () => (await import('./library.commands')).addFolderCommand,
  index: async () => (await import('./library.commands')).indexCommand,
  status: async () => (await import('./library.commands')).statusCommand,
  search: async () => (await import('./search.command')).searchCommand,
  albums: async () => (await import('./search.command')).albumsCommand,
  provider: async () => (await import('./provider.commands')).providerCommand,
  caption: async () => (await import('./caption.commands')).captionCommand,
  'folder-options': async () => (await import('./caption.commands')).folderOptionsCommand,
  queue: async () => (await import('./queue.commands')).queueCommand,
  watch: async () => (await import('./queue.commands')).watchCommand,
  write: async () => (await import('./write.commands')).writeCommands.write,
  revert: async () => (await import('./write.commands')).writeCommands.revert,
  export: async () => (await import('./write.commands')).writeCommands.export,
  serve: async () => (await import('./serve.command')).serveCommand,
  backup: async () => (await import('./backup.commands')).backupCommands.backup!,
  restore: async () => (await import('./backup.commands')).backupCommands.restore!,
  embeddings: async () => (await import('./embeddings.commands')).embeddingsCommand,
  keywords: async () => (await import('./keywords.commands')).keywordsCommand,
};

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
    const loadCommand = commands[command];
    if (!loadCommand) throw new UsageError(`unknown command "${command}"`);
    const [run, { createCore }] = await Promise.all([loadCommand(), import('../core')]);
    const openCore = (extra: Pick<CoreOptions, 'emit' | 'dailyBackups'> = {}): CliCore => {
      const listeners = eventListeners();
      const emit: Emit = (name, payload) => {
        listeners.deliver(name, payload);
        extra.emit?.(name, payload);
      };
      core = createCore({ dataDir, emit, dailyBackups: extra.dailyBackups });
      return { invoke: core.invoke, close: core.close, on: listeners.on };
    };
    return (await run({ args, flags: values, json: values.json, dataDir, openCore, io })) ?? 0;
  } catch (caught) {
    // Damage SQLite finds while a command runs gets the same advice as damage found at start.
    const error = (await import('../db/library-health')).explainDamage(caught, libraryFile(dataDir));
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
