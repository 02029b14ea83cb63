/**
 * Fault injection on the server: named failpoints SIGKILL the child process at
 * a precise step; the test restarts it on the same database and checks what
 * survived. PRAGMA integrity_check must be ok after every crash.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { FetchResponse__Output } from '../../proto/generated/e2ee/v1/FetchResponse.js';
import type { PreKeyBundle__Output } from '../../proto/generated/e2ee/v1/PreKeyBundle.js';
import type { SendRequest } from '../../proto/generated/e2ee/v1/SendRequest.js';
import type { SendResponse__Output } from '../../proto/generated/e2ee/v1/SendResponse.js';
import { spawnServer, tempDir, type ChildServer } from '../helpers/server.js';
import { call, connect, freshNumber, makeDeviceKeys, register, subscribe, type Stubs, type TestAccount } from '../helpers/wire.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Running {
  server: ChildServer;
  stubs: Stubs;
}

async function start(dbPath: string, failpoint?: string): Promise<Running> {
  const server = await spawnServer({ dbPath, rateLimits: false, env: failpoint ? { E2EE_FAILPOINTS: failpoint } : {} });
  const stubs = connect(server.address);
  cleanups.push(() => stubs.close(), () => server.stop());
  return { server, stubs };
}

function freshDb(): string {
  const dir = tempDir();
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'server.db');
}

function integrity(dbPath: string): string {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}

async function crashed(running: Running): Promise<void> {
  await running.server.exited;
  expect(running.server.proc.signalCode).toBe('SIGKILL');
  running.stubs.close();
}

const sendOne = (r: Running, from: TestAccount, to: string, text: string, guid: string) =>
  call<SendRequest, SendResponse__Output>(
    r.stubs.mailbox,
    r.stubs.mailbox.Send,
    { destination: to, messages: [{ guid, type: 2, content: Buffer.from(text), client_timestamp: '42' }] },
    from.auth,
  );

const bundleOf = (r: Running, caller: TestAccount, number: string) =>
  call<object, PreKeyBundle__Output>(r.stubs.keys, r.stubs.keys.GetPreKeyBundle, { number }, caller.auth);

describe('server crashes', () => {
  it('after a Send commits and before it replies: the retried guid yields exactly one envelope', async () => {
    const dbPath = freshDb();
    const setup = await start(dbPath);
    const alice = await register(setup.stubs, freshNumber());
    const bob = await register(setup.stubs, freshNumber());
    await setup.server.stop();

    const first = await start(dbPath, 'server.send.after-commit');
    const guid = randomUUID();
    await expect(sendOne(first, alice, bob.number, 'exactly once', guid)).rejects.toBeDefined();
    await crashed(first);
    expect(integrity(dbPath)).toBe('ok');

    const second = await start(dbPath);
    // Committed before the crash: queued already, before any retry.
    const beforeRetry = await call<object, FetchResponse__Output>(second.stubs.mailbox, second.stubs.mailbox.Fetch, {}, bob.auth);
    expect(beforeRetry.envelopes.map((e) => e.content.toString())).toEqual(['exactly once']);
    const retry = await sendOne(second, alice, bob.number, 'exactly once', guid);
    const again = await sendOne(second, alice, bob.number, 'exactly once', guid);
    expect(again).toEqual(retry);
    const page = await call<object, FetchResponse__Output>(second.stubs.mailbox, second.stubs.mailbox.Fetch, {}, bob.auth);
    expect(page.envelopes.map((e) => e.content.toString())).toEqual(['exactly once']);
    expect(page.envelopes[0]!.guid).toBe(retry.guids[0]);
  });

  it('inside prekey hand-out before the commit: the key was not handed out and still is', async () => {
    const dbPath = freshDb();
    const setup = await start(dbPath);
    const bob = await register(setup.stubs, freshNumber(), makeDeviceKeys({ preKeys: 2, kyberPreKeys: 2 }));
    const alice = await register(setup.stubs, freshNumber());
    await setup.server.stop();

    const first = await start(dbPath, 'server.bundle.before-commit');
    await expect(bundleOf(first, alice, bob.number)).rejects.toBeDefined();
    await crashed(first);
    expect(integrity(dbPath)).toBe('ok');

    const second = await start(dbPath);
    const bundle = await bundleOf(second, alice, bob.number);
    expect(bundle.pre_key!.id).toBe(bob.keys.preKeys[0]!.id);
    expect(bundle.kyber_pre_key!.id).toBe(bob.keys.kyberPreKeys[0]!.id);
  });

  it('inside prekey hand-out after the commit: the handed-out key is never handed out again', async () => {
    const dbPath = freshDb();
    const setup = await start(dbPath);
    const bob = await register(setup.stubs, freshNumber(), makeDeviceKeys({ preKeys: 2, kyberPreKeys: 2 }));
    const alice = await register(setup.stubs, freshNumber());
    await setup.server.stop();

    const first = await start(dbPath, 'server.bundle.after-commit');
    await expect(bundleOf(first, alice, bob.number)).rejects.toBeDefined();
    await crashed(first);
    expect(integrity(dbPath)).toBe('ok');

    const second = await start(dbPath);
    const bundles = [await bundleOf(second, alice, bob.number), await bundleOf(second, alice, bob.number)];
    expect(bundles[0]!.pre_key!.id).toBe(bob.keys.preKeys[1]!.id);
    expect(bundles[1]!.pre_key).toBeNull();
    expect(bundles.map((b) => b.kyber_pre_key!.id)).toEqual([bob.keys.kyberPreKeys[1]!.id, bob.keys.kyberLastResort.id]);
  });

  it('during a 1,000-envelope delivery with acks in flight: every envelope is acked once or redelivered, none lost', async () => {
    const dbPath = freshDb();
    const setup = await start(dbPath);
    const alice = await register(setup.stubs, freshNumber());
    const bob = await register(setup.stubs, freshNumber());
    const sent: string[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await call<SendRequest, SendResponse__Output>(
        setup.stubs.mailbox,
        setup.stubs.mailbox.Send,
        { destination: bob.number, messages: Array.from({ length: 100 }, (_, j) => ({ type: 2, content: Buffer.from(`e${i * 100 + j}`), client_timestamp: '1' })) },
        alice.auth,
      );
      sent.push(...res.guids);
    }
    await setup.server.stop();

    const first = await start(dbPath, 'server.delivery.after-envelope@600');
    const stream = subscribe(first.stubs, bob.auth);
    const attemptedAcks = new Set<string>(); // sent by the client; the server may have died before committing
    const confirmedAcks = new Set<string>(); // the server answered: committed
    let ackedUpTo = 0;
    // Ack in batches of 50 as envelopes arrive, until the server dies mid-delivery.
    const acking = (async () => {
      for (;;) {
        const got = stream.envelopes();
        if (got.length - ackedUpTo >= 50 || (got.length > ackedUpTo && got.length >= 1000)) {
          const batch = got.slice(ackedUpTo, ackedUpTo + 50).map((e) => e.guid);
          ackedUpTo += batch.length;
          batch.forEach((g) => attemptedAcks.add(g));
          try {
            await call(first.stubs.mailbox, first.stubs.mailbox.Ack, { guids: batch }, bob.auth);
            batch.forEach((g) => confirmedAcks.add(g));
          } catch {
            return;
          }
        } else {
          const status = await Promise.race([stream.ended.then(() => 'ended' as const), new Promise((r) => setTimeout(r, 20, 'tick'))]);
          if (status === 'ended') return;
        }
      }
    })();
    await crashed(first);
    await acking;
    const firstRun = stream.envelopes().map((e) => e.guid);
    expect(firstRun.length).toBeGreaterThanOrEqual(256);
    expect(firstRun.length).toBeLessThan(1000);
    expect(integrity(dbPath)).toBe('ok');

    const second = await start(dbPath);
    const redelivery = subscribe(second.stubs, bob.auth);
    cleanups.push(() => redelivery.cancel());
    const secondRun: string[] = [];
    const caughtUp = () => redelivery.events.some((e) => e.queue_empty) && redelivery.envelopes().length === secondRun.length;
    while (!caughtUp()) {
      await redelivery.until((events) => events.some((e) => e.queue_empty) || redelivery.envelopes().length > secondRun.length, 15_000);
      const fresh = redelivery.envelopes().slice(secondRun.length).map((e) => e.guid);
      secondRun.push(...fresh);
      if (fresh.length > 0) await call(second.stubs.mailbox, second.stubs.mailbox.Ack, { guids: fresh }, bob.auth);
    }
    // none lost: every envelope reached the client and was acked there, or is redelivered
    const lost = sent.filter((g) => !attemptedAcks.has(g) && !secondRun.includes(g));
    expect(lost).toEqual([]);
    expect(confirmedAcks.size).toBeGreaterThan(0);
    // none acked twice: a confirmed ack is never redelivered
    expect(secondRun.filter((g) => confirmedAcks.has(g))).toEqual([]);
    // redelivery keeps the stored order
    expect(secondRun).toEqual(sent.filter((g) => secondRun.includes(g)));
  });
});
