import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ResourceLimits } from 'node:worker_threads';
import type { EventName } from '../../shared/contract';
import type { Logger } from '../base/logger';
import { newProcessOwner } from '../base/process-owner';
import type { CallName } from '../../shared/contract';
import type { CoreClient } from './core-calls';
import type { Keychain } from './keychain';
import { fromWireError } from './messages';
import type { CoreWorkerData, PlainCoreOptions, ShellMessage, WorkerMessage } from './messages';

export interface CoreHostOptions {
  core: PlainCoreOptions;
  /** Where the core's log lines go; without one the core writes its own log in the data folder. */
  logger?: Logger;
  /** The shell's stored API keys (the desktop app's); environment variables only without one. */
  keychain?: Keychain;
  /** The environment the core sees (provider keys among it); this process's by default. */
  env?: Record<string, string | undefined>;
  /** The folder of the built worker (core-worker.js beside the built root); unused when running from the sources. */
  builtWorkerDir?: string;
  /** Another entry that starts the real worker (tests wrap it to make it crash). */
  workerEntry?: URL;
  /** Caps of the worker's heap (tests make it run out of memory). */
  resourceLimits?: ResourceLimits;
  /** How many times a core that stopped by itself is started again; once by default. */
  restarts?: number;
  /** Told when the core stops without being asked to: why, and whether it is started again. */
  onStopped?: (stop: { reason: string; restarting: boolean }) => void;
}

export interface HostEvent {
  name: EventName;
  payload: unknown;
}

export interface CoreHost extends CoreClient {
  /** Every event of the core, in the order it emitted them; returns the unsubscribe. */
  on(listener: (event: HostEvent) => void): () => void;
  /** Closes the core (queue, watcher, ExifTool, database), then ends its thread. */
  close(): Promise<void>;
}

/** How long a closing core may take before its thread is ended regardless. */
const closeTimeoutMs = 20_000;

/**
 * Starts the core in a worker thread and resolves once it is ready (a library that cannot be
 * opened rejects here, with the core's own error). Calls are answered in any order, matched by id;
 * events arrive in the order the core emitted them.
 */
export async function startCoreHost(options: CoreHostOptions): Promise<CoreHost> {
  const listeners = new Set<(event: HostEvent) => void>();
  const handlers: WorkerHandlers = {
    event: (event) => {
      for (const listener of listeners) listener(event);
    },
    log: (level, message) => options.logger?.[level](message),
    keychain: (change) => {
      try {
        change(options.keychain!);
      } catch (error) {
        options.logger?.error(`keychain: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
  };
  // Cores that died in this process: the next one takes their leased work back at once.
  const deadOwners: string[] = [];
  const spawn = () => spawnCoreWorker(options, handlers, deadOwners);
  let restartsLeft = options.restarts ?? 1;
  let closed = false;
  let stoppedFor: string | null = null;
  let current = spawn();
  try {
    await current.ready;
  } catch (error) {
    await current.ended;
    throw error;
  }

  const superviseRestarts = (worker: CoreWorker) =>
    void worker.ended.then((reason) => {
      if (reason === null) return;
      if (worker.started()) deadOwners.push(worker.owner);
      if (closed) return;
      const restarting = restartsLeft > 0;
      if (restarting) {
        restartsLeft -= 1;
        current = spawn();
        // A restart that fails is reported through its own end.
        current.ready.catch(() => {});
        superviseRestarts(current);
      } else {
        stoppedFor = reason;
      }
      // After the new core is in place, so that calls the shell makes on hearing this reach it.
      options.onStopped?.({ reason, restarting });
    });
  superviseRestarts(current);

  return {
    async invoke(name, input) {
      if (closed) throw new Error("Captionist's core is closed.");
      if (stoppedFor) throw coreStopped(stoppedFor);
      const worker = current;
      await worker.ready;
      return worker.call(name, input) as never;
    },
    on(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    async close() {
      if (closed) return;
      closed = true;
      await current.close();
    },
  };
}

interface WorkerHandlers {
  event(event: HostEvent): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  keychain(change: (keychain: Keychain) => void): void;
}

interface CoreWorker {
  /** Names this worker's core on the work it leases. */
  owner: string;
  /** Whether its core started (and so may have leased work). */
  started(): boolean;
  ready: Promise<void>;
  /** Resolves when the thread has ended: with why, or null when it was closed. */
  ended: Promise<string | null>;
  call(name: CallName, input: unknown): Promise<unknown>;
  close(): Promise<void>;
}

function spawnCoreWorker(options: CoreHostOptions, handlers: WorkerHandlers, deadOwners: readonly string[]): CoreWorker {
  // Its own name, though it shares the process's pid: a restarted core knows it dead by this name.
  const owner = newProcessOwner();
  const data: CoreWorkerData = {
    core: { ...options.core, owner, deadOwners: [...deadOwners] },
    forwardLogs: Boolean(options.logger),
    keychain: options.keychain?.snapshot() ?? null,
  };
  const worker = new Worker(workerEntry(options), {
    workerData: data,
    env: options.env ?? process.env,
    resourceLimits: options.resourceLimits,
  });
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 1;
  let closing = false;
  let closedCleanly = false;
  let failure: Error | null = null;
  let startError: Error | null = null;
  /** Set once the thread has ended: what later calls fail with. */
  let endedWith: Error | null = null;
  let started = false;
  let markReady!: () => void;
  let failStart!: (error: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failStart = reject;
  });
  const ended = new Promise<string | null>((resolve) => {
    worker.on('error', (error) => (failure = error));
    worker.on('exit', (code) => {
      const reason = closedCleanly ? null : (startError?.message ?? stopReason(failure, code, closing));
      const error = reason === null ? new Error("Captionist's core closed before it answered.") : coreStopped(reason);
      endedWith = error;
      failStart(startError ?? error);
      for (const call of pending.values()) call.reject(error);
      pending.clear();
      resolve(reason);
    });
  });

  worker.on('message', (message: WorkerMessage) => {
    switch (message.type) {
      case 'ready':
        started = true;
        return markReady();
      case 'startFailed':
        startError = fromWireError(message.error);
        // Whatever the half-built core left open (a timer, a child process) must not keep the thread.
        return void worker.terminate();
      case 'reply':
      case 'failed': {
        const call = pending.get(message.id);
        pending.delete(message.id);
        if (message.type === 'reply') call?.resolve(message.value);
        else call?.reject(fromWireError(message.error));
        return;
      }
      case 'event':
        return handlers.event({ name: message.name, payload: message.payload });
      case 'log':
        return handlers.log(message.level, message.message);
      case 'saveKey':
        return handlers.keychain((keychain) => keychain.save(message.provider, message.apiKey));
      case 'removeKey':
        return handlers.keychain((keychain) => keychain.remove(message.provider));
      case 'closed':
        closedCleanly = true;
        return;
    }
  });
  const send = (message: ShellMessage) => worker.postMessage(message);

  return {
    owner,
    started: () => started,
    ready,
    ended,
    call(name, input) {
      if (endedWith) return Promise.reject(endedWith);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        send({ type: 'invoke', id, name, input });
      });
    },
    async close() {
      closing = true;
      send({ type: 'close' });
      // A thread something still holds open after the core closed is ended rather than waited for.
      const timer = setTimeout(() => void worker.terminate(), closeTimeoutMs);
      await ended;
      clearTimeout(timer);
    },
  };
}

/** The built worker beside the built root, or, from the TypeScript sources, the bootstrap that loads them. */
function workerEntry(options: CoreHostOptions): URL {
  if (options.workerEntry) return options.workerEntry;
  if (import.meta.url.endsWith('.ts')) return new URL('./core-worker.bootstrap.mjs', import.meta.url);
  if (!options.builtWorkerDir) throw new Error('The core host needs builtWorkerDir, the folder of the built core-worker.js.');
  return pathToFileURL(join(options.builtWorkerDir, 'core-worker.js'));
}

function stopReason(failure: Error | null, exitCode: number, closing: boolean): string {
  if ((failure as { code?: string } | null)?.code === 'ERR_WORKER_OUT_OF_MEMORY') return 'it ran out of memory';
  if (failure) return failure.message;
  if (closing) return `it did not close in time (exit code ${exitCode})`;
  return exitCode === 0 ? 'it ended without being asked to' : `it exited with code ${exitCode}`;
}

function coreStopped(reason: string): Error {
  return new Error(`Captionist's core stopped: ${reason}`);
}
