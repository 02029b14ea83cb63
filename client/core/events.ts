import type { ClientEvent, Unsubscribe } from './api.js';

/** The client's one event stream. A listener that throws does not stop the others. */
export class EventBus {
  private readonly listeners = new Set<(event: ClientEvent) => void>();

  on(listener: (event: ClientEvent) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** `event` may be a function that builds it: then it is built only when somebody listens. */
  emit(event: ClientEvent | (() => ClientEvent)): void {
    if (this.listeners.size === 0) return;
    const built = typeof event === 'function' ? event() : event;
    for (const listener of [...this.listeners]) {
      try {
        listener(built);
      } catch {
        // A broken listener is the listener's bug; the client carries on.
      }
    }
  }
}
