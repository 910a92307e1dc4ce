import type { Emit, EventName } from '../../shared/contract';

export interface CoreEvent {
  name: EventName;
  payload: unknown;
}

/**
 * The core's `emit`, fanned out: the core is built before the server that forwards its events,
 * so both are handed this one hub.
 */
export class EventHub {
  private readonly listeners = new Set<(event: CoreEvent) => void>();

  readonly emit: Emit = (name, payload) => {
    for (const listener of this.listeners) listener({ name, payload });
  };

  subscribe(listener: (event: CoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}
