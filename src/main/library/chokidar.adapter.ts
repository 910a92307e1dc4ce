import { realpathSync, statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { watch } from 'chokidar';
import { isSkippedPath } from './walker';

/** What happened below a watched folder, once the file system has settled. */
export interface FolderChange {
  /** `add` and `change` come only once a file has stopped growing (it is completely written). */
  kind: 'add' | 'change' | 'unlink' | 'addDir' | 'unlinkDir';
  path: string;
}

export interface FolderWatchOptions {
  /** How long a new or changed file's size must hold still before it counts as written. */
  stabilityThresholdMs: number;
  /** How often the size of a file being written is checked. */
  stabilityPollMs: number;
  /** Poll every file and folder instead of asking the system for notifications. */
  usePolling: boolean;
  /** How often polling looks, when it is on. */
  pollIntervalMs: number;
}

export const defaultFolderWatchOptions: FolderWatchOptions = {
  stabilityThresholdMs: 2000,
  stabilityPollMs: 200,
  usePolling: false,
  pollIntervalMs: 5000,
};

export interface FolderWatchHandlers {
  onChange(change: FolderChange): void;
  /** Watching failed for some path (the watch goes on for the rest). */
  onError(error: Error): void;
  /** The initial walk is done: from now on every change is reported. */
  onReady(): void;
}

export interface FolderWatch {
  /** Releases every system watcher and timer; no handler is called afterwards. */
  close(): Promise<void>;
  /**
   * Reports `error` through the watcher's own error event, exactly as a failing system watch
   * would. For tests: the system's watch limits cannot be reached on purpose.
   */
  simulateError(error: Error): void;
}

/**
 * Watches everything below `root` that the scanner would index (the walker's rules decide: no
 * hidden or system entries, sidecars, temporary copies or other non-photos), following links as
 * the walker does. Files there already are not reported: the indexer has seen them.
 */
export function watchFolderTree(root: string, options: FolderWatchOptions, handlers: FolderWatchHandlers): FolderWatch {
  const realRoot = realpathSync(root);
  const watcher = watch(root, {
    ignoreInitial: true,
    followSymlinks: true,
    ignored: (path, stats) => isSkippedPath(root, path, stats) || (stats !== undefined && isRepeatedFolder(realRoot, path, stats)),
    awaitWriteFinish: { stabilityThreshold: options.stabilityThresholdMs, pollInterval: options.stabilityPollMs },
    usePolling: options.usePolling,
    interval: options.pollIntervalMs,
    // Photos count as binary files, which chokidar would otherwise poll on a timer of their own.
    binaryInterval: options.pollIntervalMs,
  });
  let closed = false;
  const report = (kind: FolderChange['kind']) => (path: string) => {
    if (!closed) handlers.onChange({ kind, path });
  };
  watcher
    .on('add', report('add'))
    .on('change', report('change'))
    .on('unlink', report('unlink'))
    .on('addDir', report('addDir'))
    .on('unlinkDir', report('unlinkDir'))
    .on('ready', () => {
      if (!closed) handlers.onReady();
    })
    .on('error', (error) => {
      if (!closed) handlers.onError(error instanceof Error ? error : new Error(String(error)));
    });
  return {
    async close() {
      closed = true;
      await watcher.close();
    },
    simulateError(error) {
      watcher.emit('error', error);
    },
  };
}

/**
 * A link to a folder the watch already covers: one above it (a loop, which chokidar would follow
 * forever) or one inside the library folder (watched under its own path). The walker skips both
 * by device and inode; chokidar asks path by path, so the same is decided from real paths here.
 */
function isRepeatedFolder(realRoot: string, path: string, stats: Stats): boolean {
  if (!stats.isDirectory() && !stats.isSymbolicLink()) return false;
  try {
    const real = realpathSync(path);
    const realParent = realpathSync(dirname(path));
    // Not a link at all, or a link to a file: nothing to repeat.
    if (real === join(realParent, basename(path)) || !statSync(real).isDirectory()) return false;
    return isWithin(realParent, real) || isWithin(real, realRoot);
  } catch {
    return false;
  }
}

function isWithin(path: string, folder: string): boolean {
  const below = relative(folder, path);
  return below === '' || (below !== '..' && !below.startsWith('..' + sep) && !isAbsolute(below));
}

/** Errors that mean the system ran out of watches or file handles, not that a path is bad. */
export function isWatchLimitError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EMFILE' || code === 'ENFILE';
}
