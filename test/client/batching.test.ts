/**
 * Group commit on both sides: concurrent sends share commits and Send calls,
 * a received batch is committed at once, and delivery receipts are coalesced.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MailboxStream } from '../../client/core/net/mailboxStream.js';
import { signIn } from '../../client/core/signIn.js';
import { registeredClient, TEST_BACKOFF, type TestClient } from '../helpers/clients.js';
import { openContext, wireAccount } from '../helpers/clientWire.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const ALICE = '+15556660001';
const BOB = '+15556660002';

function incomingTexts(client: TestClient, conversation: string): string[] {
  return client.client
    .messages(conversation)
    .filter((m) => m.direction === 'incoming')
    .map((m) => m.text);
}

describe('batched sending and receiving', () => {
  let server: TestServer;
  let alice: TestClient;
  let bob: TestClient;

  beforeAll(async () => {
    server = await startTestServer({ rateLimits: false });
    alice = await registeredClient(server.address, ALICE);
    bob = await registeredClient(server.address, BOB);
    await alice.client.send(BOB, 'hello');
    await bob.client.receive();
    await alice.client.receive();
  });

  afterAll(async () => {
    await alice?.dispose();
    await bob?.dispose();
    await server?.stop();
  });

  it('sends a burst of 300 concurrent sends once each, in call order, and the receiver stores them once, in order', async () => {
    const texts = Array.from({ length: 300 }, (_, i) => `burst ${i}`);
    const sent = await Promise.all(texts.map((text) => alice.client.send(BOB, text)));

    expect(sent.map((m) => m.status)).toEqual(texts.map(() => 'sent'));
    const timestamps = sent.map((m) => m.timestamp);
    expect(timestamps).toEqual([...timestamps].sort((a, b) => a - b));
    expect(new Set(timestamps).size).toBe(texts.length);

    const before = incomingTexts(bob, ALICE);
    expect(await bob.client.receive()).toBe(texts.length);
    expect(incomingTexts(bob, ALICE)).toEqual([...before, ...texts]);
    expect(await bob.client.receive()).toBe(0);
  }, 120_000);

  it('covers a drained burst with at most one delivery receipt per received batch, naming every message once', async () => {
    await alice.client.receive();
    const texts = Array.from({ length: 250 }, (_, i) => `receipted ${i}`);
    const sent = await Promise.all(texts.map((text) => alice.client.send(BOB, text)));
    await bob.client.receive();

    const receiptsBefore = alice.log.of('receipt').length;
    await alice.client.receive();
    const receipts = alice.log.of('receipt').slice(receiptsBefore);
    // Bob drains 250 in three fetched pages (batches); each receipt envelope is one receipt event here.
    expect(receipts.length).toBeGreaterThanOrEqual(1);
    expect(receipts.length).toBeLessThanOrEqual(3);
    expect(receipts.every((r) => r.from === BOB && r.type === 'delivery')).toBe(true);
    expect(receipts.flatMap((r) => r.timestamps)).toEqual(sent.map((m) => m.timestamp));
    const stored = new Map(alice.client.messages(BOB).map((m) => [m.id, m.status]));
    expect(sent.map((m) => stored.get(m.id))).toEqual(texts.map(() => 'delivered'));
  }, 120_000);

  it('stores the rest of a batch around a replayed and an undecryptable envelope, and acks all of them', async () => {
    const bobWire = await wireAccount(server.address, BOB, bob.dataDir);
    const aliceWire = await wireAccount(server.address, ALICE, alice.dataDir);
    try {
      const texts = ['one', 'two', 'three', 'four'];
      for (const text of texts) await alice.client.send(BOB, text);
      const recorded = await bobWire.fetchAll();
      expect(recorded).toHaveLength(texts.length);
      await bobWire.ack(recorded);
      const [first, second, third, fourth] = recorded.map((e) => ({ type: e.type, content: e.content }));
      const tampered = { type: third!.type, content: Buffer.from(third!.content) };
      tampered.content[tampered.content.length - 12]! ^= 0x01;
      // One Send, so one fetched page and one batch on Bob's side.
      await aliceWire.sendRaw(BOB, [first!, second!, second!, tampered, third!, fourth!]);

      const before = incomingTexts(bob, ALICE);
      const errorsBefore = bob.log.of('error').length;
      expect(await bob.client.receive()).toBe(6);
      expect(incomingTexts(bob, ALICE)).toEqual([...before, ...texts]);
      expect(bob.log.of('error').slice(errorsBefore).map((e) => e.code)).toEqual(['duplicate_message', 'undecryptable']);
      expect(await bobWire.fetchAll()).toEqual([]);
    } finally {
      bobWire.close();
      aliceWire.close();
    }
  });

  it('hands envelopes that arrive together on the live stream to one batch, the first of a burst included', async () => {
    const texts = Array.from({ length: 20 }, (_, i) => `together ${i}`);
    for (const text of texts) await alice.client.send(BOB, text);
    // Bob's folder, without his client, under a stream whose batches are counted.
    await bob.client.close();
    const { ctx, close } = await openContext(server.address, BOB, bob.dataDir);
    const batches: number[] = [];
    const errors: unknown[] = [];
    let allArrived!: () => void;
    const arrived = new Promise<void>((resolve) => (allArrived = resolve));
    const stream = new MailboxStream(
      ctx.api,
      {
        authenticate: () => signIn(ctx),
        onConnected: () => {},
        onEnvelopes: async (envelopes) => {
          batches.push(envelopes.length);
          await ctx.api.ack(envelopes.map((e) => e.guid));
          if (batches.reduce((a, b) => a + b, 0) >= texts.length) allArrived();
        },
        onQueueEmpty: () => {},
        onState: () => {},
        onError: (err) => errors.push(err),
      },
      TEST_BACKOFF,
    );
    try {
      await stream.start();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`only ${batches.join('+')} arrived`)), 10_000)));
      await Promise.race([arrived, timedOut]).finally(() => clearTimeout(timer));
      expect(errors).toEqual([]);
      expect(batches.reduce((a, b) => a + b, 0)).toBe(texts.length);
      // The server writes the queued page in one go; handled as it came, the first would be a batch of one.
      expect(batches[0]).toBeGreaterThan(1);
    } finally {
      await stream.stop();
      close();
      bob = await bob.reopen();
    }
  });
});
