import type { EventName } from './contract';

/*
 * The names of the contract's events without its schemas: the preload and the first screen check
 * event names with this list and so never load zod. The record's type makes the compiler list
 * every event of the contract here, and nothing else.
 */
const everyEvent: Record<EventName, true> = {
  'library:changed': true,
  'index:progress': true,
  'captions:progress': true,
  'queue:progress': true,
  'watch:notice': true,
  'metadata:progress': true,
  'app:command': true,
  'embeddings:progress': true,
};

export const eventNames = Object.keys(everyEvent) as EventName[];
