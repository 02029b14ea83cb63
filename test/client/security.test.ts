import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Envelope__Output } from '../../proto/generated/e2ee/v1/Envelope.js';
import { loadOrCreateIdentity } from '../../client/core/account.js';
import { startSessionFromBundle } from '../../client/core/contacts.js';
import { ClientError } from '../../client/core/errors.js';
import { decrypt } from '../../client/core/protocol/cipher.js';
import { openProtocolStores } from '../../client/core/protocol/stores.js';
import { DATABASE_FILE, openDatabaseFile } from '../../client/core/storage/database.js';
import { getSession } from '../../client/core/storage/protocolQueries.js';
import { openTestClient, registeredClient, type TestClient } from '../helpers/clients.js';
import { copyOfDatabase, openContext, wireAccount } from '../helpers/clientWire.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const ALICE = '+15552220001';
const BOB = '+15552220002';
const CAROL = '+15552220003';

/** A copy of a closed client's database: what an attacker who stole the disk would hold. */
function stealDatabase(client: TestClient): string {
  return copyOfDatabase(client.dataDir, 'e2ee-stolen-');
}

/** Tries to decrypt envelopes in order with a stolen database; true for each one that opened. */
async function attackerDecrypts(stolenDir: string, number: string, envelopes: Envelope__Output[]): Promise<boolean[]> {
  const db = openDatabaseFile(join(stolenDir, DATABASE_FILE));
  try {
    const local = loadOrCreateIdentity(db, number);
    const results: boolean[] = [];
    for (const envelope of envelopes) {
      const stores = openProtocolStores(db, local);
      try {
        await decrypt(stores, local, envelope.source, { type: envelope.type, body: new Uint8Array(envelope.content) });
        db.transaction(() => stores.pending.commit(db, Date.now()))();
        results.push(true);
      } catch {
        results.push(false);
      }
    }
    return results;
  } finally {
    db.close();
  }
}

describe('security properties, through a real server', () => {
  let server: TestServer;
  let alice: TestClient;
  let bob: TestClient;
  let carol: TestClient;
  const cleanup: (() => Promise<void> | void)[] = [];

  beforeAll(async () => {
    server = await startTestServer({ rateLimits: false });
    alice = await registeredClient(server.address, ALICE);
    bob = await registeredClient(server.address, BOB);
    carol = await registeredClient(server.address, CAROL);
    await carol.client.close();
    await alice.client.send(BOB, 'hello');
    await bob.client.receive();
    await bob.client.send(ALICE, 'hi');
    await alice.client.receive();
    await bob.client.receive();
  });

  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
    await alice?.dispose();
    await bob?.dispose();
    await carol?.dispose();
    await server?.stop();
  });

  it('forward secrecy: once read, recorded ciphertexts cannot be decrypted with a later copy of the receiver', async () => {
    const bobWire = await wireAccount(server.address, BOB, bob.dataDir);
    cleanup.push(() => bobWire.close());
    for (const text of ['secret 1', 'secret 2', 'secret 3']) await alice.client.send(BOB, text);
    const recorded = await bobWire.fetchAll();
    expect(recorded).toHaveLength(3);

    await bob.client.close();
    const before = stealDatabase(bob);
    cleanup.push(() => rmSync(before, { recursive: true, force: true }));
    bob = await bob.reopen();
    await bob.client.receive();
    // The conversation moves on.
    await bob.client.send(ALICE, 'got them');
    await alice.client.receive();
    await alice.client.send(BOB, 'good');
    await bob.client.receive();
    await bob.client.close();
    const after = stealDatabase(bob);
    cleanup.push(() => rmSync(after, { recursive: true, force: true }));
    bob = await bob.reopen();

    // The mechanics work: a copy taken before reading opens them...
    expect(await attackerDecrypts(before, BOB, recorded)).toEqual([true, true, true]);
    // ...a copy taken after does not: the message keys are gone.
    expect(await attackerDecrypts(after, BOB, recorded)).toEqual([false, false, false]);
  });

  it('post-compromise security: a copy of Alice taken at t cannot read what Bob sends after the next round trip', async () => {
    const aliceWire = await wireAccount(server.address, ALICE, alice.dataDir);
    cleanup.push(() => aliceWire.close());
    await alice.client.close();
    const stolen = stealDatabase(alice);
    cleanup.push(() => rmSync(stolen, { recursive: true, force: true }));
    alice = await alice.reopen();

    await bob.client.send(ALICE, 'before the round trip');
    const [first] = await aliceWire.fetchAll();
    await alice.client.receive();
    await alice.client.send(BOB, 'reply with a fresh ratchet key');
    await bob.client.receive();
    await bob.client.send(ALICE, 'after the round trip');
    const [afterRoundTrip] = await aliceWire.fetchAll();
    await alice.client.receive();

    expect(alice.client.messages(BOB).at(-1)?.text).toBe('after the round trip');
    // The copy reads what it was taken in time for, so the refusal after is the ratchet's doing.
    expect(await attackerDecrypts(stolen, ALICE, [first!, afterRoundTrip!])).toEqual([true, false]);
  });

  describe('bundles', () => {
    it.each([
      ['signed prekey', 'signed_pre_key'],
      ['Kyber prekey', 'kyber_pre_key'],
    ] as const)('refuses a bundle whose %s signature does not verify', async (_label, field) => {
      const { ctx, close } = await openContext(server.address, CAROL, carol.dataDir);
      try {
        const bundle = await ctx.api.getPreKeyBundle(BOB);
        const signature = Buffer.from(bundle[field]!.signature);
        signature[10]! ^= 0x01;
        bundle[field]!.signature = signature;
        const attempt = ctx.protocolLock.run(() => startSessionFromBundle(ctx, BOB, bundle));
        await expect(attempt).rejects.toThrow(ClientError);
        await expect(attempt).rejects.toMatchObject({ code: 'bad_bundle' });
        expect(getSession(ctx.db, `${BOB}.1`)).toBeUndefined();
      } finally {
        close();
      }
    });

    it('forms a session on the last-resort Kyber key once the one-time prekeys are used up', async () => {
      const { ctx, close } = await openContext(server.address, CAROL, carol.dataDir);
      let last;
      try {
        for (let i = 0; i < 101; i++) last = await ctx.api.getPreKeyBundle(BOB);
      } finally {
        close();
      }
      expect(last!.pre_key).toBeNull();

      carol = await carol.reopen();
      await carol.client.send(BOB, 'on the last-resort key');
      await bob.client.receive();
      expect(bob.client.messages(CAROL).map((m) => m.text)).toEqual(['on the last-resort key']);
      await carol.client.close();
    });
  });

  it('identity change: reported, sending blocked until trust, then equal safety numbers', async () => {
    await bob.client.unregister();
    const newBob = await openTestClient(server.address, BOB);
    cleanup.push(() => newBob.dispose());
    await newBob.client.register();

    await newBob.client.send(ALICE, 'new phone, same number');
    await alice.client.receive();
    expect(alice.log.of('identity_changed')).toEqual([{ event: 'identity_changed', number: BOB }]);
    expect(alice.client.messages(BOB).at(-1)?.text).toBe('new phone, same number');
    expect(alice.client.conversations().find((c) => c.number === BOB)?.identityChanged).toBe(true);

    await expect(alice.client.send(BOB, 'blocked')).rejects.toMatchObject({ code: 'untrusted_identity' });

    const safety = await alice.client.trust(BOB);
    expect(safety).toMatch(/^(\d{5} ){11}\d{5}$/);
    expect(await newBob.client.safetyNumber(ALICE)).toBe(safety);
    await alice.client.send(BOB, 'welcome back');
    await newBob.client.receive();
    expect(newBob.client.messages(ALICE).at(-1)?.text).toBe('welcome back');
    expect(alice.client.conversations().find((c) => c.number === BOB)?.identityChanged).toBe(false);

    // Carol, who had a session with the old Bob, learns of the change by fetching the keys.
    carol = await carol.reopen();
    await expect(carol.client.fetchKeys(BOB)).rejects.toMatchObject({ code: 'untrusted_identity' });
    expect(carol.log.of('identity_changed')).toEqual([{ event: 'identity_changed', number: BOB }]);
    await expect(carol.client.send(BOB, 'blocked too')).rejects.toMatchObject({ code: 'untrusted_identity' });
    // Once trusted, her next message starts a session with the new key.
    await carol.client.trust(BOB);
    await carol.client.send(BOB, 'hello new bob');
    await newBob.client.receive();
    expect(newBob.client.messages(CAROL).map((m) => m.text)).toEqual(['hello new bob']);
    await carol.client.close();
  });
});

describe('a server with another server_id', () => {
  it('is refused before anything is signed', async () => {
    const home = await startTestServer({ serverId: 'home-server' });
    const other = await startTestServer({ serverId: 'other-server' });
    const dave = await registeredClient(home.address, '+15552220004');
    try {
      const moved = await dave.reopen(other.address);
      try {
        await expect(moved.client.receive()).rejects.toMatchObject({ code: 'server_mismatch' });
        await moved.client.connect();
        expect(moved.client.connectionState()).toEqual({ state: 'offline', reason: expect.stringContaining('other-server') });
      } finally {
        await moved.dispose();
      }
    } finally {
      await home.stop();
      await other.stop();
    }
  });
});

describe('trust, given the safety number the user compared', () => {
  const DAVE = '+15552220004';
  const ERIN = '+15552220005';
  let server: TestServer;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    server = await startTestServer({ rateLimits: false });
  });

  afterAll(async () => {
    for (const client of clients) await client.dispose();
    await server?.stop();
  });

  /** Dave on a new phone: the number registered again with a new identity key, and a message to Erin from it. */
  async function daveReinstalls(previous: TestClient): Promise<TestClient> {
    await previous.client.unregister();
    const dave = await registeredClient(server.address, DAVE);
    clients.push(dave);
    await dave.client.send(ERIN, 'new phone');
    return dave;
  }

  it('refuses once the key has changed again since, and accepts the current one', async () => {
    const erin = await registeredClient(server.address, ERIN);
    const firstDave = await registeredClient(server.address, DAVE);
    clients.push(erin, firstDave);
    await erin.client.send(DAVE, 'hello');

    const secondDave = await daveReinstalls(firstDave);
    await erin.client.receive();
    const compared = await erin.client.safetyNumber(DAVE);
    // Between Erin's verify and her trust, the key changes again (a server can hand out any key for a number).
    await daveReinstalls(secondDave);
    await erin.client.receive();

    await expect(erin.client.trust(DAVE, compared)).rejects.toMatchObject({ code: 'safety_number_mismatch' });
    await expect(erin.client.send(DAVE, 'still blocked')).rejects.toMatchObject({ code: 'untrusted_identity' });

    const current = await erin.client.safetyNumber(DAVE);
    expect(current).not.toBe(compared);
    // Spaces or not, as the user copied it.
    expect(await erin.client.trust(DAVE, current.replace(/ /g, ''))).toBe(current);
    await erin.client.send(DAVE, 'welcome back');
  });
});
