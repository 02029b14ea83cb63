/** What the client's parts share: the database, the server, our keys, one event stream. */
import type { ClientEvent } from './api.js';
import type { ServerApi } from './net/serverApi.js';
import type { LocalIdentity } from './protocol/stores.js';
import type { SerialQueue } from './serialQueue.js';
import type { ClientDatabase } from './storage/database.js';

export interface ClientContext {
  readonly db: ClientDatabase;
  readonly api: ServerApi;
  /** Our identity; created on first use, so every account has one before it registers. */
  readonly local: LocalIdentity;
  /** Serializes every operation that reads and writes sessions (see protocol/stores.ts). */
  readonly protocolLock: SerialQueue;
  /** Pass a function for an event that is costly to build (see EventBus.emit). */
  emit(event: ClientEvent | (() => ClientEvent)): void;
}
