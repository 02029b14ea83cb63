import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { status, type Metadata } from '@grpc/grpc-js';
import type { RegisterRequest } from '../../proto/generated/e2ee/v1/RegisterRequest.js';
import type { Session__Output } from '../../proto/generated/e2ee/v1/Session.js';
import type { AuthenticateRequest } from '../../proto/generated/e2ee/v1/AuthenticateRequest.js';
import type { PreKeyCount__Output } from '../../proto/generated/e2ee/v1/PreKeyCount.js';
import type { GetPreKeyCountRequest } from '../../proto/generated/e2ee/v1/GetPreKeyCountRequest.js';
import type { SendRequest } from '../../proto/generated/e2ee/v1/SendRequest.js';
import type { SendResponse__Output } from '../../proto/generated/e2ee/v1/SendResponse.js';
import type { UploadPreKeysRequest } from '../../proto/generated/e2ee/v1/UploadPreKeysRequest.js';
import { deleteAccount, findAccountByNumber } from '../../server/storage/accounts.js';
import { openDatabase } from '../../server/storage/database.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  bearer,
  call,
  challengeMessage,
  codeOf,
  connect,
  flipBit,
  freshNumber,
  getChallenge,
  makeDeviceKeys,
  register,
  registerRequest,
  subscribe,
  type DeviceKeys,
  type Stubs,
} from '../helpers/wire.js';

let server: TestServer;
let stubs: Stubs;
/** A clock the test moves, for expiry. */
let offsetMs = 0;

beforeAll(async () => {
  server = await startTestServer({ clock: { now: () => Date.now() + offsetMs } });
  stubs = connect(server.address);
});
afterAll(async () => {
  stubs.close();
  await server.stop();
});

const authenticate = (req: AuthenticateRequest) =>
  call<AuthenticateRequest, Session__Output>(stubs.accounts, stubs.accounts.Authenticate, req);
const preKeyCount = (token: string) =>
  call<GetPreKeyCountRequest, PreKeyCount__Output>(stubs.keys, stubs.keys.GetPreKeyCount, {}, bearer(token));

async function signedAuth(keys: DeviceKeys, number: string, opts: { serverId?: string; signAs?: string } = {}) {
  const challenge = await getChallenge(stubs, number);
  const message = challengeMessage(opts.serverId ?? challenge.server_id, opts.signAs ?? number, challenge.nonce);
  return { number, nonce: challenge.nonce, signature: Buffer.from(keys.identity.privateKey.sign(message)) };
}

describe('GetChallenge', () => {
  it('returns 32 random bytes valid for 60 s and the server id, alike for unknown numbers', async () => {
    const before = Date.now();
    const a = await getChallenge(stubs, freshNumber());
    const after = Date.now();
    const b = await getChallenge(stubs, freshNumber());
    expect(a.nonce).toHaveLength(32);
    expect(a.nonce.equals(b.nonce)).toBe(false);
    expect(a.server_id).toBe(server.serverId);
    // 60 s from when the server answered, however long the call took.
    expect(Number(a.expires_at_ms)).toBeGreaterThanOrEqual(before + 60_000);
    expect(Number(a.expires_at_ms)).toBeLessThanOrEqual(after + 60_000);
  });

  it("cannot be used to cancel someone else's challenge by asking for more", async () => {
    const number = freshNumber();
    const keys = makeDeviceKeys();
    await register(stubs, number, keys);
    const mine = await signedAuth(keys, number);
    for (let i = 0; i < 20; i++) await getChallenge(stubs, number);
    expect((await authenticate(mine)).token.length).toBeGreaterThan(20);
  });

  it.each(['15551234567', '+0123456789', '+1 555 123 4567', '+1-555-1234567', '+１５５５１２３４５６７', '+1234567890123456', ''])(
    'refuses the malformed number %j with INVALID_ARGUMENT',
    async (number) => {
      expect(await codeOf(getChallenge(stubs, number))).toBe(status.INVALID_ARGUMENT);
    },
  );
});

describe('Register', () => {
  it('creates an account and returns a working token that expires in 24 h', async () => {
    const before = Date.now();
    const account = await register(stubs, freshNumber());
    expect(await preKeyCount(account.token)).toEqual({ ec: 3, kyber: 3 });
    expect(account.expiresAtMs).toBeGreaterThanOrEqual(before + 24 * 3600_000);
    expect(account.expiresAtMs).toBeLessThanOrEqual(Date.now() + 24 * 3600_000);
  });

  it('with the same identity key refreshes keys and ends earlier tokens', async () => {
    const number = freshNumber();
    const keys = makeDeviceKeys();
    const first = await register(stubs, number, keys);
    expect(await preKeyCount(first.token)).toEqual({ ec: 3, kyber: 3 }); // in use, so the server remembers it
    const second = await register(stubs, number, { ...keys, preKeys: keys.preKeys.slice(0, 1), registrationId: 77 });
    expect(await codeOf(preKeyCount(first.token))).toBe(status.UNAUTHENTICATED);
    expect(await preKeyCount(second.token)).toEqual({ ec: 1, kyber: 3 });
  });

  it('with another identity key is ALREADY_EXISTS and changes nothing', async () => {
    const number = freshNumber();
    const owner = await register(stubs, number);
    expect(await codeOf(register(stubs, number))).toBe(status.ALREADY_EXISTS);
    expect(await preKeyCount(owner.token)).toEqual({ ec: 3, kyber: 3 });
  });

  it('checks the challenge signature first: a bad one is UNAUTHENTICATED', async () => {
    const number = freshNumber();
    const other = makeDeviceKeys();
    const bad = register(stubs, number, makeDeviceKeys(), (req) => {
      req.signature = Buffer.from(other.identity.privateKey.sign(new Uint8Array(req.nonce as Buffer)));
    });
    expect(await codeOf(bad)).toBe(status.UNAUTHENTICATED);
    // and a bad challenge beats bad prekeys
    const both = register(stubs, number, makeDeviceKeys(), (req) => {
      req.signature = Buffer.alloc(64);
      req.pre_keys = [{ id: 0, public_key: Buffer.alloc(3) }];
    });
    expect(await codeOf(both)).toBe(status.UNAUTHENTICATED);
  });

  it.each([
    ['a malformed identity key', (req: RegisterRequest) => ({ ...req, identity_key: (req.identity_key as Buffer).subarray(1) })],
    ['a malformed number', (req: RegisterRequest) => ({ ...req, number: '555' })],
  ])('uses the nonce up on any attempt, one with %s included', async (_name, spoil) => {
    const number = freshNumber();
    const keys = makeDeviceKeys();
    const challenge = await getChallenge(stubs, number);
    const good = registerRequest(keys, number, challenge);
    const registerWith = (req: typeof good) => call<typeof good, Session__Output>(stubs.accounts, stubs.accounts.Register, req);
    expect(await codeOf(registerWith(spoil(good)))).toBe(status.INVALID_ARGUMENT);
    expect(await codeOf(registerWith(good))).toBe(status.UNAUTHENTICATED);
    await register(stubs, number, keys); // a fresh challenge works
  });

  const invalidCases: [string, (req: ReturnType<typeof registerRequest>) => void][] = [
    ['an identity key with a trailing byte', (r) => (r.identity_key = Buffer.concat([r.identity_key as Buffer, Buffer.from([0])]))],
    ['no signed prekey', (r) => (r.signed_pre_key = null)],
    ['no last-resort Kyber prekey', (r) => (r.kyber_last_resort_pre_key = null)],
    ['a signed prekey signature that does not verify', (r) => flipBit(r.signed_pre_key!.signature as Buffer, 5)],
    ['a Kyber prekey signature that does not verify', (r) => flipBit(r.kyber_pre_keys![0]!.signature as Buffer, 0)],
    ['a last-resort signature that does not verify', (r) => flipBit(r.kyber_last_resort_pre_key!.signature as Buffer, 63)],
    ['duplicate one-time prekey ids', (r) => (r.pre_keys![1]!.id = r.pre_keys![0]!.id)],
    ['duplicate Kyber prekey ids', (r) => (r.kyber_pre_keys![1]!.id = r.kyber_pre_keys![0]!.id)],
    ['a prekey id of 0', (r) => (r.pre_keys![0]!.id = 0)],
    ['a prekey id over 24 bits', (r) => (r.pre_keys![0]!.id = 0x1000000)],
    ['an EC prekey of the wrong type byte', (r) => ((r.pre_keys![0]!.public_key as Buffer)[0] = 0x08)],
    ['a Kyber key one byte short', (r) => (r.kyber_pre_keys![0]!.public_key = (r.kyber_pre_keys![0]!.public_key as Buffer).subarray(1))],
    ['a registration id of 0', (r) => (r.registration_id = 0)],
    ['a registration id over 16380', (r) => (r.registration_id = 16381)],
    ['101 one-time prekeys', (r) => (r.pre_keys = Array.from({ length: 101 }, (_, i) => ({ ...r.pre_keys![0]!, id: i + 1 })))],
  ];
  it.each(invalidCases)('refuses %s with INVALID_ARGUMENT and stores nothing', async (_name, edit) => {
    const number = freshNumber();
    expect(await codeOf(register(stubs, number, makeDeviceKeys(), edit))).toBe(status.INVALID_ARGUMENT);
    // nothing stored: the number is still free for another key
    await register(stubs, number);
  });

  it('accepts empty one-time lists', async () => {
    const account = await register(stubs, freshNumber(), makeDeviceKeys({ preKeys: 0, kyberPreKeys: 0 }));
    expect(await preKeyCount(account.token)).toEqual({ ec: 0, kyber: 0 });
  });
});

describe('Authenticate', () => {
  let keys: DeviceKeys;
  let number: string;
  beforeAll(async () => {
    number = freshNumber();
    keys = makeDeviceKeys();
    await register(stubs, number, keys);
  });

  it('returns a session for a correctly signed challenge; the scheme is case-insensitive', async () => {
    const session = await authenticate(await signedAuth(keys, number));
    expect(session.token.length).toBeGreaterThan(20);
    const md = bearer(session.token);
    md.set('authorization', `bEaReR ${session.token}`);
    await call(stubs.keys, stubs.keys.GetPreKeyCount, {}, md);
  });

  const failing: [string, () => Promise<AuthenticateRequest>][] = [
    ['a signature by another key', async () => signedAuth(makeDeviceKeys(), number)],
    ['a challenge signed for another server_id', async () => signedAuth(keys, number, { serverId: 'evil-server' })],
    ['a challenge signed for another number', async () => signedAuth(keys, number, { signAs: '+15550000000' })],
    ['a flipped signature bit', async () => {
      const req = await signedAuth(keys, number);
      flipBit(req.signature as Buffer, 10);
      return req;
    }],
    ['a truncated signature', async () => {
      const req = await signedAuth(keys, number);
      return { ...req, signature: (req.signature as Buffer).subarray(0, 63) };
    }],
    ['a nonce issued for another number', async () => {
      const other = await getChallenge(stubs, freshNumber());
      const message = challengeMessage(other.server_id, number, other.nonce);
      return { number, nonce: other.nonce, signature: Buffer.from(keys.identity.privateKey.sign(message)) };
    }],
    ['a made-up nonce', async () => {
      const nonce = Buffer.alloc(32, 7);
      return { number, nonce, signature: Buffer.from(keys.identity.privateKey.sign(challengeMessage(server.serverId, number, nonce))) };
    }],
    ['an unregistered number', async () => signedAuth(keys, freshNumber())],
  ];
  it.each(failing)('refuses %s with UNAUTHENTICATED and the same message', async (_name, build) => {
    const err = await authenticate(await build()).catch((e: { code: number; details: string }) => e);
    expect(err).toMatchObject({ code: status.UNAUTHENTICATED, details: 'authentication failed' });
  });

  it('uses a nonce up on any attempt, failed or not', async () => {
    const good = await signedAuth(keys, number);
    await authenticate(good);
    expect(await codeOf(authenticate(good))).toBe(status.UNAUTHENTICATED);

    const spoiled = await signedAuth(keys, number);
    await codeOf(authenticate({ ...spoiled, signature: Buffer.alloc(64) }));
    expect(await codeOf(authenticate(spoiled))).toBe(status.UNAUTHENTICATED);
  });

  it('refuses an expired nonce', async () => {
    // its own account: the failures above used up this number's failed-login allowance
    const fresh = freshNumber();
    await register(stubs, fresh, keys);
    const req = await signedAuth(keys, fresh);
    offsetMs = 61_000;
    try {
      expect(await codeOf(authenticate(req))).toBe(status.UNAUTHENTICATED);
    } finally {
      offsetMs = 0;
    }
  });

  it('refuses a malformed number with INVALID_ARGUMENT, and that uses the nonce up too', async () => {
    const fresh = freshNumber(); // its own allowance of failures
    await register(stubs, fresh, keys);
    const req = await signedAuth(keys, fresh);
    expect(await codeOf(authenticate({ ...req, number: '555' }))).toBe(status.INVALID_ARGUMENT);
    expect(await codeOf(authenticate(req))).toBe(status.UNAUTHENTICATED);
  });
});

describe('session tokens', () => {
  it.each([
    ['no authorization', undefined],
    ['a garbage token', 'Bearer not-a-real-token-at-all-000000'],
    ['a different scheme', 'Basic dXNlcjpwYXNz'],
    ['two spaces', 'Bearer  abcdefghijklmnopqrstuvwxyz'],
    ['an oversized header', 'Bearer ' + 'a'.repeat(5000)],
  ])('refuses %s with UNAUTHENTICATED', async (_name, header) => {
    const md = bearer('x');
    md.remove('authorization');
    if (header !== undefined) md.set('authorization', header);
    expect(await codeOf(call(stubs.keys, stubs.keys.GetPreKeyCount, {}, md))).toBe(status.UNAUTHENTICATED);
  });

  it('work for 24 h, then stop', async () => {
    const account = await register(stubs, freshNumber());
    offsetMs = 24 * 3600_000 - 60_000;
    try {
      expect(await preKeyCount(account.token)).toEqual({ ec: 3, kyber: 3 });
      offsetMs = 24 * 3600_000 + 1000;
      expect(await codeOf(preKeyCount(account.token))).toBe(status.UNAUTHENTICATED);
    } finally {
      offsetMs = 0;
    }
  });
});

describe('Deregister', () => {
  it('deletes the account and its tokens, freeing the number for a new key', async () => {
    const number = freshNumber();
    const account = await register(stubs, number);
    await call(stubs.accounts, stubs.accounts.Deregister, {}, account.auth);
    expect(await codeOf(preKeyCount(account.token))).toBe(status.UNAUTHENTICATED);
    expect(await codeOf(call(stubs.accounts, stubs.accounts.Deregister, {}, account.auth))).toBe(status.UNAUTHENTICATED);
    await register(stubs, number); // a new identity key may take it
  });
});

describe('an account the operator deletes while the server runs', () => {
  /** What `server accounts delete <number>` does: another process, on the same file. */
  function operatorDelete(number: string): void {
    const db = openDatabase(server.dbPath);
    try {
      expect(deleteAccount(db, findAccountByNumber(db, number)!.id)).toBe(true);
    } finally {
      db.close();
    }
  }

  it("leaves its token and its open stream no way into the next account's keys or mailbox", async () => {
    // The newest account: SQLite's default would give its id to the next one registered.
    const deleted = await register(stubs, freshNumber());
    const stream = subscribe(stubs, deleted.auth);
    await stream.until((events) => events.some((event) => event.queue_empty));
    expect(await preKeyCount(deleted.token)).toEqual({ ec: 3, kyber: 3 }); // the token is now among the lookups kept for a second
    operatorDelete(deleted.number);
    const next = await register(stubs, freshNumber());

    // A signed prekey the deleted account signed, as its own would be.
    const { signed_pre_key } = registerRequest(deleted.keys, deleted.number, { nonce: Buffer.alloc(32), server_id: 'unused' });
    const planted: UploadPreKeysRequest = { signed_pre_key };
    expect(await codeOf(call(stubs.keys, stubs.keys.UploadPreKeys, planted, deleted.auth))).toBe(status.UNAUTHENTICATED);

    const sender = await register(stubs, freshNumber());
    const message = { type: 2, content: Buffer.from('for the next account'), client_timestamp: 1 };
    await call<SendRequest, SendResponse__Output>(stubs.mailbox, stubs.mailbox.Send, { destination: next.number, messages: [message] }, sender.auth);
    // Bounded: on a reused id the envelope reached the deleted account's stream within milliseconds.
    await expect(stream.until((events) => events.some((event) => event.envelope), 500)).rejects.toThrow(/not met/);
    const fetch = (auth: Metadata) => call<object, { envelopes: { content: Buffer }[] }>(stubs.mailbox, stubs.mailbox.Fetch, {}, auth);
    expect((await fetch(next.auth)).envelopes.map((envelope) => envelope.content.toString())).toEqual(['for the next account']);
    // The deleted token may still be remembered for up to a second (an empty page), never more.
    const stale = await fetch(deleted.auth).catch((err: { code: number }) => err.code);
    expect(stale === status.UNAUTHENTICATED || (typeof stale === 'object' && stale.envelopes.length === 0)).toBe(true);
    stream.cancel();
  });

  it('ends its open stream as an ended session, at the next check of open streams', async () => {
    const checking = await startTestServer({ streamCheckMs: 100 });
    const checkingStubs = connect(checking.address);
    try {
      const deleted = await register(checkingStubs, freshNumber());
      const stream = subscribe(checkingStubs, deleted.auth);
      await stream.until((events) => events.some((event) => event.queue_empty));
      const db = openDatabase(checking.dbPath);
      try {
        deleteAccount(db, findAccountByNumber(db, deleted.number)!.id);
      } finally {
        db.close();
      }
      let timer: NodeJS.Timeout | undefined;
      const stayedOpen = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('the stream stayed open 5 s')), 5_000)));
      const ended = await Promise.race([stream.ended, stayedOpen]).finally(() => clearTimeout(timer));
      expect(ended.code).toBe(status.UNAUTHENTICATED);
    } finally {
      checkingStubs.close();
      await checking.stop();
    }
  });
});

