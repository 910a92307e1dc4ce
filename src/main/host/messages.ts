import type { EventName } from '../../shared/contract';
import type { CoreOptions } from '../core';
import { UserError } from '../base/errors';
import type { CallName } from '../../shared/contract';

/**
 * The core's options that can cross to a worker: plain values only. The worker builds the emit,
 * the logger and the secret store itself from what the messages below carry.
 */
export type PlainCoreOptions = Omit<CoreOptions, 'emit' | 'logger' | 'secrets' | 'now'>;

export interface CoreWorkerData {
  core: PlainCoreOptions;
  /** Log lines go to the shell's logger instead of the core's own file. */
  forwardLogs: boolean;
  /** Set when the shell keeps a keychain: the keys stored so far, decrypted, and whether new ones can be. */
  keychain: KeychainSnapshot | null;
}

export interface KeychainSnapshot {
  /** By provider name in lower case, as the keychain stores them. */
  keys: Record<string, string>;
  /** Why no key can be stored on this system (a photographer's sentence), or null when one can. */
  cannotStore: string | null;
}

/** An error as it crosses the channel: its message and what the shells tell apart errors by. */
export interface WireError {
  name: string;
  message: string;
  /** SQLite's and Node's error codes (a damaged library is recognised by its code). */
  code?: string;
  stack?: string;
}

export type ShellMessage = { type: 'invoke'; id: number; name: CallName; input: unknown } | { type: 'close' };

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'startFailed'; error: WireError }
  | { type: 'reply'; id: number; value: unknown }
  | { type: 'failed'; id: number; error: WireError }
  | { type: 'event'; name: EventName; payload: unknown }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'saveKey'; provider: string; apiKey: string }
  | { type: 'removeKey'; provider: string }
  | { type: 'closed' };

export function toWireError(error: unknown): WireError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const code = (error as { code?: unknown }).code;
  return { name: error.name, message: error.message, stack: error.stack, ...(typeof code === 'string' ? { code } : {}) };
}

/** The error again on the shell's side: a UserError stays one, since the shells answer it as the user's mistake. */
export function fromWireError(wire: WireError): Error {
  const error = wire.name === 'UserError' ? new UserError(wire.message) : new Error(wire.message);
  if (wire.name !== 'UserError') error.name = wire.name;
  if (wire.code) Object.assign(error, { code: wire.code });
  if (wire.stack) error.stack = wire.stack;
  return error;
}
