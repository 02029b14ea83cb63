/** The server dies mid-conversation and comes back: clients reconnect by themselves and lose nothing. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { registeredClient, type TestClient } from '../helpers/clients.js';
import { wireAccount } from '../helpers/clientWire.js';
import { spawnServer, tempDir, type ChildServer } from '../helpers/server.js';

const ALICE = '+15554440001';
const BOB = '+15554440002';
const CAROL = '+15554440003';

describe('reconnection after a server crash', () => {
  const dir = tempDir('e2ee-reconnect-');
  const dbPath = join(dir, 'server.db');
  let server: ChildServer;
  let alice: TestClient;
  let bob: TestClient;
  let carol: TestClient;

  beforeAll(async () => {
    server = await spawnServer({ dbPath, rateLimits: false });
    alice = await registeredClient(server.address, ALICE);
    bob = await registeredClient(server.address, BOB);
    carol = await registeredClient(server.address, CAROL);
    await alice.client.connect();
    await bob.client.connect();
    await carol.client.connect();
  });

  afterAll(async () => {
    await alice?.dispose();
    await bob?.dispose();
    await carol?.dispose();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reconnects with backoff, resends the outbox and delivers everything once', async () => {
    await alice.client.send(BOB, 'before the crash');
    await bob.log.waitForCount('message', 1);

    await server.kill9();
    await bob.log.waitFor((events) => events.some((e) => e.event === 'connection' && e.connection.state === 'reconnecting'), 10_000, 'reconnecting');
    const reconnecting = bob.client.connectionState();
    expect(reconnecting.state).toBe('reconnecting');

    // Sent while the server is down: kept in the outbox, not lost.
    await expect(alice.client.send(BOB, 'during the outage')).rejects.toMatchObject({ code: 'unavailable' });
    expect(alice.client.messages(BOB).at(-1)).toMatchObject({ text: 'during the outage', status: 'sending' });

    const connectedBefore = { alice: alice.log.events.length, bob: bob.log.events.length };
    server = await spawnServer({ dbPath, port: server.port, rateLimits: false });
    const reconnected = (log: TestClient['log'], from: number) => () =>
      log.events.slice(from).some((e) => e.event === 'connection' && e.connection.state === 'connected');
    await alice.log.waitFor(reconnected(alice.log, connectedBefore.alice), 15_000, 'Alice reconnected');
    await bob.log.waitFor(reconnected(bob.log, connectedBefore.bob), 15_000, 'Bob reconnected');

    await bob.log.waitForCount('message', 2);
    await bob.client.send(ALICE, 'after the restart');
    await alice.log.waitForCount('message', 1);
    await alice.client.send(BOB, 'and again');
    await bob.log.waitForCount('message', 3);

    expect(bob.client.messages(ALICE).map((m) => m.text)).toEqual(['before the crash', 'during the outage', 'after the restart', 'and again']);
    expect(alice.client.messages(BOB).map((m) => m.text)).toEqual(['before the crash', 'during the outage', 'after the restart', 'and again']);
    expect(alice.client.messages(BOB).find((m) => m.text === 'during the outage')?.status).not.toBe('sending');
  });

  it('sends what it kept for several contacts during an outage: each gets its messages once and in order', async () => {
    await alice.client.send(CAROL, 'hello carol');
    await carol.log.waitForCount('message', 1);
    const bobBefore = bob.log.of('message').length;

    await server.kill9();
    // 150 for each contact, their rows interleaved in the outbox: more than one Send (100 at most) for each.
    const texts = Array.from({ length: 150 }, (_, i) => `kept ${i}`);
    const queued = await Promise.allSettled(texts.flatMap((text) => [alice.client.send(BOB, text), alice.client.send(CAROL, text)]));
    expect(queued.every((outcome) => outcome.status === 'rejected')).toBe(true);

    server = await spawnServer({ dbPath, port: server.port, rateLimits: false });
    await bob.log.waitForCount('message', bobBefore + texts.length, 30_000);
    await carol.log.waitForCount('message', 1 + texts.length, 30_000);
    expect(bob.client.messages(ALICE).map((m) => m.text).slice(-texts.length)).toEqual(texts);
    expect(carol.client.messages(ALICE).map((m) => m.text)).toEqual(['hello carol', ...texts]);
  });

  it('goes offline instead of fighting when a newer session of the account takes the stream (ABORTED)', async () => {
    const bobElsewhere = await wireAccount(server.address, BOB, bob.dataDir);
    const stream = bobElsewhere.api.subscribe();
    stream.on('error', () => undefined);
    try {
      await bob.log.waitFor(
        () => bob.client.connectionState().state === 'offline',
        10_000,
        'Bob offline after being replaced',
      );
      expect(bob.client.connectionState()).toEqual({ state: 'offline', reason: expect.stringContaining('somewhere else') });
    } finally {
      stream.cancel();
      bobElsewhere.close();
    }
  });
});
