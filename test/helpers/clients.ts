/** Real ChatClients for tests: each in its own temp folder, with its events recorded. */
import { afterAll, beforeAll } from '@jest/globals';
import { rmSync } from 'node:fs';
import type { ClientEvent } from '../../client/core/api.js';
import { ChatClient } from '../../client/core/chatClient.js';
import type { TransportSecurity } from '../../client/core/net/transport.js';
import { startTestServer, tempDir, type TestServer } from './server.js';

/** Fast reconnects so tests that kill the server do not wait half a minute. */
export const TEST_BACKOFF = { initialMs: 100, maxMs: 1000 };

export class EventLog {
  readonly events: ClientEvent[] = [];
  private waiters: { predicate: (e: ClientEvent[]) => boolean; resolve: () => void }[] = [];

  constructor(client: ChatClient) {
    client.on((event) => {
      this.events.push(event);
      this.waiters = this.waiters.filter((waiter) => {
        if (!waiter.predicate(this.events)) return true;
        waiter.resolve();
        return false;
      });
    });
  }

  of<K extends ClientEvent['event']>(kind: K): Extract<ClientEvent, { event: K }>[] {
    return this.events.filter((e): e is Extract<ClientEvent, { event: K }> => e.event === kind);
  }

  /** Resolves when the recorded events satisfy `predicate`; rejects after `timeoutMs`. */
  waitFor(predicate: (events: ClientEvent[]) => boolean, timeoutMs = 20_000, what = 'events'): Promise<void> {
    if (predicate(this.events)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new Error(`timed out waiting for ${what}; last events: ${JSON.stringify(this.events.slice(-5))}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push({ predicate, resolve: done });
    });
  }

  waitForCount<K extends ClientEvent['event']>(kind: K, count: number, timeoutMs = 20_000): Promise<void> {
    return this.waitFor((events) => events.filter((e) => e.event === kind).length >= count, timeoutMs, `${count} ${kind} events`);
  }
}

export interface TestClient {
  client: ChatClient;
  log: EventLog;
  dataDir: string;
  /** Opens the same account again (after close), keeping its folder. */
  reopen(server?: string): Promise<TestClient>;
  /** Closes the client and deletes its folder. */
  dispose(): Promise<void>;
}

export async function openTestClient(
  server: string,
  number: string,
  dataDir = tempDir('e2ee-client-'),
  transport?: TransportSecurity,
): Promise<TestClient> {
  const client = await ChatClient.open({ number, dataDir, server, backoff: TEST_BACKOFF, ...(transport ? { transport } : {}) });
  return {
    client,
    log: new EventLog(client),
    dataDir,
    reopen: async (other = server) => {
      await client.close();
      return openTestClient(other, number, dataDir, transport);
    },
    dispose: async () => {
      await client.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Opens and registers a client. */
export async function registeredClient(server: string, number: string, transport?: TransportSecurity): Promise<TestClient> {
  const test = await openTestClient(server, number, undefined, transport);
  await test.client.register();
  return test;
}

export interface ClientPair {
  server: TestServer;
  alice: TestClient;
  bob: TestClient;
}

/**
 * A real server and two registered clients for the enclosing describe block:
 * started before its tests, stopped after them. Tests may replace `alice` or
 * `bob` (after a reopen); the newest ones are disposed.
 */
export function clientPair(numbers: { alice: string; bob: string }, options: { rateLimits: boolean }): ClientPair {
  const pair = {} as ClientPair;
  beforeAll(async () => {
    pair.server = await startTestServer({ rateLimits: options.rateLimits });
    pair.alice = await registeredClient(pair.server.address, numbers.alice);
    pair.bob = await registeredClient(pair.server.address, numbers.bob);
  });
  afterAll(async () => {
    await pair.alice?.dispose();
    await pair.bob?.dispose();
    await pair.server?.stop();
  });
  return pair;
}
