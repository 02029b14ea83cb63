/**
 * A load generator's view of the server: the real wire contract through
 * loadContract(), accounts registered with real libsignal keys and the
 * labelled challenge signature of API.md, then Send/Subscribe/Ack with a
 * bearer token.
 */
import * as grpc from '@grpc/grpc-js';
import { IdentityKeyPair } from '@signalapp/libsignal-client';
import { useLeanAsyncResourceBind } from '../../client/core/net/leanAsyncBind.js';
import { loadContract } from '../../proto/loader.js';
import type { AccountsClient } from '../../proto/generated/e2ee/v1/Accounts.js';
import type { MailboxClient } from '../../proto/generated/e2ee/v1/Mailbox.js';
import type { MailboxEvent__Output } from '../../proto/generated/e2ee/v1/MailboxEvent.js';
import type { OutgoingMessage } from '../../proto/generated/e2ee/v1/OutgoingMessage.js';
import type { SendResponse__Output } from '../../proto/generated/e2ee/v1/SendResponse.js';
import { newKyberPreKey, newRegistrationId, newSignedPreKey } from './signalKeys.js';

export interface Wire {
  accounts: AccountsClient;
  mailbox: MailboxClient;
  close(): void;
}

/** Clients for one server; the Accounts and Mailbox clients share one channel (one HTTP/2 connection). */
export function connect(address: string): Wire {
  // As the client does (see there): otherwise every call of the load generator feeds its own GC pauses.
  useLeanAsyncResourceBind();
  const { Accounts, Mailbox } = loadContract().grpcObject.e2ee.v1;
  const credentials = grpc.credentials.createInsecure();
  const mailbox = new Mailbox(address, credentials);
  const accounts = new Accounts(address, credentials, { channelOverride: mailbox.getChannel() });
  return {
    accounts,
    mailbox,
    close: () => {
      accounts.close();
      mailbox.close();
    },
  };
}

export interface Account {
  number: string;
  /** `authorization: Bearer <token>` for every Mailbox call. */
  auth: grpc.Metadata;
}

let accountsMade = 0;

/** A number no other account of this bench process has: +1555 and seven digits. */
export function freshNumber(): string {
  accountsMade += 1;
  return `+1555${String(accountsMade).padStart(7, '0')}`;
}

/** The bytes a challenge signature covers (API.md, "the signed challenge"). */
function challengeBytes(serverId: string, number: string, nonce: Buffer): Uint8Array<ArrayBuffer> {
  const zero = Buffer.of(0);
  return new Uint8Array(
    Buffer.concat([Buffer.from('e2ee-auth-v1', 'ascii'), zero, Buffer.from(serverId, 'utf8'), zero, Buffer.from(number, 'utf8'), zero, nonce]),
  );
}

/** Registers a new account with a signed prekey and a last-resort Kyber prekey (no one-time prekeys: these accounts never start sessions). */
export async function registerAccount(wire: Wire, serverId: string, number = freshNumber()): Promise<Account> {
  const identity = IdentityKeyPair.generate();
  const challenge = await unary<{ nonce: Buffer; server_id: string }>((done) => wire.accounts.GetChallenge({ number }, done));
  if (challenge.server_id !== serverId) throw new Error(`challenge names server ${challenge.server_id}, expected ${serverId}`);
  const signedPreKey = newSignedPreKey(identity, 1);
  const kyberPreKey = newKyberPreKey(identity, 1);
  const session = await unary<{ token: string }>((done) =>
    wire.accounts.Register(
      {
        number,
        registration_id: newRegistrationId(),
        identity_key: identity.publicKey.serialize(),
        nonce: challenge.nonce,
        signature: identity.privateKey.sign(challengeBytes(serverId, number, challenge.nonce)),
        signed_pre_key: { id: 1, public_key: signedPreKey.publicKey().serialize(), signature: signedPreKey.signature() },
        kyber_last_resort_pre_key: { id: 1, public_key: kyberPreKey.publicKey().serialize(), signature: kyberPreKey.signature() },
      },
      done,
    ),
  );
  const auth = new grpc.Metadata();
  auth.set('authorization', `Bearer ${session.token}`);
  return { number, auth };
}

export function send(wire: Wire, from: Account, destination: string, messages: OutgoingMessage[]): Promise<SendResponse__Output> {
  return unary((done) => wire.mailbox.Send({ destination, messages }, from.auth, done));
}

export function ack(wire: Wire, account: Account, guids: string[]): Promise<unknown> {
  return unary((done) => wire.mailbox.Ack({ guids }, account.auth, done));
}

export function subscribe(wire: Wire, account: Account): grpc.ClientReadableStream<MailboxEvent__Output> {
  return wire.mailbox.Subscribe({}, account.auth);
}

/** A unary call as a promise. */
function unary<T>(start: (done: (error: grpc.ServiceError | null, response?: T) => void) => unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    start((error, response) => (error ? reject(error) : resolve(response as T)));
  });
}
