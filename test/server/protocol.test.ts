/**
 * PQXDH through the server: two libsignal identities register, Alice fetches
 * Bob's bundle, processes it, encrypts; the envelope crosses the mailbox; Bob
 * decrypts it with the private halves of the prekeys the server handed out.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CiphertextMessageType,
  PreKeySignalMessage,
  SignalMessage,
  processPreKeyBundle,
  signalDecrypt,
  signalDecryptPreKey,
  signalEncrypt,
} from '@signalapp/libsignal-client';
import type { GetPreKeyBundleRequest } from '../../proto/generated/e2ee/v1/GetPreKeyBundleRequest.js';
import type { PreKeyBundle__Output } from '../../proto/generated/e2ee/v1/PreKeyBundle.js';
import type { FetchResponse__Output } from '../../proto/generated/e2ee/v1/FetchResponse.js';
import { memoryDevice, type MemoryDevice } from '../helpers/memoryStores.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { bundleFromWire, call, connect, freshNumber, makeDeviceKeys, register, type Stubs, type TestAccount } from '../helpers/wire.js';

let server: TestServer;
let stubs: Stubs;

beforeAll(async () => {
  server = await startTestServer();
  stubs = connect(server.address);
});
afterAll(async () => {
  stubs.close();
  await server.stop();
});

const u8 = (b: Buffer) => new Uint8Array(b);

async function sendEncrypted(from: TestAccount, fromDevice: MemoryDevice, to: TestAccount, toDevice: MemoryDevice, text: string) {
  const ciphertext = await signalEncrypt(new Uint8Array(Buffer.from(text)), toDevice.address, fromDevice.address, fromDevice.sessions, fromDevice.identities);
  await call(stubs.mailbox, stubs.mailbox.Send, {
    destination: to.number,
    messages: [{ type: ciphertext.type(), content: Buffer.from(ciphertext.serialize()), client_timestamp: String(Date.now()) }],
  }, from.auth);
  return ciphertext.type();
}

async function receiveAll(account: TestAccount, device: MemoryDevice, senderDevice: MemoryDevice): Promise<string[]> {
  const page = await call<object, FetchResponse__Output>(stubs.mailbox, stubs.mailbox.Fetch, {}, account.auth);
  const texts: string[] = [];
  for (const e of page.envelopes) {
    const plaintext =
      e.type === CiphertextMessageType.PreKey
        ? await signalDecryptPreKey(PreKeySignalMessage.deserialize(u8(e.content)), senderDevice.address, device.address, device.sessions, device.identities, device.preKeys, device.signedPreKeys, device.kyberPreKeys)
        : await signalDecrypt(SignalMessage.deserialize(u8(e.content)), senderDevice.address, device.address, device.sessions, device.identities);
    texts.push(Buffer.from(plaintext).toString());
  }
  await call(stubs.mailbox, stubs.mailbox.Ack, { guids: page.envelopes.map((e) => e.guid) }, account.auth);
  return texts;
}

describe('PQXDH and the Double Ratchet through the server', () => {
  it('a PreKey message from a fetched bundle decrypts on the other side, and the reply is a Whisper message', async () => {
    const aliceKeys = makeDeviceKeys();
    const bobKeys = makeDeviceKeys();
    const alice = await register(stubs, freshNumber(), aliceKeys);
    const bob = await register(stubs, freshNumber(), bobKeys);
    const aliceDevice = await memoryDevice(alice.number, aliceKeys);
    const bobDevice = await memoryDevice(bob.number, bobKeys);

    const wireBundle = await call<GetPreKeyBundleRequest, PreKeyBundle__Output>(stubs.keys, stubs.keys.GetPreKeyBundle, { number: bob.number }, alice.auth);
    await processPreKeyBundle(bundleFromWire(wireBundle), bobDevice.address, aliceDevice.address, aliceDevice.sessions, aliceDevice.identities);

    expect(await sendEncrypted(alice, aliceDevice, bob, bobDevice, 'hello bob')).toBe(CiphertextMessageType.PreKey);
    expect(await receiveAll(bob, bobDevice, aliceDevice)).toEqual(['hello bob']);
    // the one-time prekeys Bob's device used are gone from its stores
    await expect(bobDevice.preKeys.getPreKey(wireBundle.pre_key!.id)).rejects.toThrow();
    await expect(bobDevice.kyberPreKeys.getKyberPreKey(wireBundle.kyber_pre_key!.id)).rejects.toThrow();

    expect(await sendEncrypted(bob, bobDevice, alice, aliceDevice, 'hi alice')).toBe(CiphertextMessageType.Whisper);
    expect(await receiveAll(alice, aliceDevice, bobDevice)).toEqual(['hi alice']);
    expect(await sendEncrypted(alice, aliceDevice, bob, bobDevice, 'ratchet on')).toBe(CiphertextMessageType.Whisper);
    expect(await receiveAll(bob, bobDevice, aliceDevice)).toEqual(['ratchet on']);
  });

  it('forms a session on the last-resort Kyber key once one-time prekeys are gone', async () => {
    const bobKeys = makeDeviceKeys({ preKeys: 0, kyberPreKeys: 0 });
    const aliceKeys = makeDeviceKeys();
    const bob = await register(stubs, freshNumber(), bobKeys);
    const alice = await register(stubs, freshNumber(), aliceKeys);
    const aliceDevice = await memoryDevice(alice.number, aliceKeys);
    const bobDevice = await memoryDevice(bob.number, bobKeys);
    const wireBundle = await call<GetPreKeyBundleRequest, PreKeyBundle__Output>(stubs.keys, stubs.keys.GetPreKeyBundle, { number: bob.number }, alice.auth);
    expect(wireBundle.pre_key).toBeNull();
    expect(wireBundle.kyber_pre_key!.id).toBe(bobKeys.kyberLastResort.id);
    await processPreKeyBundle(bundleFromWire(wireBundle), bobDevice.address, aliceDevice.address, aliceDevice.sessions, aliceDevice.identities);
    await sendEncrypted(alice, aliceDevice, bob, bobDevice, 'on the last resort');
    expect(await receiveAll(bob, bobDevice, aliceDevice)).toEqual(['on the last resort']);
  });
});
