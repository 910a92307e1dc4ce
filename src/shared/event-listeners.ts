import type { EventName, EventPayload } from './contract';
import { eventNames } from './event-names';

/** The channel that carries core events to a desktop window (main sends, the preload listens). */
export const eventChannel = 'captionist:event';

/**
 * Who listens to which core event: the preload, the browser page of `serve` and the CLI each keep
 * one, fed by their own transport.
 */
export interface EventListeners {
  on<K extends EventName>(name: K, listener: (payload: EventPayload<K>) => void): () => void;
  deliver(name: EventName, payload: unknown): void;
}

export function eventListeners(): EventListeners {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  return {
    on(name, listener) {
      if (!eventNames.includes(name)) throw new Error(`Unknown event: ${String(name)}`);
      const forName = listeners.get(name) ?? new Set();
      listeners.set(name, forName);
      // A fresh function per subscription, so each unsubscribe removes exactly its own.
      const subscription = (payload: unknown) => (listener as (payload: unknown) => void)(payload);
      forName.add(subscription);
      return () => {
        forName.delete(subscription);
      };
    },
    deliver(name, payload) {
      for (const listener of listeners.get(name) ?? []) listener(payload);
    },
  };
}
