/** The protocol layer in-process: two parties built inside each test, no server. */
import { describe, expect, it } from '@jest/globals';
import { PrivateKey } from '@signalapp/libsignal-client';
import { rmSync } from 'node:fs';
import { loadOrCreateIdentity } from '../../client/core/account.js';
import { ALL_KEYS, generateKeySet, keySetToWire, storeKeySet } from '../../client/core/keySets.js';
import { backoffDelay } from '../../client/core/net/backoff.js';
import { challengeMessage, signChallenge } from '../../client/core/net/challenge.js';
import { bundleFromWire, decrypt, encrypt, startSession } from '../../client/core/protocol/cipher.js';
import { decodeContent, encodeContent } from '../../client/core/protocol/content.js';
import { pad, unpad } from '../../client/core/protocol/padding.js';
import { safetyNumber } from '../../client/core/protocol/safetyNumber.js';
import { openProtocolStores, StoreError, type LocalIdentity } from '../../client/core/protocol/stores.js';
import { openClientDatabase, type ClientDatabase } from '../../client/core/storage/database.js';
import { getKyberPreKey, getPreKey } from '../../client/core/storage/keyQueries.js';
import { getSession } from '../../client/core/storage/protocolQueries.js';
import { tempDir } from '../helpers/server.js';

interface Party {
  db: ClientDatabase;
  local: LocalIdentity;
  close(): void;
}

function party(number: string): Party {
  const dir = tempDir('e2ee-party-');
  const db = openClientDatabase(dir);
  return {
    db,
    local: loadOrCreateIdentity(db, number),
    close: () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Bob publishes keys; Alice starts a session from his bundle (one-time keys included unless told). */
async function pairUp(opts: { oneTimeKeys: boolean } = { oneTimeKeys: true }): Promise<{ alice: Party; bob: Party; bundleKyberId: number }> {
  const alice = party('+15557770001');
  const bob = party('+15557770002');
  const keys = generateKeySet(bob.db, bob.local, ALL_KEYS, Date.now());
  storeKeySet(bob.db, keys, Date.now());
  const wire = keySetToWire(keys);
  const kyber = opts.oneTimeKeys ? wire.kyber_pre_keys![0]! : wire.kyber_last_resort_pre_key!;
  const bundle = bundleFromWire({
    number: bob.local.number,
    device_id: 1,
    registration_id: bob.local.registrationId,
    identity_key: Buffer.from(bob.local.identityKeyPair.publicKey.serialize()),
    signed_pre_key: wire.signed_pre_key as never,
    pre_key: opts.oneTimeKeys ? (wire.pre_keys![0] as never) : null,
    kyber_pre_key: kyber as never,
  });
  const stores = openProtocolStores(alice.db, alice.local);
  await startSession(stores, alice.local, bundle, bob.local.number);
  stores.pending.commit(alice.db, Date.now());
  return { alice, bob, bundleKyberId: kyber.id! };
}

async function send(from: Party, to: Party, text: string): Promise<{ type: number; body: Uint8Array<ArrayBuffer> }> {
  const stores = openProtocolStores(from.db, from.local);
  const ciphertext = await encrypt(stores, from.local, to.local.number, encodeContent({ kind: 'data', text, timestamp: 1 }));
  stores.pending.commit(from.db, Date.now());
  return ciphertext;
}

async function receive(at: Party, from: Party, ciphertext: { type: number; body: Uint8Array<ArrayBuffer> }, commit = true): Promise<string> {
  const stores = openProtocolStores(at.db, at.local);
  const content = decodeContent(await decrypt(stores, at.local, from.local.number, ciphertext));
  if (commit) stores.pending.commit(at.db, Date.now());
  return content.kind === 'data' ? content.text : '';
}

describe('padding', () => {
  it.each([0, 1, 158, 159, 160, 400])('pads %i bytes to a multiple of 160 and back', (length) => {
    const plaintext = new Uint8Array(length).fill(7);
    const padded = pad(plaintext);
    expect(padded.length % 160).toBe(0);
    expect(padded.length).toBeGreaterThan(length);
    expect(padded[length]).toBe(0x80);
    expect(unpad(padded)).toEqual(plaintext);
  });

  it('refuses input without the marker', () => {
    expect(unpad(new Uint8Array(160))).toBeUndefined();
    expect(unpad(new Uint8Array([1, 2, 0]))).toBeUndefined();
  });

  it('round-trips Content', () => {
    expect(decodeContent(encodeContent({ kind: 'data', text: 'héllo', timestamp: 1795000000000 }))).toEqual({
      kind: 'data',
      text: 'héllo',
      timestamp: 1795000000000,
    });
    expect(decodeContent(encodeContent({ kind: 'receipt', type: 'read', timestamps: [1, 2] }))).toEqual({ kind: 'receipt', type: 'read', timestamps: [1, 2] });
  });
});

describe('sessions over the store adapters', () => {
  it('exchanges messages both ways; the one-time keys are consumed on commit', async () => {
    const { alice, bob, bundleKyberId } = await pairUp();
    try {
      const first = await send(alice, bob, 'hi bob');
      expect(first.type).toBe(3);
      expect(await receive(bob, alice, first)).toBe('hi bob');
      expect(getKyberPreKey(bob.db, bundleKyberId)).toBeUndefined();
      const reply = await send(bob, alice, 'hi alice');
      expect(reply.type).toBe(2);
      expect(await receive(alice, bob, reply)).toBe('hi alice');
    } finally {
      alice.close();
      bob.close();
    }
  });

  it('writes nothing until the pending writes are committed', async () => {
    const { alice, bob } = await pairUp();
    try {
      const first = await send(alice, bob, 'once');
      const preKeyId = keySetPreKeyId(bob);
      expect(await receive(bob, alice, first, false)).toBe('once');
      expect(getSession(bob.db, `${alice.local.number}.1`)).toBeUndefined();
      expect(getPreKey(bob.db, preKeyId)).toBeDefined();
      // As after a crash before the commit: the same envelope decrypts again.
      expect(await receive(bob, alice, first)).toBe('once');
      expect(getPreKey(bob.db, preKeyId)).toBeUndefined();
    } finally {
      alice.close();
      bob.close();
    }
  });

  it('refuses a replayed (Kyber id, signed prekey id, base key) on the last-resort key', async () => {
    const { alice, bob, bundleKyberId } = await pairUp({ oneTimeKeys: false });
    try {
      expect(await receive(bob, alice, await send(alice, bob, 'on last resort'))).toBe('on last resort');
      expect(getKyberPreKey(bob.db, bundleKyberId)?.lastResort).toBe(true);
      const stores = openProtocolStores(bob.db, bob.local);
      const baseKey = PrivateKey.generate().getPublicKey();
      await stores.kyberPreKey.markKyberPreKeyUsed(bundleKyberId, 1, baseKey);
      await expect(stores.kyberPreKey.markKyberPreKeyUsed(bundleKyberId, 1, baseKey)).rejects.toThrow(StoreError);
      stores.pending.commit(bob.db, Date.now());
      await expect(openProtocolStores(bob.db, bob.local).kyberPreKey.markKyberPreKeyUsed(bundleKyberId, 1, baseKey)).rejects.toMatchObject({
        code: 'kyber_prekey_reused',
      });
    } finally {
      alice.close();
      bob.close();
    }
  });

  it('gives both sides the same safety number, which changes with a key', () => {
    const a = { number: '+15557770001', key: PrivateKey.generate().getPublicKey() };
    const b = { number: '+15557770002', key: PrivateKey.generate().getPublicKey() };
    const fromA = safetyNumber(a, b);
    expect(fromA).toMatch(/^(\d{5} ){11}\d{5}$/);
    expect(safetyNumber(b, a)).toBe(fromA);
    expect(safetyNumber(a, { ...b, key: PrivateKey.generate().getPublicKey() })).not.toBe(fromA);
  });
});

function keySetPreKeyId(bob: Party): number {
  const row = bob.db.prepare('SELECT min(id) AS id FROM prekeys').get() as { id: number };
  return row.id;
}

describe('signed challenge', () => {
  it('signs label, server id, number and nonce, separated by zero bytes', () => {
    const message = challengeMessage('srv', '+1555', new Uint8Array([9, 9]));
    expect(Buffer.from(message)).toEqual(Buffer.concat([Buffer.from('e2ee-auth-v1\0srv\0+1555\0'), Buffer.from([9, 9])]));
    const key = PrivateKey.generate();
    const signed = signChallenge({ nonce: Buffer.from([9, 9]), expires_at_ms: '0', server_id: 'srv' }, '+1555', key, 'srv');
    expect(key.getPublicKey().verify(message, new Uint8Array(signed.signature))).toBe(true);
  });

  it('refuses a challenge from a server other than the pinned one', () => {
    const challenge = { nonce: Buffer.from([1]), expires_at_ms: '0', server_id: 'evil' };
    expect(() => signChallenge(challenge, '+1555', PrivateKey.generate(), 'home')).toThrow(expect.objectContaining({ code: 'server_mismatch' }));
  });
});

describe('reconnect backoff', () => {
  it('doubles from 0.5 s with jitter and caps at 30 s', () => {
    expect(backoffDelay(1, undefined, () => 0)).toBe(250);
    expect(backoffDelay(1, undefined, () => 1)).toBe(500);
    expect(backoffDelay(3, undefined, () => 1)).toBe(2000);
    expect(backoffDelay(20, undefined, () => 1)).toBe(30_000);
    expect(backoffDelay(20, undefined, () => 0)).toBe(15_000);
  });
});
