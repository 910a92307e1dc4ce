import { z } from 'zod';
import {
  FolderSchema,
  IndexProgressSchema,
  IndexResultSchema,
  LibraryStatusSchema,
  SearchQuerySchema,
  SearchResultsSchema,
} from './domain';

/**
 * Every call the UI can make into the core, as data: the preload exposes this table generically,
 * the core parses each input with its schema before a service sees it, and a test checks that
 * each entry has exactly one handler.
 */
export const calls = {
  'library:addFolder': {
    input: z.object({ path: z.string().min(1) }),
    output: FolderSchema,
  },
  'library:listFolders': {
    input: z.object({}),
    output: z.array(FolderSchema),
  },
  'library:index': {
    input: z.object({ paths: z.array(z.string().min(1)).default([]) }),
    output: IndexResultSchema,
  },
  'library:status': {
    input: z.object({}),
    output: LibraryStatusSchema,
  },
  'photos:search': {
    input: SearchQuerySchema,
    output: SearchResultsSchema,
  },
} as const;

/** Calls only a desktop shell can answer (native dialogs); the core has no handler for them. */
export const shellCalls = {
  'dialog:pickFolder': {
    input: z.object({}),
    output: z.string().nullable(),
  },
} as const;

/** Everything the core tells the UI without being asked. */
export const events = {
  'library:changed': z.object({ folderIds: z.array(z.number().int()) }),
  'index:progress': IndexProgressSchema,
} as const;

export type CallName = keyof typeof calls;
export type CallInput<K extends CallName> = z.input<(typeof calls)[K]['input']>;
export type CallOutput<K extends CallName> = z.infer<(typeof calls)[K]['output']>;
export type ShellCallName = keyof typeof shellCalls;
export type ShellCallOutput<K extends ShellCallName> = z.infer<(typeof shellCalls)[K]['output']>;
export type EventName = keyof typeof events;
export type EventPayload<K extends EventName> = z.infer<(typeof events)[K]>;

export type Emit = <K extends EventName>(name: K, payload: EventPayload<K>) => void;

export const callNames = Object.keys(calls) as CallName[];
export const shellCallNames = Object.keys(shellCalls) as ShellCallName[];
export const eventNames = Object.keys(events) as EventName[];

/** What the preload puts on `window.api`; the renderer talks to nothing else. */
export interface CaptionistApi {
  invoke<K extends CallName>(name: K, input: CallInput<K>): Promise<CallOutput<K>>;
  shell<K extends ShellCallName>(name: K): Promise<ShellCallOutput<K>>;
  on<K extends EventName>(name: K, listener: (payload: EventPayload<K>) => void): () => void;
  /** URL of a photo's grid thumbnail, served from the derivative cache only. */
  thumbnailUrl(fingerprint: string): string;
}
