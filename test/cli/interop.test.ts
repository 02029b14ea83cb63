/**
 * "Done when": a third-party client written only from API.md (libsignal with
 * in-memory stores, the bare gRPC stubs, its own padding) exchanges messages with
 * this client's one-shot --json commands, both ways, through the built server.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CiphertextMessageType,
  PreKeySignalMessage,
  ProtocolAddress,
  SignalMessage,
  processPreKeyBundle,
  signalDecrypt,
  signalDecryptPreKey,
  signalEncrypt,
} from '@signalapp/libsignal-client';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { contentTypes } from '../../proto/loader.js';
import type { AckRequest } from '../../proto/generated/e2ee/v1/AckRequest.js';
import type { Envelope__Output } from '../../proto/generated/e2ee/v1/Envelope.js';
import type { FetchRequest } from '../../proto/generated/e2ee/v1/FetchRequest.js';
import type { FetchResponse__Output } from '../../proto/generated/e2ee/v1/FetchResponse.js';
import type { GetPreKeyBundleRequest } from '../../proto/generated/e2ee/v1/GetPreKeyBundleRequest.js';
import type { PreKeyBundle__Output } from '../../proto/generated/e2ee/v1/PreKeyBundle.js';
import type { SendRequest } from '../../proto/generated/e2ee/v1/SendRequest.js';
import { runClient } from '../helpers/clientProcess.js';
import { memoryDevice, type MemoryDevice } from '../helpers/memoryStores.js';
import { spawnServer, tempDir, type ChildServer } from '../helpers/server.js';
import { bundleFromWire, call, connect, makeDeviceKeys, register, type Stubs, type TestAccount } from '../helpers/wire.js';

const THIRD_PARTY = '+15551230001';
const OURS = '+15551230002';

/** API.md: append 0x80, then 0x00 up to the next multiple of 160. */
function pad(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(Math.ceil((bytes.length + 1) / 160) * 160);
  out.set(bytes);
  out[bytes.length] = 0x80;
  return out;
}

function unpad(bytes: Uint8Array): Uint8Array {
  let end = bytes.length - 1;
  while (bytes[end] === 0) end--;
  expect(bytes[end]).toBe(0x80);
  return bytes.subarray(0, end);
}

const u8 = (b: Buffer): Uint8Array<ArrayBuffer> => new Uint8Array(b);

describe('a third-party client written from API.md', () => {
  const dir = tempDir('e2ee-interop-');
  let server: ChildServer;
  let stubs: Stubs;
  let account: TestAccount;
  let device: MemoryDevice;
  const ourAddress = ProtocolAddress.new(OURS, 1);
  const ours = (...command: string[]): string[] => ['--id', OURS, '--server', server.address, '--data-dir', join(dir, 'ours'), '--json', ...command];

  beforeAll(async () => {
    server = await spawnServer({ dbPath: join(dir, 'server.db') });
    stubs = connect(server.address);
    const keys = makeDeviceKeys();
    account = await register(stubs, THIRD_PARTY, keys);
    device = await memoryDevice(THIRD_PARTY, keys);
    expect((await runClient(ours('register'))).code).toBe(0);
  });

  afterAll(async () => {
    stubs?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function fetchAndAck(): Promise<Envelope__Output[]> {
    const page = await call<FetchRequest, FetchResponse__Output>(stubs.mailbox, stubs.mailbox.Fetch, { limit: 100 }, account.auth);
    await call<AckRequest, unknown>(stubs.mailbox, stubs.mailbox.Ack, { guids: page.envelopes.map((e) => e.guid) }, account.auth);
    return page.envelopes;
  }

  async function decryptContent(envelope: Envelope__Output): Promise<Record<string, unknown>> {
    const body = u8(envelope.content);
    const padded =
      envelope.type === CiphertextMessageType.PreKey
        ? await signalDecryptPreKey(PreKeySignalMessage.deserialize(body), ourAddress, device.address, device.sessions, device.identities, device.preKeys, device.signedPreKeys, device.kyberPreKeys)
        : await signalDecrypt(SignalMessage.deserialize(body), ourAddress, device.address, device.sessions, device.identities);
    const { Content } = contentTypes();
    return Content.toObject(Content.decode(unpad(padded)), { longs: Number, enums: String, oneofs: true });
  }

  it('sends to our client, which shows the message', async () => {
    const bundle = await call<GetPreKeyBundleRequest, PreKeyBundle__Output>(stubs.keys, stubs.keys.GetPreKeyBundle, { number: OURS }, account.auth);
    await processPreKeyBundle(
      bundleFromWire(bundle),
      ourAddress,
      device.address,
      device.sessions,
      device.identities,
    );
    const { Content } = contentTypes();
    const timestamp = Date.now();
    const plaintext = pad(Content.encode(Content.create({ data: { text: 'hello from elsewhere', timestamp } })).finish());
    const ciphertext = await signalEncrypt(plaintext, ourAddress, device.address, device.sessions, device.identities);
    await call<SendRequest, unknown>(
      stubs.mailbox,
      stubs.mailbox.Send,
      { destination: OURS, messages: [{ type: ciphertext.type(), content: Buffer.from(ciphertext.serialize()), client_timestamp: String(timestamp) }] },
      account.auth,
    );

    const received = await runClient(ours('receive'));
    expect(received.code).toBe(0);
    expect(received.events.filter((e) => e.event === 'message')).toEqual([
      { event: 'message', from: THIRD_PARTY, text: 'hello from elsewhere', timestamp, id: expect.any(Number) },
    ]);

    // Our client answered with a delivery receipt naming that timestamp.
    const [receipt] = await fetchAndAck();
    expect(await decryptContent(receipt!)).toEqual({ receipt: { type: 'DELIVERY', timestamps: [timestamp] }, body: 'receipt' });
  }, 60_000);

  it('receives what our client sends', async () => {
    const sent = await runClient(ours('send', THIRD_PARTY, 'hello', 'back'));
    expect(sent.code).toBe(0);
    const sentEvent = sent.events.find((e) => e.event === 'sent')!;
    const envelopes = await fetchAndAck();
    expect(envelopes).toHaveLength(1);
    expect(envelopes[0]!.source).toBe(OURS);
    expect(await decryptContent(envelopes[0]!)).toEqual({ data: { text: 'hello back', timestamp: sentEvent.timestamp }, body: 'data' });
  }, 60_000);
});
