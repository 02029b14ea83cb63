import type { ClientEvent, Unsubscribe } from './api.js';

/** The client's one event stream. A listener that throws does not stop the others. */
export class EventBus {
  private readonly listeners = new Set<(event: ClientEvent) => void>();

  on(listener: (event: ClientEvent) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: ClientEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A broken listener is the listener's bug; the client carries on.
      }
    }
  }
}
