import { z } from 'zod';
import {
  CaptionOptionOverridesSchema,
  CaptionProgressSchema,
  CaptionRunResultSchema,
  CostEstimateSchema,
  ProviderConfigSchema,
  ProviderModelListSchema,
  ProviderSettingsSchema,
  ProviderSummarySchema,
  ProviderTestResultSchema,
} from './captioning';
import {
  EmbeddingsProgressSchema,
  EmbeddingsRunSchema,
  EmbeddingsStatusSchema,
  EmbeddingsUseSchema,
  MeaningSearchQuerySchema,
  RankedResultsSchema,
} from './embeddings';
import {
  FolderCountSchema,
  FolderSchema,
  IndexProgressSchema,
  IndexResultSchema,
  LibraryStatusSchema,
  PhotoIdsSchema,
  SelectionSummarySchema,
  SavedSearchNameSchema,
  SavedSearchSchema,
  SearchCriteriaSchema,
  SearchQuerySchema,
  SearchResultsSchema,
} from './domain';
import { maxIdsPerCall, maxJobsListed } from './limits';
import { CaptionEditSchema, PhotoDetailSchema } from './review';
import { AppSettingsPatchSchema, AppSettingsSchema } from './settings';
import { CancelledJobsSchema, JobStateSchema, QueueJobSchema, QueueScopeSchema, QueueStatusSchema } from './queue';
import {
  ExportRequestSchema,
  ExportResultSchema,
  RevertRequestSchema,
  RevertRunResultSchema,
  WriteProgressSchema,
  WriteRequestSchema,
  WriteRunResultSchema,
} from './metadata';
import { VocabularyImportResultSchema, VocabularyListingSchema } from './vocabulary';

/** What a media URL can name: a grid thumbnail or the inspector's larger preview. */
export const MediaKindSchema = z.enum(['thumb', 'preview']);
export type MediaKind = z.infer<typeof MediaKindSchema>;

const captionRunInput = z.object({
  provider: z.string().min(1),
  /** Files or folders; the whole library when empty. */
  paths: z.array(z.string().min(1)).default([]),
  /** These photos instead of paths (the UI's selection). */
  photoIds: PhotoIdsSchema.optional(),
  options: CaptionOptionOverridesSchema.default({}),
  /** Caption again photos that already have a caption. */
  force: z.boolean().default(false),
  /** Send the photos through the provider's Batch API: cheaper, and done within a day. */
  viaBatch: z.boolean().default(false),
});

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
  /**
   * Takes a folder out of the library (its photos, captions and jobs with it); the files are never
   * touched. Not done (`removed` false) while photos in it hold write-backs that could still be
   * reverted (`revertableWrites`), unless `forgetWrites`: their previous values go with them.
   */
  'library:removeFolder': {
    input: z.object({ folderId: z.number().int(), forgetWrites: z.boolean().default(false) }),
    output: z.object({ removed: z.boolean(), revertableWrites: z.number().int() }),
  },
  'library:listFolders': {
    input: z.object({}),
    output: z.array(FolderSchema),
  },
  'library:index': {
    input: z.object({ paths: z.array(z.string().min(1)).default([]) }),
    output: IndexResultSchema,
  },
  /**
   * Watches the library folders holding `paths` (every one when none) and captions what is there
   * without a caption, and every photo that arrives, with `provider` until `app:stopWork`; the run
   * reports through `captions:progress`, notices through `watch:notice`.
   */
  'library:watch': {
    input: z.object({
      paths: z.array(z.string().min(1)).default([]),
      provider: z.string().min(1),
      options: CaptionOptionOverridesSchema.default({}),
    }),
    output: z.object({ runId: z.number().int(), provider: z.string(), total: z.number().int(), folders: z.array(z.string()) }),
  },
  'library:status': {
    input: z.object({}),
    output: LibraryStatusSchema,
  },
  'library:setFolderCaptionOptions': {
    input: z.object({ folderId: z.number().int(), options: CaptionOptionOverridesSchema }),
    output: FolderSchema,
  },
  'library:setFolderAutoCaption': {
    input: z.object({ folderId: z.number().int(), provider: z.string().min(1).nullable() }),
    output: FolderSchema,
  },
  /** Text, meaning or both (see src/shared/embeddings.ts); SearchQuery and SearchResults with additions. */
  'photos:search': {
    input: MeaningSearchQuerySchema,
    output: RankedResultsSchema,
  },
  /** Every photo a search matches, in its order, for "select all": up to 100,000 ids. */
  'photos:ids': {
    input: SearchCriteriaSchema,
    output: z.object({ ids: z.array(z.number().int()), truncated: z.boolean() }),
  },
  'photos:selectionSummary': {
    input: z.object({ photoIds: PhotoIdsSchema }),
    output: SelectionSummarySchema,
  },
  'photos:get': {
    input: z.object({ id: z.number().int() }),
    output: PhotoDetailSchema,
  },
  'photos:folderCounts': {
    input: SearchCriteriaSchema,
    output: z.array(FolderCountSchema),
  },
  'search:listSaved': {
    input: z.object({}),
    output: z.array(SavedSearchSchema),
  },
  'search:save': {
    input: z.object({ name: SavedSearchNameSchema, criteria: SearchCriteriaSchema }),
    output: SavedSearchSchema,
  },
  'search:renameSaved': {
    input: z.object({ id: z.number().int(), name: SavedSearchNameSchema }),
    output: SavedSearchSchema,
  },
  'search:deleteSaved': {
    input: z.object({ id: z.number().int() }),
    output: z.null(),
  },
  'search:runSaved': {
    input: z.object({
      id: z.number().int(),
      limit: SearchQuerySchema.shape.limit,
      offset: SearchQuerySchema.shape.offset,
    }),
    output: SearchResultsSchema,
  },
  'providers:list': {
    input: z.object({}),
    output: z.array(ProviderSummarySchema),
  },
  'providers:save': {
    input: ProviderSettingsSchema,
    output: ProviderConfigSchema,
  },
  'providers:remove': {
    input: z.object({ name: z.string().min(1) }),
    // Its jobs, cancelled; those inside its submitted Batch API batches are left there.
    output: CancelledJobsSchema.extend({ inBatches: z.number().int() }),
  },
  'providers:setApiKey': {
    input: z.object({ name: z.string().min(1), apiKey: z.string().trim().min(1).max(1000) }),
    output: z.null(),
  },
  'providers:test': {
    input: z.object({ name: z.string().min(1) }),
    output: ProviderTestResultSchema,
  },
  /** The models the provider's server offers, and which of them it says take images. */
  'providers:models': {
    input: z.object({ name: z.string().min(1) }),
    output: ProviderModelListSchema,
  },
  'captions:estimate': {
    input: captionRunInput,
    output: CostEstimateSchema,
  },
  /**
   * Queues a run and answers when it ends (or `app:stopWork`). `exclusive`: this process works on
   * nothing else meanwhile (the CLI's `caption`).
   */
  'captions:generate': {
    input: captionRunInput.extend({ exclusive: z.boolean().default(false) }),
    output: CaptionRunResultSchema,
  },
  /** Queues a run and answers at once; `captions:progress` and `queue:progress` report on it. */
  'captions:queue': {
    input: captionRunInput,
    output: z.object({ runId: z.number().int(), provider: z.string(), total: z.number().int() }),
  },
  /** Closes a run and sums it up (a `library:watch` session's, once stopped). */
  'captions:finishRun': {
    input: z.object({ runId: z.number().int() }),
    output: CaptionRunResultSchema,
  },
  /** A person's edit becomes the photo's newest caption version, approved. */
  'captions:edit': {
    input: z.object({ photoId: z.number().int(), fields: CaptionEditSchema }),
    output: PhotoDetailSchema,
  },
  /** Marks the newest caption of each photo approved (or back to draft); photos without one are skipped. */
  'captions:approve': {
    input: z.object({ photoIds: z.array(z.number().int()).min(1).max(maxIdsPerCall), approved: z.boolean().default(true) }),
    output: z.object({ count: z.number().int() }),
  },
  'settings:get': {
    input: z.object({}),
    output: AppSettingsSchema,
  },
  'settings:save': {
    input: AppSettingsPatchSchema,
    output: AppSettingsSchema,
  },
  'queue:status': {
    input: z.object({}),
    output: QueueStatusSchema,
  },
  'queue:list': {
    input: QueueScopeSchema.extend({
      states: z.array(JobStateSchema).default([]),
      limit: z.number().int().min(1).max(maxJobsListed).default(500),
    }),
    output: z.array(QueueJobSchema),
  },
  'queue:pause': {
    input: QueueScopeSchema,
    output: QueueStatusSchema,
  },
  'queue:resume': {
    input: QueueScopeSchema,
    output: QueueStatusSchema,
  },
  'queue:retry': {
    input: QueueScopeSchema,
    output: z.object({ count: z.number().int() }),
  },
  'queue:cancel': {
    input: QueueScopeSchema,
    // `count` is the two together.
    output: CancelledJobsSchema.extend({ count: z.number().int() }),
  },
  'queue:prioritise': {
    input: z.object({ photoIds: z.array(z.number().int()).max(maxIdsPerCall) }),
    output: z.object({ count: z.number().int() }),
  },
  'metadata:write': {
    input: WriteRequestSchema,
    output: WriteRunResultSchema,
  },
  /** Queues the write-back instead of doing it now: the queue works through it, surviving restarts. */
  'metadata:queueWrite': {
    input: WriteRequestSchema,
    output: z.object({ count: z.number().int() }),
  },
  'metadata:revert': {
    input: RevertRequestSchema,
    output: RevertRunResultSchema,
  },
  'metadata:export': {
    input: ExportRequestSchema,
    output: ExportResultSchema,
  },
  /** What the desktop app and `serve` run while open: the queue from where it stopped, folder watching, and the index of search by meaning built ahead of the first search. */
  'app:startBackgroundWork': {
    input: z.object({}),
    output: z.null(),
  },
  /** A shell's Ctrl-C: watching ends, runs being followed end, photos in flight go back to the queue. */
  'app:stopWork': {
    input: z.object({}),
    output: z.null(),
  },
  /**
   * The cached file behind a media URL, or null when there is none: a grid thumbnail as indexing
   * made it, or the inspector's preview (the caption-ready copy) made now from a photo still there.
   */
  'media:file': {
    input: z.object({ kind: MediaKindSchema, fingerprint: z.string() }),
    output: z.string().nullable(),
  },
  /** Embed with this provider and model from now on; another model than before drops every vector. */
  'embeddings:use': {
    input: EmbeddingsUseSchema,
    output: EmbeddingsStatusSchema,
  },
  /** Embeds every caption (of the paths) that has no vector for the current model yet. */
  'embeddings:run': {
    input: EmbeddingsRunSchema,
    output: EmbeddingsStatusSchema,
  },
  'embeddings:status': {
    input: z.object({}),
    output: EmbeddingsStatusSchema,
  },
  /**
   * Makes a keyword file (Lightroom's keyword export or a plain list) the photographer's
   * vocabulary, replacing the one before at once; a file that cannot be read changes nothing.
   */
  'keywords:import': {
    input: z.object({ path: z.string().trim().min(1) }),
    output: VocabularyImportResultSchema,
  },
  'keywords:list': {
    input: z.object({}),
    output: VocabularyListingSchema,
  },
  'keywords:clear': {
    input: z.object({}),
    output: z.object({ removedTerms: z.number().int() }),
  },
} as const;

/**
 * Calls for the shells (CLI, `serve`, the desktop app), not the UI: they start and stop the
 * process's work, watch for a CLI session, or name files on this machine.
 */
export const shellOnlyCallNames = [
  'app:startBackgroundWork',
  'app:stopWork',
  'library:watch',
  'captions:finishRun',
  'media:file',
] as const satisfies readonly (keyof typeof calls)[];

/** Calls only a desktop shell can answer (native dialogs); the core has no handler for them. */
export const shellCalls = {
  'dialog:pickFolder': {
    input: z.object({}),
    output: z.string().nullable(),
  },
} as const;

/**
 * Menu items of the desktop shell. The UI binds the same keys itself (a browser has no app menu),
 * so the menu only shows the shortcut and sends the command when the item is clicked.
 */
export const AppCommandSchema = z.enum([
  'addFolder',
  'focusSearch',
  'openSettings',
  'captionSelection',
  'approveSelection',
  'writeSelection',
  'showQueue',
]);
export type AppCommand = z.infer<typeof AppCommandSchema>;

/** Everything the core (or, for `app:command`, the desktop shell) tells the UI without being asked. */
export const events = {
  'library:changed': z.object({ folderIds: z.array(z.number().int()) }),
  'index:progress': IndexProgressSchema,
  'captions:progress': CaptionProgressSchema,
  'queue:progress': QueueStatusSchema,
  /** Something about watching the photographer should know (polling instead of events, a drive gone). */
  'watch:notice': z.object({ message: z.string() }),
  'metadata:progress': WriteProgressSchema,
  'app:command': z.object({ command: AppCommandSchema }),
  'embeddings:progress': EmbeddingsProgressSchema,
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
/** What a page (the desktop window, a `serve` page) may call: everything but the shells' own calls. */
export const pageCallNames = callNames.filter((name) => !(shellOnlyCallNames as readonly string[]).includes(name));
export const shellCallNames = Object.keys(shellCalls) as ShellCallName[];

/** What the preload puts on `window.api`; the renderer talks to nothing else. */
export interface CaptionistApi {
  invoke<K extends CallName>(name: K, input: CallInput<K>): Promise<CallOutput<K>>;
  shell<K extends ShellCallName>(name: K): Promise<ShellCallOutput<K>>;
  on<K extends EventName>(name: K, listener: (payload: EventPayload<K>) => void): () => void;
  /** URL of a photo's grid thumbnail, served from the derivative cache only. */
  thumbnailUrl(fingerprint: string): string;
  /** URL of a larger copy for the inspector (the caption-ready JPEG, made on demand). */
  previewUrl(fingerprint: string): string;
  /** False in a browser (`captionist serve`): no native dialogs, so the UI asks for paths itself. */
  readonly hasNativeDialogs: boolean;
}
