import type { CallName, CallOutput } from '../../shared/contract';
import type { Core, MediaKind } from '../core';

/**
 * What a shell asks of the core beyond the contract's calls: the cached file behind a media URL,
 * and starting the queue and folder watching. Named as the contract calls that replace them
 * (branch core-shape): once merged, this table and the branches in invokeCore go.
 */
export interface ShellNeeds {
  'media:file': { input: { kind: MediaKind; fingerprint: string }; output: string | null };
  'app:startBackgroundWork': { input: Record<string, never>; output: null };
}

export type HostCallName = CallName | keyof ShellNeeds;
export type HostCallInput<K extends HostCallName> = K extends keyof ShellNeeds ? ShellNeeds[K]['input'] : unknown;
export type HostCallOutput<K extends HostCallName> = K extends CallName
  ? CallOutput<K>
  : K extends keyof ShellNeeds
    ? ShellNeeds[K]['output']
    : never;

/** How a shell talks to the core, wherever it runs: in a worker (core-host.ts) or in this thread. */
export interface CoreClient {
  invoke<K extends HostCallName>(name: K, input: HostCallInput<K>): Promise<HostCallOutput<K>>;
}

/**
 * The one place where a shell's need meets the core's methods. The core's public surface is
 * becoming `invoke` alone; these two then become contract calls and this function goes.
 */
export async function invokeCore(core: Core, name: HostCallName, input: unknown): Promise<unknown> {
  if (name === 'media:file') {
    const { kind, fingerprint } = input as ShellNeeds['media:file']['input'];
    return core.mediaFile(kind, fingerprint);
  }
  if (name === 'app:startBackgroundWork') {
    await core.startBackgroundWork();
    return null;
  }
  return core.invoke(name, input);
}

/** The core in this very thread behind the same interface (one-shot commands, tests, the benchmark's baseline). */
export function inProcessClient(core: Core): CoreClient {
  return { invoke: (name, input) => invokeCore(core, name, input) as never };
}
