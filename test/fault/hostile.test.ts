/**
 * Hostile input: every RPC fed bytes no honest client sends. Each answer must
 * be a documented status (never UNKNOWN or INTERNAL), and afterwards the
 * server must still serve an honest client.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { connect as http2Connect } from 'node:http2';
import { gzipSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { join } from 'node:path';
import { protoDir } from '../../proto/loader.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  bearer,
  call,
  challengeMessage,
  connect,
  freshNumber,
  getChallenge,
  makeDeviceKeys,
  register,
  registerRequest,
  type Stubs,
  type TestAccount,
} from '../helpers/wire.js';

const DOCUMENTED = new Set([
  grpc.status.OK,
  grpc.status.INVALID_ARGUMENT,
  grpc.status.UNAUTHENTICATED,
  grpc.status.NOT_FOUND,
  grpc.status.ALREADY_EXISTS,
  grpc.status.RESOURCE_EXHAUSTED,
]);

const UNARY = [
  '/e2ee.v1.Accounts/GetChallenge',
  '/e2ee.v1.Accounts/Authenticate',
  '/e2ee.v1.Accounts/Register',
  '/e2ee.v1.Accounts/Deregister',
  '/e2ee.v1.Keys/UploadPreKeys',
  '/e2ee.v1.Keys/GetPreKeyCount',
  '/e2ee.v1.Keys/GetPreKeyBundle',
  '/e2ee.v1.Mailbox/Send',
  '/e2ee.v1.Mailbox/Fetch',
  '/e2ee.v1.Mailbox/Ack',
];

let server: TestServer;
let stubs: Stubs;
let raw: grpc.Client;
let victim: TestAccount;
let root: protobuf.Root;

beforeAll(async () => {
  server = await startTestServer({ rateLimits: false });
  stubs = connect(server.address);
  raw = new grpc.Client(server.address, grpc.credentials.createInsecure());
  victim = await register(stubs, freshNumber());
  root = new protobuf.Root();
  root.resolvePath = (_o, target) => join(protoDir(), target);
  root.loadSync(['e2ee/v1/accounts.proto', 'e2ee/v1/keys.proto', 'e2ee/v1/mailbox.proto'], { keepCase: true });
});
afterAll(async () => {
  raw.close();
  stubs.close();
  await server.stop();
});

/** Sends raw request bytes to a unary method; resolves with the status code. */
function rawUnary(method: string, body: Buffer, metadata = new grpc.Metadata()): Promise<number> {
  return new Promise((resolve) => {
    raw.makeUnaryRequest(method, (b: Buffer) => b, (b: Buffer) => b, body, metadata, { deadline: Date.now() + 10_000 }, (err) =>
      resolve(err ? err.code : grpc.status.OK),
    );
  });
}

function rawStream(body: Buffer, metadata = new grpc.Metadata()): Promise<number> {
  return new Promise((resolve) => {
    const s = raw.makeServerStreamRequest('/e2ee.v1.Mailbox/Subscribe', (b: Buffer) => b, (b: Buffer) => b, body, metadata, { deadline: Date.now() + 10_000 });
    s.on('data', () => s.cancel());
    s.on('error', () => {});
    s.on('status', (st: grpc.StatusObject) => resolve(st.code === grpc.status.CANCELLED ? grpc.status.OK : st.code));
  });
}

/** Deterministic pseudo-random bytes, so a failure can be replayed. */
function seeded(seed: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** An honest pair still registers, sends and fetches. */
async function expectServerHealthy(): Promise<void> {
  const alice = await register(stubs, freshNumber());
  const bob = await register(stubs, freshNumber());
  await call(stubs.mailbox, stubs.mailbox.Send, { destination: bob.number, messages: [{ type: 2, content: Buffer.from('still fine'), client_timestamp: '1' }] }, alice.auth);
  const page = await call<object, { envelopes: { content: Buffer }[] }>(stubs.mailbox, stubs.mailbox.Fetch, {}, bob.auth);
  expect(page.envelopes.map((e) => e.content.toString())).toEqual(['still fine']);
}

describe('hostile input', () => {
  it.each(UNARY)('%s: random bytes, with and without a token, get documented codes only', async (method) => {
    // its own account: random bytes to Deregister with a token are a valid Deregister
    const caller = await register(stubs, freshNumber());
    const seen = new Set<number>();
    for (let i = 0; i < 60; i++) {
      const body = seeded(i + method.length * 1000, 1 + ((i * 37) % 300));
      seen.add(await rawUnary(method, body));
      seen.add(await rawUnary(method, body, caller.auth));
    }
    for (const code of seen) expect(DOCUMENTED).toContain(code);
    await expectServerHealthy();
  });

  it('Subscribe: random bytes get documented codes only', async () => {
    for (let i = 0; i < 30; i++) {
      expect(DOCUMENTED).toContain(await rawStream(seeded(i, 1 + i * 5), victim.auth));
    }
  });

  it('truncated messages at every length get documented codes only', async () => {
    const keys = makeDeviceKeys({ preKeys: 2, kyberPreKeys: 2 });
    const challenge = await getChallenge(stubs, victim.number);
    const full = Buffer.from(
      root.lookupType('e2ee.v1.RegisterRequest').encode(registerRequest(keys, freshNumber(), challenge)).finish(),
    );
    const codes = new Set<number>();
    for (let cut = 0; cut < full.length; cut += 97) codes.add(await rawUnary('/e2ee.v1.Accounts/Register', full.subarray(0, cut)));
    for (const code of codes) expect(DOCUMENTED).toContain(code);
    expect(codes).toContain(grpc.status.INVALID_ARGUMENT);
  });

  it.each([
    ['a varint where a string belongs', Buffer.from([0x08, 0x96, 0x01])],
    ['a fixed64 where a string belongs', Buffer.from([0x09, 1, 2, 3, 4, 5, 6, 7, 8])],
    ['a length past the end', Buffer.from([0x0a, 0x7f, 0x41])],
    ['a group start without end', Buffer.from([0x0b])],
    ['an invalid wire type 7', Buffer.from([0x0f, 0x00])],
  ])('wrong wire types: %s is INVALID_ARGUMENT', async (_name, body) => {
    expect(await rawUnary('/e2ee.v1.Accounts/GetChallenge', body)).toBe(grpc.status.INVALID_ARGUMENT);
    expect(await rawUnary('/e2ee.v1.Mailbox/Send', body, victim.auth)).toBe(grpc.status.INVALID_ARGUMENT);
  });

  it('10,000-element repeated fields are refused', async () => {
    const ack = root.lookupType('e2ee.v1.AckRequest').encode({ guids: Array.from({ length: 10_000 }, (_, i) => String(i)) }).finish();
    expect(await rawUnary('/e2ee.v1.Mailbox/Ack', Buffer.from(ack), victim.auth)).toBe(grpc.status.INVALID_ARGUMENT);
    const send = root.lookupType('e2ee.v1.SendRequest').encode({ destination: victim.number, messages: Array.from({ length: 10_000 }, () => ({ type: 2, content: Buffer.from('x') })) }).finish();
    expect(await rawUnary('/e2ee.v1.Mailbox/Send', Buffer.from(send), victim.auth)).toBe(grpc.status.INVALID_ARGUMENT);
    const upload = root.lookupType('e2ee.v1.UploadPreKeysRequest').encode({ pre_keys: Array.from({ length: 10_000 }, (_, i) => ({ id: i + 1, public_key: Buffer.alloc(33, 5) })) }).finish();
    // About 400 KB: over the transport's 256 KiB, else over the 100-per-list limit.
    expect([grpc.status.RESOURCE_EXHAUSTED, grpc.status.INVALID_ARGUMENT]).toContain(await rawUnary('/e2ee.v1.Keys/UploadPreKeys', Buffer.from(upload), victim.auth));
  });

  it('multi-megabyte strings are refused by the transport', async () => {
    const body = root.lookupType('e2ee.v1.ChallengeRequest').encode({ number: '+1' + '5'.repeat(3_000_000) }).finish();
    expect(await rawUnary('/e2ee.v1.Accounts/GetChallenge', Buffer.from(body))).toBe(grpc.status.RESOURCE_EXHAUSTED);
    await expectServerHealthy();
  });

  it.each(['', ' ', '+', '+1', '15551234567', '+15551234567 ', ' +15551234567', '+1-555-123-4567', '+1 555 1234567',
    '+015551234567', '+00015551234567', '+１５５５１２３４５６７', '+٥٥٥١٢٣٤٥٦٧', '+1234567890123456', '+12345678901234567890',
    '+1555123456\n', '+1555123456\u0000', 'tel:+15551234567', '+1e10', '+0x1F'])(
    'the number %j is INVALID_ARGUMENT everywhere',
    async (number) => {
      expect((await call(stubs.accounts, stubs.accounts.GetChallenge, { number }).catch((e: grpc.ServiceError) => e)) as grpc.ServiceError).toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
      const bundle = await call(stubs.keys, stubs.keys.GetPreKeyBundle, { number }, victim.auth).catch((e: grpc.ServiceError) => e);
      expect((bundle as grpc.ServiceError).code).toBe(grpc.status.INVALID_ARGUMENT);
      const send = await call(stubs.mailbox, stubs.mailbox.Send, { destination: number, messages: [{ type: 2, content: Buffer.from('x'), client_timestamp: '1' }] }, victim.auth).catch((e: grpc.ServiceError) => e);
      expect((send as grpc.ServiceError).code).toBe(grpc.status.INVALID_ARGUMENT);
    },
  );

  it('every single-bit flip of a challenge signature is UNAUTHENTICATED', async () => {
    const keys = makeDeviceKeys({ preKeys: 0, kyberPreKeys: 0 });
    const number = freshNumber();
    await register(stubs, number, keys);
    const codes = new Set<number>();
    for (let bit = 0; bit < 512; bit++) {
      const c = await getChallenge(stubs, number);
      const signature = Buffer.from(keys.identity.privateKey.sign(challengeMessage(c.server_id, number, c.nonce)));
      signature[bit >> 3]! ^= 1 << (bit & 7);
      codes.add(await call(stubs.accounts, stubs.accounts.Authenticate, { number, nonce: c.nonce, signature }).then(() => 0, (e: grpc.ServiceError) => e.code));
    }
    expect([...codes]).toEqual([grpc.status.UNAUTHENTICATED]);
  });

  it('garbage and oversized authorization metadata is UNAUTHENTICATED', async () => {
    const headers = ['', 'Bearer', 'Bearer ', 'Bearer !!!!!!!!!!!!!!!!!!!!!!!!', 'Bearer ' + '='.repeat(43), 'Bearer ' + 'a'.repeat(43) + ' extra', 'Token abc',
'Bearer ' + randomBytes(32).toString('base64url'), 'Bearer ' + 'A'.repeat(4000)];
    for (const header of headers) {
      const md = new grpc.Metadata();
      md.set('authorization', header);
      const code = await call(stubs.keys, stubs.keys.GetPreKeyCount, {}, md).then(() => 0, (e: grpc.ServiceError) => e.code);
      expect(code).toBe(grpc.status.UNAUTHENTICATED);
    }
    // Node's HTTP/2 refuses to send two authorization headers; a joined pair is what a peer could send.
    const two = bearer(victim.token);
    two.set('authorization', `Bearer ${victim.token}, Bearer ${'b'.repeat(43)}`);
    expect(await call(stubs.keys, stubs.keys.GetPreKeyCount, {}, two).then(() => 0, (e: grpc.ServiceError) => e.code)).toBe(grpc.status.UNAUTHENTICATED);
    await expectServerHealthy();
  });
});

/** gRPC's length-prefixed message: flag (1 = compressed), 4-byte length, bytes. */
function frame(body: Buffer, opts: { compressed?: boolean; declaredLength?: number } = {}): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt8(opts.compressed ? 1 : 0, 0);
  header.writeUInt32BE(opts.declaredLength ?? body.length, 1);
  return Buffer.concat([header, body]);
}

/** One request over plain HTTP/2, below any gRPC library: resolves with grpc-status and grpc-message. */
function rawHttp2(path: string, body: Buffer, headers: Record<string, string> = {}): Promise<{ code: number; message: string }> {
  return new Promise((resolve, reject) => {
    const session = http2Connect(`http://${server.address}`);
    const timer = setTimeout(() => {
      session.destroy();
      reject(new Error(`no status for ${path} within 10 s`));
    }, 10_000);
    const finish = (result: { code: number; message: string } | Error) => {
      clearTimeout(timer);
      session.close();
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    session.on('error', finish);
    const request = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers', ...headers });
    let head: Record<string, unknown> = {};
    request.on('response', (h) => (head = h));
    request.on('trailers', (t) => finish({ code: Number(t['grpc-status']), message: String(t['grpc-message'] ?? '') }));
    // A trailers-only answer carries the status in the headers.
    request.on('end', () => head['grpc-status'] !== undefined && finish({ code: Number(head['grpc-status']), message: String(head['grpc-message'] ?? '') }));
    request.on('error', finish);
    request.resume();
    request.end(body);
  });
}

describe('requests grpc-js cannot turn into one message (API.md: INVALID_ARGUMENT)', () => {
  const challengeRequest = () => Buffer.from(root.lookupType('e2ee.v1.ChallengeRequest').encode({ number: victim.number }).finish());

  it('a well-formed request over plain HTTP/2 is answered (the probe works)', async () => {
    expect((await rawHttp2('/e2ee.v1.Accounts/GetChallenge', frame(challengeRequest()))).code).toBe(grpc.status.OK);
  });

  it.each([
    ['no message at all', Buffer.alloc(0)],
    ['a message header cut short', Buffer.from([0, 0])],
    ['a length prefix the stream ends before', frame(Buffer.alloc(12, 1), { declaredLength: 100 })],
  ])('%s', async (_name, body) => {
    expect((await rawHttp2('/e2ee.v1.Accounts/GetChallenge', body)).code).toBe(grpc.status.INVALID_ARGUMENT);
    const stream = await rawHttp2('/e2ee.v1.Mailbox/Subscribe', body, { authorization: `Bearer ${victim.token}` });
    expect(stream.code).toBe(grpc.status.INVALID_ARGUMENT);
  });

  it('two messages on a unary call', async () => {
    const twice = Buffer.concat([frame(challengeRequest()), frame(challengeRequest())]);
    expect((await rawHttp2('/e2ee.v1.Accounts/GetChallenge', twice)).code).toBe(grpc.status.INVALID_ARGUMENT);
  });

  it('a compressed message that does not decompress, while one that does is answered', async () => {
    const gzip = { 'grpc-encoding': 'gzip' };
    expect((await rawHttp2('/e2ee.v1.Accounts/GetChallenge', frame(gzipSync(challengeRequest()), { compressed: true }), gzip)).code).toBe(grpc.status.OK);
    const garbage = await rawHttp2('/e2ee.v1.Accounts/GetChallenge', frame(Buffer.from('not gzip at all'), { compressed: true }), gzip);
    expect(garbage.code).toBe(grpc.status.INVALID_ARGUMENT);
    await expectServerHealthy();
  });
});
