import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestClient } from '../helpers/clients.js';
import { registeredClient } from '../helpers/clients.js';
import { wireAccount } from '../helpers/clientWire.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const ALICE = '+15551110001';
const BOB = '+15551110002';

function texts(client: TestClient, conversation: string, direction: 'incoming' | 'outgoing'): string[] {
  return client.client
    .messages(conversation)
    .filter((m) => m.direction === direction)
    .map((m) => m.text);
}

function series(prefix: string, from: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix} ${from + i}`);
}

describe('messaging through a real server', () => {
  let server: TestServer;
  let alice: TestClient;
  let bob: TestClient;

  beforeAll(async () => {
    server = await startTestServer({ rateLimits: false });
    alice = await registeredClient(server.address, ALICE);
    bob = await registeredClient(server.address, BOB);
  });

  afterAll(async () => {
    await alice?.dispose();
    await bob?.dispose();
    await server?.stop();
  });

  it('exchanges 200 messages each way, live and while the other side is offline, in order', async () => {
    await alice.client.connect();
    await bob.client.connect();

    // Live, both directions at once.
    await Promise.all([
      (async () => {
        for (const text of series('a', 0, 100)) await alice.client.send(BOB, text);
      })(),
      (async () => {
        for (const text of series('b', 0, 100)) await bob.client.send(ALICE, text);
      })(),
    ]);
    await bob.log.waitForCount('message', 100, 45_000);
    await alice.log.waitForCount('message', 100, 45_000);

    // Bob offline: Alice's messages queue on the server.
    await bob.client.close();
    for (const text of series('a', 100, 100)) await alice.client.send(BOB, text);
    bob = await bob.reopen();
    await bob.client.connect();
    await bob.log.waitForCount('message', 100, 45_000);

    // Alice offline.
    await alice.client.close();
    for (const text of series('b', 100, 100)) await bob.client.send(ALICE, text);
    alice = await alice.reopen();
    await alice.client.connect();
    await alice.log.waitForCount('message', 100, 45_000);

    expect(texts(bob, ALICE, 'incoming')).toEqual(series('a', 0, 200));
    expect(texts(alice, BOB, 'incoming')).toEqual(series('b', 0, 200));
    expect(texts(alice, BOB, 'outgoing')).toEqual(series('a', 0, 200));

    // Every message Alice sent is acknowledged by a delivery receipt in the end.
    await alice.log.waitFor(
      () => alice.client.messages(BOB).filter((m) => m.direction === 'outgoing').every((m) => m.status === 'delivered'),
      45_000,
      'delivery receipts for all of Alice’s messages',
    );
    await alice.client.close();
    alice = await alice.reopen();
    await bob.client.close();
    bob = await bob.reopen();
    // Leave both queues empty for the raw-envelope tests below: Alice flushes the
    // receipts she owes, Bob takes them.
    await alice.client.receive();
    await bob.client.receive();
  }, 120_000);

  it('decrypts reordered messages exactly once and rejects a duplicate', async () => {
    const bobWire = await wireAccount(server.address, BOB, bob.dataDir);
    const aliceWire = await wireAccount(server.address, ALICE, alice.dataDir);
    try {
      const sent = series('shuffled', 0, 5);
      for (const text of sent) await alice.client.send(BOB, text);
      const recorded = await bobWire.fetchAll();
      expect(recorded).toHaveLength(5);
      await bobWire.ack(recorded);
      await aliceWire.sendRaw(BOB, [...recorded].reverse().map((e) => ({ type: e.type, content: e.content })));

      await bob.client.receive();
      const incoming = texts(bob, ALICE, 'incoming');
      expect(incoming.slice(-5)).toEqual([...sent].reverse());

      await aliceWire.sendRaw(BOB, [{ type: recorded[2]!.type, content: recorded[2]!.content }]);
      const errorsBefore = bob.log.of('error').length;
      await bob.client.receive();
      expect(texts(bob, ALICE, 'incoming')).toEqual(incoming);
      expect(bob.log.of('error').slice(errorsBefore)).toEqual([expect.objectContaining({ code: 'duplicate_message' })]);
    } finally {
      bobWire.close();
      aliceWire.close();
    }
  });

  it('reports a tampered ciphertext and keeps the session usable', async () => {
    const bobWire = await wireAccount(server.address, BOB, bob.dataDir);
    const aliceWire = await wireAccount(server.address, ALICE, alice.dataDir);
    try {
      await alice.client.send(BOB, 'original');
      const [original] = await bobWire.fetchAll();
      await bobWire.ack([original!]);
      const tampered = Buffer.from(original!.content);
      tampered[tampered.length - 12]! ^= 0x01;
      await aliceWire.sendRaw(BOB, [
        { type: original!.type, content: tampered },
        { type: original!.type, content: original!.content },
      ]);

      const errorsBefore = bob.log.of('error').length;
      await bob.client.receive();
      expect(bob.log.of('error').slice(errorsBefore)).toEqual([expect.objectContaining({ code: 'undecryptable' })]);
      expect(texts(bob, ALICE, 'incoming').at(-1)).toBe('original');

      await alice.client.send(BOB, 'after tampering');
      await bob.client.send(ALICE, 'reply after tampering');
      await bob.client.receive();
      await alice.client.receive();
      expect(texts(bob, ALICE, 'incoming').at(-1)).toBe('after tampering');
      expect(texts(alice, BOB, 'incoming').at(-1)).toBe('reply after tampering');
    } finally {
      bobWire.close();
      aliceWire.close();
    }
  });

  it('moves sent messages to read when the contact views the conversation', async () => {
    const message = await alice.client.send(BOB, 'please read');
    await bob.client.receive();
    expect(bob.client.conversations().find((c) => c.number === ALICE)?.unread).toBeGreaterThan(0);
    await bob.client.markRead(ALICE);
    expect(bob.client.conversations().find((c) => c.number === ALICE)?.unread).toBe(0);
    await bob.client.close();
    bob = await bob.reopen();
    await alice.client.receive();
    const stored = alice.client.messages(BOB).find((m) => m.id === message.id);
    expect(stored?.status).toBe('read');
    expect(alice.log.of('receipt').some((r) => r.type === 'read' && r.timestamps.includes(message.timestamp))).toBe(true);
  });
});
