import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { status, type Metadata, type ServiceError } from '@grpc/grpc-js';
import type { GetPreKeyBundleRequest } from '../../proto/generated/e2ee/v1/GetPreKeyBundleRequest.js';
import type { PreKeyBundle__Output } from '../../proto/generated/e2ee/v1/PreKeyBundle.js';
import type { PreKeyCount__Output } from '../../proto/generated/e2ee/v1/PreKeyCount.js';
import type { SendRequest } from '../../proto/generated/e2ee/v1/SendRequest.js';
import type { SendResponse__Output } from '../../proto/generated/e2ee/v1/SendResponse.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  call,
  challengeMessage,
  connect,
  freshNumber,
  getChallenge,
  makeDeviceKeys,
  register,
  type Stubs,
} from '../helpers/wire.js';

let server: TestServer;
let stubs: Stubs;
let offsetMs = 0;
/** Set by a test that counts what comes back between its calls: then only offsetMs moves the server's clock. */
let frozenAt: number | undefined;

beforeAll(async () => {
  server = await startTestServer({ clock: { now: () => (frozenAt ?? Date.now()) + offsetMs } });
  stubs = connect(server.address);
});
afterAll(async () => {
  stubs.close();
  await server.stop();
});

async function refusal(promise: Promise<unknown>): Promise<{ code: number; details: string; retryAfterMs: number }> {
  try {
    await promise;
  } catch (err) {
    const e = err as ServiceError;
    return { code: e.code, details: e.details, retryAfterMs: Number(e.metadata.get('retry-after-ms')[0]) };
  }
  throw new Error('expected a refusal');
}

const bundle = (auth: Metadata, number: string) =>
  call<GetPreKeyBundleRequest, PreKeyBundle__Output>(stubs.keys, stubs.keys.GetPreKeyBundle, { number }, auth);
const count = (auth: Metadata) => call<object, PreKeyCount__Output>(stubs.keys, stubs.keys.GetPreKeyCount, {}, auth);
const send = (auth: Metadata, destination: string, n: number) =>
  call<SendRequest, SendResponse__Output>(
    stubs.mailbox,
    stubs.mailbox.Send,
    { destination, messages: Array.from({ length: n }, () => ({ type: 2, content: Buffer.from('x'), client_timestamp: '1' })) },
    auth,
  );

describe('rate limits', () => {
  it('GetPreKeyBundle per (caller, target): burst 6, then refused with retry-after-ms, consuming no prekey', async () => {
    const bob = await register(stubs, freshNumber(), makeDeviceKeys({ preKeys: 20, kyberPreKeys: 20 }));
    const alice = await register(stubs, freshNumber());
    for (let i = 0; i < 6; i++) await bundle(alice.auth, bob.number);
    const refused = await refusal(bundle(alice.auth, bob.number));
    expect(refused.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(refused.details).toMatch(/rate limit/);
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(10 * 60_000);
    expect(await count(bob.auth)).toEqual({ ec: 14, kyber: 14 });
    // another caller is not affected
    const carol = await register(stubs, freshNumber());
    await bundle(carol.auth, bob.number);
    // one token returns after 10 minutes
    offsetMs = 10 * 60_000 + 1000;
    try {
      await bundle(alice.auth, bob.number);
      expect((await refusal(bundle(alice.auth, bob.number))).code).toBe(status.RESOURCE_EXHAUSTED);
    } finally {
      offsetMs = 0;
    }
  });

  it('GetPreKeyBundle per caller over all targets: burst 100', async () => {
    const sweeper = await register(stubs, freshNumber());
    const targets = await Promise.all(
      Array.from({ length: 101 }, () => register(stubs, freshNumber(), makeDeviceKeys({ preKeys: 1, kyberPreKeys: 1 }))),
    );
    for (const t of targets.slice(0, 100)) await bundle(sweeper.auth, t.number);
    const last = targets[100]!;
    expect((await refusal(bundle(sweeper.auth, last.number))).code).toBe(status.RESOURCE_EXHAUSTED);
    expect(await count(last.auth)).toEqual({ ec: 1, kyber: 1 });
  });

  it('Send per (sender, recipient), counted per message: burst 100, then 10 per second', async () => {
    const alice = await register(stubs, freshNumber());
    const bob = await register(stubs, freshNumber());
    // A token comes back every 100 ms: on a slow machine the next call would find one.
    frozenAt = Date.now();
    try {
      await send(alice.auth, bob.number, 100);
      const refused = await refusal(send(alice.auth, bob.number, 1));
      expect(refused.code).toBe(status.RESOURCE_EXHAUSTED);
      expect(refused.retryAfterMs).toBeGreaterThan(0);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(100);
      offsetMs = 1000;
      await send(alice.auth, bob.number, 10);
      expect((await refusal(send(alice.auth, bob.number, 1))).code).toBe(status.RESOURCE_EXHAUSTED);
    } finally {
      frozenAt = undefined;
      offsetMs = 0;
    }
  });

  it('Send: a repeat of what was stored (a lost response) is answered as the first time, past the burst too', async () => {
    const alice = await register(stubs, freshNumber());
    const bob = await register(stubs, freshNumber());
    const messages = Array.from({ length: 100 }, (_, i) => ({ guid: randomUUID(), type: 2, content: Buffer.from(`m${i}`), client_timestamp: '1' }));
    const request: SendRequest = { destination: bob.number, messages };
    const sendRequest = (req: SendRequest) => call<SendRequest, SendResponse__Output>(stubs.mailbox, stubs.mailbox.Send, req, alice.auth);
    const first = await sendRequest(request);
    const again = await sendRequest(request);
    expect(again.guids).toEqual(first.guids);
    expect(again.server_timestamp).toEqual(first.server_timestamp);
    // Anything new in it still counts: the burst is spent.
    const withNew = { ...request, messages: [...messages.slice(0, 1), { guid: randomUUID(), type: 2, content: Buffer.from('new'), client_timestamp: '1' }] };
    expect((await refusal(sendRequest(withNew))).code).toBe(status.RESOURCE_EXHAUSTED);
  });

  it('GetPreKeyBundle per caller counts calls for unknown numbers too', async () => {
    const bob = await register(stubs, freshNumber());
    const prober = await register(stubs, freshNumber());
    for (let i = 0; i < 100; i++) {
      expect((await refusal(bundle(prober.auth, freshNumber()))).code).toBe(status.NOT_FOUND);
    }
    // Known or not, the next answer is the same: the limit, not whether the number exists.
    expect((await refusal(bundle(prober.auth, freshNumber()))).code).toBe(status.RESOURCE_EXHAUSTED);
    expect((await refusal(bundle(prober.auth, bob.number))).code).toBe(status.RESOURCE_EXHAUSTED);
  });

  it('Register per number: 6 per 30 s, in any 30 s; attempts that fail the challenge do not count', async () => {
    const number = freshNumber();
    const keys = makeDeviceKeys({ preKeys: 0, kyberPreKeys: 0 });
    const badSignature = (req: { signature?: unknown }) => (req.signature = Buffer.alloc(64));
    for (let i = 0; i < 3; i++) expect((await refusal(register(stubs, number, keys, badSignature))).code).toBe(status.UNAUTHENTICATED);
    // The retry-after below counts from the first registration: the time the calls take must not count.
    frozenAt = Date.now();
    try {
      for (let i = 0; i < 3; i++) await register(stubs, number, keys);
      offsetMs = 10_000;
      for (let i = 0; i < 3; i++) await register(stubs, number, keys);
      offsetMs = 25_000;
      const refused = await refusal(register(stubs, number, keys));
      expect(refused.code).toBe(status.RESOURCE_EXHAUSTED);
      // The first three leave the window at 30 s.
      expect(refused.retryAfterMs).toBeGreaterThan(4_000);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(5_000);
      offsetMs = 30_500;
      await register(stubs, number, keys);
    } finally {
      frozenAt = undefined;
      offsetMs = 0;
    }
  });

  it("Register: a stranger's attempts on a held number use up none of the owner's allowance", async () => {
    const number = freshNumber();
    const owner = makeDeviceKeys({ preKeys: 0, kyberPreKeys: 0 });
    await register(stubs, number, owner);
    // Each proves a key of its own (the stranger's), so each passes the challenge.
    for (let i = 0; i < 10; i++) {
      expect((await refusal(register(stubs, number, makeDeviceKeys({ preKeys: 0, kyberPreKeys: 0 })))).code).toBe(status.ALREADY_EXISTS);
    }
    await register(stubs, number, owner); // the owner's safe re-run still goes through
  });

  it('failed Authenticate per number: 10, then refused, while the right signature still signs in', async () => {
    const number = freshNumber();
    const keys = makeDeviceKeys();
    await register(stubs, number, keys);
    const attempt = async (signer = keys) => {
      const c = await getChallenge(stubs, number);
      const signature = Buffer.from(signer.identity.privateKey.sign(challengeMessage(c.server_id, number, c.nonce)));
      return call(stubs.accounts, stubs.accounts.Authenticate, { number, nonce: c.nonce, signature });
    };
    const wrong = makeDeviceKeys();
    for (let i = 0; i < 10; i++) expect((await refusal(attempt(wrong))).code).toBe(status.UNAUTHENTICATED);
    const refused = await refusal(attempt(wrong));
    expect(refused.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(refused.retryAfterMs).toBeGreaterThan(5 * 60_000);
    // An attacker failing on purpose cannot lock the owner out.
    await attempt();
  });
});
