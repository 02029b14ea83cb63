import { afterEach, describe, expect, it } from '@jest/globals';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { SendRequest } from '../../proto/generated/e2ee/v1/SendRequest.js';
import type { SendResponse__Output } from '../../proto/generated/e2ee/v1/SendResponse.js';
import { spawnServer, tempDir, type ChildServer } from '../helpers/server.js';
import { call, connect, freshNumber, register, subscribe, type Stubs } from '../helpers/wire.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function started(dbPath: string, port?: number): Promise<{ server: ChildServer; stubs: Stubs }> {
  const server = await spawnServer({ dbPath, port, rateLimits: false });
  const stubs = connect(server.address);
  cleanups.push(() => stubs.close(), () => server.stop());
  return { server, stubs };
}

describe('durability', () => {
  it('keeps every envelope whose Send returned across kill -9: all 500 arrive, in order, once', async () => {
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const dbPath = join(dir, 'server.db');

    const first = await started(dbPath);
    const alice = await register(first.stubs, freshNumber());
    const bob = await register(first.stubs, freshNumber());
    const sentGuids: string[] = [];
    for (let i = 0; i < 500; i++) {
      const res = await call<SendRequest, SendResponse__Output>(
        first.stubs.mailbox,
        first.stubs.mailbox.Send,
        { destination: bob.number, messages: [{ type: 2, content: Buffer.from(`msg ${i}`), client_timestamp: String(i) }] },
        alice.auth,
      );
      sentGuids.push(res.guids[0]!);
    }
    await first.server.kill9();
    expect(first.server.proc.signalCode).toBe('SIGKILL');

    // Same database; bob's token was stored hashed, so it survives the restart.
    const second = await started(dbPath);
    const stream = subscribe(second.stubs, bob.auth);
    cleanups.push(() => stream.cancel());
    const received: string[] = [];
    const acked = new Set<string>();
    // Ack as we go so the in-flight window moves through all 500.
    while (received.length < 500) {
      const envelopes = stream.envelopes();
      const fresh = envelopes.slice(received.length);
      for (const e of fresh) received.push(e.guid);
      const toAck = fresh.map((e) => e.guid).filter((g) => !acked.has(g));
      toAck.forEach((g) => acked.add(g));
      if (toAck.length > 0) await call(second.stubs.mailbox, second.stubs.mailbox.Ack, { guids: toAck }, bob.auth);
      if (received.length < 500) await stream.until(() => stream.envelopes().length > received.length, 15_000);
    }
    await stream.until((events) => events.some((e) => e.queue_empty), 15_000);
    expect(received).toEqual(sentGuids);
    expect(new Set(received).size).toBe(500);
    expect(stream.envelopes().map((e) => e.content.toString())).toEqual(Array.from({ length: 500 }, (_, i) => `msg ${i}`));
  });
});
