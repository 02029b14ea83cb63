// DeliveryStream on a real SQLite file, driven as MailboxService drives it:
// envelopes are inserted, then announced with committed(), in commit order.
import { describe, expect, it } from '@jest/globals';
import { DeliveryStream, HeldBytes, type DeliverySink } from '../../server/domain/delivery.js';
import { systemClock, type Envelope } from '../../server/domain/types.js';
import { insertAccount } from '../../server/storage/accounts.js';
import { insertEnvelopes } from '../../server/storage/mailbox.js';
import { serverDatabaseForFile } from '../helpers/server.js';

const temp = serverDatabaseForFile();

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const DAY = 24 * 3600_000;

function streamFor(number: string, budget: HeldBytes, maxInFlight: number) {
  const account = { id: insertAccount(temp.db, { number, identityKey: new Uint8Array(33), registrationId: 1, now: 0 }), number, identityKey: new Uint8Array(33), registrationId: 1 };
  const sent: Envelope[] = [];
  const sink: DeliverySink = { sendEnvelope: (e) => (sent.push(e), true), sendQueueEmpty: () => true, onDrain: () => {} };
  const stream = new DeliveryStream(temp.db, account, sink, maxInFlight, DAY, systemClock, budget, () => {});
  /** Stores `count` envelopes the way storeEnvelopes does, then announces them. */
  const commit = (label: string, count: number) => {
    const now = Date.now();
    const fresh = Array.from({ length: count }, (_, i) => ({
      guid: `${label}-${i}`, destinationId: account.id, source: '+15550000001', sourceDevice: 1, type: 2,
      content: Buffer.alloc(100, i), clientTimestamp: now, serverTimestamp: now,
    }));
    const ids = insertEnvelopes(temp.db, fresh);
    stream.committed(fresh.map((e, i) => ({ ...e, id: ids[i]!, destination: number })));
  };
  return { stream, sent, commit };
}

describe('DeliveryStream', () => {
  it('falls back to the queue when the shared budget is spent, and still sends everything once, in order', async () => {
    const budget = new HeldBytes(250); // two 100-byte envelopes
    const { stream, sent, commit } = streamFor('+15550009001', budget, 4);
    stream.pump(); // reads the empty queue to its end: new commits may be held from now on
    for (let batch = 0; batch < 5; batch++) commit(`b${batch}`, 10);
    await nextTurn();
    expect(sent).toHaveLength(4); // the window
    while (sent.length < 50) {
      const before = sent.length;
      stream.acked(sent.slice(-4).map((e) => e.guid));
      await nextTurn();
      expect(sent.length).toBeGreaterThan(before);
      expect(budget.total).toBeLessThanOrEqual(250 + 4 * 100); // a page read from the queue may pass it
    }
    const expected = Array.from({ length: 5 }, (_, b) => Array.from({ length: 10 }, (_, i) => `b${b}-${i}`)).flat();
    expect(sent.map((e) => e.guid)).toEqual(expected);
    expect(budget.total).toBe(0);
  });

  it('gives back what it held when its transport ends', async () => {
    const budget = new HeldBytes(1024 * 1024);
    const { stream, sent, commit } = streamFor('+15550009002', budget, 2);
    stream.pump();
    commit('c', 8);
    await nextTurn();
    expect(sent).toHaveLength(2);
    expect(budget.total).toBe(6 * 100);
    stream.transportEnded();
    expect(budget.total).toBe(0);
    commit('d', 3); // later commits are ignored
    await nextTurn();
    expect(budget.total).toBe(0);
    expect(sent).toHaveLength(2);
  });
});
