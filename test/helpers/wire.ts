/**
 * A bare client of the wire contract for server tests: the typed gRPC stubs,
 * promisified calls, and accounts made from real libsignal keys.
 */
import * as grpc from '@grpc/grpc-js';
import {
  IdentityKeyPair,
  KEMKeyPair,
  KEMPublicKey,
  PreKeyBundle,
  PrivateKey,
  PublicKey,
} from '@signalapp/libsignal-client';
import { loadContract } from '../../proto/loader.js';
import type { AccountsClient } from '../../proto/generated/e2ee/v1/Accounts.js';
import type { KeysClient } from '../../proto/generated/e2ee/v1/Keys.js';
import type { MailboxClient } from '../../proto/generated/e2ee/v1/Mailbox.js';
import type { Challenge__Output } from '../../proto/generated/e2ee/v1/Challenge.js';
import type { ChallengeRequest } from '../../proto/generated/e2ee/v1/ChallengeRequest.js';
import type { Envelope__Output } from '../../proto/generated/e2ee/v1/Envelope.js';
import type { MailboxEvent__Output } from '../../proto/generated/e2ee/v1/MailboxEvent.js';
import type { PreKeyBundle__Output } from '../../proto/generated/e2ee/v1/PreKeyBundle.js';
import type { RegisterRequest } from '../../proto/generated/e2ee/v1/RegisterRequest.js';
import type { Session__Output } from '../../proto/generated/e2ee/v1/Session.js';

export interface Stubs {
  accounts: AccountsClient;
  keys: KeysClient;
  mailbox: MailboxClient;
  close(): void;
}

export function connect(address: string, opts: { ca?: Buffer } = {}): Stubs {
  const { e2ee } = loadContract().grpcObject;
  const creds = opts.ca ? grpc.credentials.createSsl(opts.ca) : grpc.credentials.createInsecure();
  const accounts = new e2ee.v1.Accounts(address, creds);
  const keys = new e2ee.v1.Keys(address, creds);
  const mailbox = new e2ee.v1.Mailbox(address, creds);
  return {
    accounts,
    keys,
    mailbox,
    close: () => [accounts, keys, mailbox].forEach((c) => c.close()),
  };
}

type Unary<Req, Res> = (
  req: Req,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  cb: (err: grpc.ServiceError | null, res?: Res) => void,
) => unknown;

/** Calls a unary method with a 10 s deadline; rejects with the ServiceError. */
export function call<Req, Res>(
  client: grpc.Client,
  method: Unary<Req, Res>,
  request: Req,
  metadata = new grpc.Metadata(),
): Promise<Res> {
  return new Promise((resolve, reject) => {
    method.call(client, request, metadata, { deadline: Date.now() + 10_000 }, (err, res) =>
      err ? reject(err) : resolve(res!),
    );
  });
}

/** The status code a promise rejects with (fails the test if it resolves). */
export async function codeOf(promise: Promise<unknown>): Promise<grpc.status> {
  try {
    await promise;
  } catch (err) {
    return (err as grpc.ServiceError).code;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

export function bearer(token: string): grpc.Metadata {
  const md = new grpc.Metadata();
  md.set('authorization', `Bearer ${token}`);
  return md;
}

export function challengeMessage(serverId: string, number: string, nonce: Uint8Array): Uint8Array<ArrayBuffer> {
  const zero = Buffer.from([0]);
  return new Uint8Array(
    Buffer.concat([Buffer.from('e2ee-auth-v1', 'ascii'), zero, Buffer.from(serverId), zero, Buffer.from(number), zero, nonce]),
  );
}

/** Keys a device holds: the private halves stay here, the public ones go into RegisterRequest. */
export interface DeviceKeys {
  identity: IdentityKeyPair;
  registrationId: number;
  signedPreKey: { id: number; key: PrivateKey; signature: Uint8Array<ArrayBuffer> };
  kyberLastResort: { id: number; key: KEMKeyPair; signature: Uint8Array<ArrayBuffer> };
  preKeys: { id: number; key: PrivateKey }[];
  kyberPreKeys: { id: number; key: KEMKeyPair; signature: Uint8Array<ArrayBuffer> }[];
}

export function makeDeviceKeys(opts: { preKeys?: number; kyberPreKeys?: number; firstId?: number } = {}): DeviceKeys {
  const identity = IdentityKeyPair.generate();
  const first = opts.firstId ?? 1;
  const sign = (pub: PublicKey | { serialize(): Uint8Array<ArrayBuffer> }) => identity.privateKey.sign(pub.serialize());
  const signed = PrivateKey.generate();
  const lastResort = KEMKeyPair.generate();
  const kyberCount = opts.kyberPreKeys ?? 3;
  return {
    identity,
    registrationId: 1 + Math.floor(Math.random() * 16000),
    signedPreKey: { id: first, key: signed, signature: sign(signed.getPublicKey()) },
    kyberLastResort: { id: first + 1000, key: lastResort, signature: sign(lastResort.getPublicKey()) },
    preKeys: Array.from({ length: opts.preKeys ?? 3 }, (_, i) => ({ id: first + i, key: PrivateKey.generate() })),
    kyberPreKeys: Array.from({ length: kyberCount }, (_, i) => {
      const key = KEMKeyPair.generate();
      return { id: first + i, key, signature: sign(key.getPublicKey()) };
    }),
  };
}

export function registerRequest(
  keys: DeviceKeys,
  number: string,
  challenge: { nonce: Buffer; server_id: string },
): RegisterRequest {
  return {
    number,
    registration_id: keys.registrationId,
    identity_key: Buffer.from(keys.identity.publicKey.serialize()),
    nonce: challenge.nonce,
    signature: Buffer.from(keys.identity.privateKey.sign(challengeMessage(challenge.server_id, number, challenge.nonce))),
    signed_pre_key: {
      id: keys.signedPreKey.id,
      public_key: Buffer.from(keys.signedPreKey.key.getPublicKey().serialize()),
      signature: Buffer.from(keys.signedPreKey.signature),
    },
    kyber_last_resort_pre_key: {
      id: keys.kyberLastResort.id,
      public_key: Buffer.from(keys.kyberLastResort.key.getPublicKey().serialize()),
      signature: Buffer.from(keys.kyberLastResort.signature),
    },
    pre_keys: keys.preKeys.map((k) => ({ id: k.id, public_key: Buffer.from(k.key.getPublicKey().serialize()) })),
    kyber_pre_keys: keys.kyberPreKeys.map((k) => ({
      id: k.id,
      public_key: Buffer.from(k.key.getPublicKey().serialize()),
      signature: Buffer.from(k.signature),
    })),
  };
}

export interface TestAccount {
  number: string;
  keys: DeviceKeys;
  token: string;
  /** When the server says the token expires (Session.expires_at_ms). */
  expiresAtMs: number;
  auth: grpc.Metadata;
}

export async function getChallenge(stubs: Stubs, number: string) {
  return call<ChallengeRequest, Challenge__Output>(stubs.accounts, stubs.accounts.GetChallenge, { number });
}

export async function register(
  stubs: Stubs,
  number: string,
  keys: DeviceKeys = makeDeviceKeys(),
  edit: (req: RegisterRequest) => void = () => {},
): Promise<TestAccount> {
  const challenge = await getChallenge(stubs, number);
  const req = registerRequest(keys, number, challenge);
  edit(req);
  const session = await call<RegisterRequest, Session__Output>(stubs.accounts, stubs.accounts.Register, req);
  return { number, keys, token: session.token, expiresAtMs: Number(session.expires_at_ms), auth: bearer(session.token) };
}

/** Numbers unique within a test run, valid E.164. */
let counter = 0;
export function freshNumber(): string {
  counter += 1;
  return `+1555${String(process.pid % 1000).padStart(3, '0')}${String(counter).padStart(4, '0')}`;
}

export interface StreamWatch {
  events: MailboxEvent__Output[];
  envelopes(): Envelope__Output[];
  /** Resolves once `predicate` holds for the events so far; rejects after `timeoutMs`. */
  until(predicate: (events: MailboxEvent__Output[]) => boolean, timeoutMs?: number): Promise<void>;
  /** Resolves with the status the stream ended with. */
  ended: Promise<grpc.StatusObject>;
  cancel(): void;
}

export function subscribe(stubs: Stubs, auth: grpc.Metadata): StreamWatch {
  const events: MailboxEvent__Output[] = [];
  const stream = stubs.mailbox.Subscribe({}, auth);
  const waiters = new Set<() => void>();
  stream.on('data', (e: MailboxEvent__Output) => {
    events.push(e);
    for (const w of [...waiters]) w();
  });
  stream.on('error', () => {}); // the status arrives through 'status'
  const ended = new Promise<grpc.StatusObject>((resolve) => stream.on('status', resolve));
  return {
    events,
    envelopes: () => events.flatMap((e) => (e.envelope ? [e.envelope] : [])),
    until: (predicate, timeoutMs = 10_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!predicate(events)) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`stream condition not met within ${timeoutMs} ms (${events.length} events)`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    ended,
    cancel: () => stream.cancel(),
  };
}

/** Flips the lowest bit of one byte, in place. */
export function flipBit(bytes: Uint8Array, index: number): void {
  bytes[index] = bytes[index]! ^ 1;
}

/** A bundle from the wire as libsignal's PreKeyBundle (absent one-time EC prekey allowed). */
export function bundleFromWire(b: PreKeyBundle__Output): PreKeyBundle {
  const bytes = (x: Buffer) => new Uint8Array(x);
  return PreKeyBundle.new(
    b.registration_id,
    b.device_id,
    b.pre_key ? b.pre_key.id : null,
    b.pre_key ? PublicKey.deserialize(bytes(b.pre_key.public_key)) : null,
    b.signed_pre_key!.id,
    PublicKey.deserialize(bytes(b.signed_pre_key!.public_key)),
    bytes(b.signed_pre_key!.signature),
    PublicKey.deserialize(bytes(b.identity_key)),
    b.kyber_pre_key!.id,
    KEMPublicKey.deserialize(bytes(b.kyber_pre_key!.public_key)),
    bytes(b.kyber_pre_key!.signature),
  );
}
