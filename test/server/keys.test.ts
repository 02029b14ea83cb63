import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { status, type Metadata } from '@grpc/grpc-js';
import type { GetPreKeyBundleRequest } from '../../proto/generated/e2ee/v1/GetPreKeyBundleRequest.js';
import type { PreKeyBundle__Output } from '../../proto/generated/e2ee/v1/PreKeyBundle.js';
import type { PreKeyCount__Output } from '../../proto/generated/e2ee/v1/PreKeyCount.js';
import type { UploadPreKeysRequest } from '../../proto/generated/e2ee/v1/UploadPreKeysRequest.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  call,
  codeOf,
  connect,
  flipBit,
  freshNumber,
  makeDeviceKeys,
  register,
  registerRequest,
  type Stubs,
} from '../helpers/wire.js';

let server: TestServer;
let stubs: Stubs;

beforeAll(async () => {
  // Rate limits off here: 50 fetchers from distinct accounts is their own test, below.
  server = await startTestServer({ rateLimits: false });
  stubs = connect(server.address);
});
afterAll(async () => {
  stubs.close();
  await server.stop();
});

const bundle = (auth: Metadata, number: string) =>
  call<GetPreKeyBundleRequest, PreKeyBundle__Output>(stubs.keys, stubs.keys.GetPreKeyBundle, { number }, auth);
const upload = (auth: Metadata, req: UploadPreKeysRequest) =>
  call<UploadPreKeysRequest, PreKeyCount__Output>(stubs.keys, stubs.keys.UploadPreKeys, req, auth);
const count = (auth: Metadata) => call<object, PreKeyCount__Output>(stubs.keys, stubs.keys.GetPreKeyCount, {}, auth);

/** An upload request built from fresh keys signed by the account's identity. */
function uploadFor(keys: ReturnType<typeof makeDeviceKeys>, fresh: ReturnType<typeof makeDeviceKeys>): UploadPreKeysRequest {
  const reg = registerRequest({ ...fresh, identity: keys.identity }, '+15550000000', { nonce: Buffer.alloc(32), server_id: 'x' });
  // re-sign the fresh public keys with the account's identity
  const sign = (pub: Buffer) => Buffer.from(keys.identity.privateKey.sign(new Uint8Array(pub)));
  return {
    signed_pre_key: { ...reg.signed_pre_key!, signature: sign(reg.signed_pre_key!.public_key as Buffer) },
    kyber_last_resort_pre_key: {
      ...reg.kyber_last_resort_pre_key!,
      signature: sign(reg.kyber_last_resort_pre_key!.public_key as Buffer),
    },
    pre_keys: reg.pre_keys,
    kyber_pre_keys: reg.kyber_pre_keys!.map((k) => ({ ...k, signature: sign(k.public_key as Buffer) })),
  };
}

describe('GetPreKeyBundle', () => {
  it('returns the identity, signed prekey and one one-time key of each kind, each handed out once', async () => {
    const bob = await register(stubs, freshNumber());
    const alice = await register(stubs, freshNumber());
    const first = await bundle(alice.auth, bob.number);
    expect(first.number).toBe(bob.number);
    expect(first.device_id).toBe(1);
    expect(first.registration_id).toBe(bob.keys.registrationId);
    expect(Buffer.from(first.identity_key).equals(Buffer.from(bob.keys.identity.publicKey.serialize()))).toBe(true);
    expect(first.signed_pre_key!.id).toBe(bob.keys.signedPreKey.id);
    const second = await bundle(alice.auth, bob.number);
    expect(second.pre_key!.id).not.toBe(first.pre_key!.id);
    expect(second.kyber_pre_key!.id).not.toBe(first.kyber_pre_key!.id);
    expect(await count(bob.auth)).toEqual({ ec: 1, kyber: 1 });
  });

  it('after the one-time keys run out, omits the EC prekey and falls back to the last-resort Kyber key', async () => {
    const bob = await register(stubs, freshNumber(), makeDeviceKeys({ preKeys: 1, kyberPreKeys: 1 }));
    const alice = await register(stubs, freshNumber());
    await bundle(alice.auth, bob.number);
    for (let i = 0; i < 3; i++) {
      const b = await bundle(alice.auth, bob.number);
      expect(b.pre_key).toBeNull();
      expect(b.kyber_pre_key!.id).toBe(bob.keys.kyberLastResort.id);
    }
    expect(await count(bob.auth)).toEqual({ ec: 0, kyber: 0 });
  });

  it('hands each one-time prekey to exactly one of 50 concurrent fetchers', async () => {
    const bob = await register(stubs, freshNumber(), makeDeviceKeys({ preKeys: 30, kyberPreKeys: 30 }));
    const fetchers = await Promise.all(Array.from({ length: 50 }, () => register(stubs, freshNumber(), makeDeviceKeys({ preKeys: 0, kyberPreKeys: 0 }))));
    const bundles = await Promise.all(fetchers.map((f) => bundle(f.auth, bob.number)));
    const ecIds = bundles.flatMap((b) => (b.pre_key ? [b.pre_key.id] : []));
    const kyberOneTime = bundles.map((b) => b.kyber_pre_key!.id).filter((id) => id !== bob.keys.kyberLastResort.id);
    expect(ecIds).toHaveLength(30);
    expect(new Set(ecIds).size).toBe(30);
    expect(kyberOneTime).toHaveLength(30);
    expect(new Set(kyberOneTime).size).toBe(30);
    expect(bundles.filter((b) => b.kyber_pre_key!.id === bob.keys.kyberLastResort.id)).toHaveLength(20);
  });

  it('is NOT_FOUND for an unknown number and INVALID_ARGUMENT for a malformed one', async () => {
    const alice = await register(stubs, freshNumber());
    expect(await codeOf(bundle(alice.auth, '+19999999999'))).toBe(status.NOT_FOUND);
    expect(await codeOf(bundle(alice.auth, 'bob'))).toBe(status.INVALID_ARGUMENT);
  });
});

describe('UploadPreKeys', () => {
  it('replaces each kind given, keeps the others, and returns the counts', async () => {
    const keys = makeDeviceKeys({ preKeys: 5, kyberPreKeys: 5 });
    const bob = await register(stubs, freshNumber(), keys);
    const fresh = uploadFor(keys, makeDeviceKeys({ preKeys: 2, kyberPreKeys: 0, firstId: 500 }));
    expect(await upload(bob.auth, { pre_keys: fresh.pre_keys })).toEqual({ ec: 2, kyber: 5 });
    expect(await upload(bob.auth, {})).toEqual({ ec: 2, kyber: 5 });
    const alice = await register(stubs, freshNumber());
    expect((await bundle(alice.auth, bob.number)).pre_key!.id).toBe(500);
  });

  it('installs a new signed prekey and last-resort key', async () => {
    const keys = makeDeviceKeys({ preKeys: 0, kyberPreKeys: 0 });
    const bob = await register(stubs, freshNumber(), keys);
    const fresh = uploadFor(keys, makeDeviceKeys({ firstId: 900 }));
    await upload(bob.auth, { signed_pre_key: fresh.signed_pre_key, kyber_last_resort_pre_key: fresh.kyber_last_resort_pre_key });
    const alice = await register(stubs, freshNumber());
    const b = await bundle(alice.auth, bob.number);
    expect(b.signed_pre_key!.id).toBe(900);
    expect(b.kyber_pre_key!.id).toBe(1900);
  });

  it('rejects the whole request when any signature fails, storing nothing', async () => {
    const keys = makeDeviceKeys({ preKeys: 3, kyberPreKeys: 3 });
    const bob = await register(stubs, freshNumber(), keys);
    const fresh = uploadFor(keys, makeDeviceKeys({ preKeys: 4, kyberPreKeys: 4, firstId: 700 }));
    flipBit(fresh.kyber_pre_keys![3]!.signature as Buffer, 0);
    expect(await codeOf(upload(bob.auth, fresh))).toBe(status.INVALID_ARGUMENT);
    expect(await count(bob.auth)).toEqual({ ec: 3, kyber: 3 });
    const alice = await register(stubs, freshNumber());
    expect((await bundle(alice.auth, bob.number)).signed_pre_key!.id).toBe(keys.signedPreKey.id);
  });

  it('refuses keys signed by another identity and more than 100 in a list', async () => {
    const keys = makeDeviceKeys();
    const bob = await register(stubs, freshNumber(), keys);
    const foreign = uploadFor(makeDeviceKeys(), makeDeviceKeys());
    expect(await codeOf(upload(bob.auth, { signed_pre_key: foreign.signed_pre_key }))).toBe(status.INVALID_ARGUMENT);
    const many = uploadFor(keys, makeDeviceKeys({ preKeys: 1, kyberPreKeys: 0 }));
    const tooMany = Array.from({ length: 101 }, (_, i) => ({ ...many.pre_keys![0]!, id: i + 1 }));
    expect(await codeOf(upload(bob.auth, { pre_keys: tooMany }))).toBe(status.INVALID_ARGUMENT);
  });

  it('needs a session token', async () => {
    const keys = makeDeviceKeys();
    const md = (await register(stubs, freshNumber(), keys)).auth.clone();
    md.set('authorization', 'Bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    expect(await codeOf(upload(md, {}))).toBe(status.UNAUTHENTICATED);
  });
});
