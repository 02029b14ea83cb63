/**
 * Every write the server makes, as a transaction script: a synchronous
 * function of the database and plain data, returning plain data. They run in
 * the writer thread (storage/writerThread.ts), each in its own savepoint of a
 * group commit; throwing a Rejection rolls back that one script.
 */
import { createHash } from 'node:crypto';
import { timeOrderedUuid } from '../../proto/guid.js';
import { deleteAccount, findAccountById, findAccountByNumber, insertAccount, updateRegistrationId } from '../storage/accounts.js';
import type { Db } from '../storage/database.js';
import type { DatabaseWriter } from '../storage/databaseWriter.js';
import {
  countOneTimePreKeys,
  replaceKyberLastResortPreKey,
  replaceOneTimeKyberPreKeys,
  replaceOneTimePreKeys,
  replaceSignedPreKey,
  takeBundleKeys,
  type TakenBundleKeys,
} from '../storage/keys.js';
import {
  deleteEnvelopes,
  deleteEnvelopesOlderThan,
  deleteSendReceiptsOlderThan,
  findSendReceipt,
  insertEnvelopes,
  insertSendReceipt,
  type NewEnvelope,
} from '../storage/mailbox.js';
import { deleteExpiredTokens, deleteTokensOf, insertToken } from '../storage/tokens.js';
import { failpoint } from '../failpoints.js';
import { Rejection } from './outcome.js';
import { DEVICE_ID, type OutgoingMessage, type PreKey, type SignedPreKey } from './types.js';

export interface RegisterArgs {
  number: string;
  registrationId: number;
  identityKey: Uint8Array;
  signedPreKey: SignedPreKey;
  kyberLastResortPreKey: SignedPreKey;
  preKeys: PreKey[];
  kyberPreKeys: SignedPreKey[];
  tokenHash: Uint8Array;
  tokenExpiresAt: number;
  now: number;
}

/** Create, or refresh for the same identity key (earlier tokens end); another key: already_exists. */
function register(db: Db, r: RegisterArgs): { accountId: number; refreshed: boolean } {
  const existing = findAccountByNumber(db, r.number);
  if (existing && !Buffer.from(existing.identity_key).equals(Buffer.from(r.identityKey))) {
    throw new Rejection({ kind: 'already_exists', message: 'number is registered with another identity key' });
  }
  let accountId: number;
  if (existing) {
    accountId = existing.id;
    updateRegistrationId(db, accountId, r.registrationId);
    deleteTokensOf(db, accountId);
  } else {
    accountId = insertAccount(db, r);
  }
  replaceSignedPreKey(db, accountId, r.signedPreKey);
  replaceKyberLastResortPreKey(db, accountId, r.kyberLastResortPreKey);
  replaceOneTimePreKeys(db, accountId, r.preKeys);
  replaceOneTimeKyberPreKeys(db, accountId, r.kyberPreKeys);
  insertToken(db, r.tokenHash, accountId, r.tokenExpiresAt);
  return { accountId, refreshed: existing !== undefined };
}

/**
 * The caller's account, deleted (Deregister) between the call's token check and
 * its write, has no session any more: unauthenticated, as API.md says of an
 * unknown token, rather than the foreign-key error its rows would hit.
 */
function requireCaller(db: Db, accountId: number): void {
  if (!findAccountById(db, accountId)) throw new Rejection({ kind: 'unauthenticated', message: 'the account was deleted' });
}

function addToken(db: Db, a: { accountId: number; tokenHash: Uint8Array; expiresAt: number }): void {
  requireCaller(db, a.accountId);
  insertToken(db, a.tokenHash, a.accountId, a.expiresAt);
}

function removeAccount(db: Db, a: { accountId: number }): boolean {
  return deleteAccount(db, a.accountId);
}

export interface UploadArgs {
  accountId: number;
  signedPreKey?: SignedPreKey;
  kyberLastResortPreKey?: SignedPreKey;
  /** Non-empty replaces the stored one-time EC prekeys. */
  preKeys: PreKey[];
  /** Non-empty replaces the stored one-time Kyber prekeys. */
  kyberPreKeys: SignedPreKey[];
}

function uploadPreKeys(db: Db, u: UploadArgs): { ec: number; kyber: number } {
  requireCaller(db, u.accountId);
  if (u.signedPreKey) replaceSignedPreKey(db, u.accountId, u.signedPreKey);
  if (u.kyberLastResortPreKey) replaceKyberLastResortPreKey(db, u.accountId, u.kyberLastResortPreKey);
  if (u.preKeys.length > 0) replaceOneTimePreKeys(db, u.accountId, u.preKeys);
  if (u.kyberPreKeys.length > 0) replaceOneTimeKyberPreKeys(db, u.accountId, u.kyberPreKeys);
  return countOneTimePreKeys(db, u.accountId);
}

export interface TakenBundle {
  number: string;
  registrationId: number;
  identityKey: Uint8Array;
  keys: TakenBundleKeys;
}

/** Takes one bundle's keys; the one-time ones are deleted in the same commit, so none is handed out twice. */
function takeBundle(db: Db, a: { number: string }): TakenBundle | undefined {
  const target = findAccountByNumber(db, a.number);
  const keys = target && takeBundleKeys(db, target.id);
  failpoint('server.bundle.before-commit');
  if (!target || !keys) return undefined;
  return { number: target.number, registrationId: target.registration_id, identityKey: target.identity_key, keys };
}

export interface StoreArgs {
  sourceId: number;
  source: string;
  recipientId: number;
  destination: string;
  messages: OutgoingMessage[];
  now: number;
  queueCap: number;
  idempotencyTtlMs: number;
}

export interface StoreResult {
  /** Envelope guid of each message, in request order. */
  guids: string[];
  /** Queue position of each message this call stored; 0 for a repeat stored by an earlier call. */
  ids: number[];
  serverTimestamp: number;
}

/** What "the same content" means for an idempotent repeat: every field the sender chose. */
function messageDigest(destination: string, m: OutgoingMessage): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt32BE(m.type, 0);
  header.writeDoubleBE(m.clientTimestamp, 4);
  return createHash('sha256').update(destination, 'utf8').update(header).update(m.content).digest();
}

/**
 * Stores one Send, all or none. A repeated (source, guid) with the same content
 * is answered as the first time and stored once; with other content it rejects
 * the call. Past the recipient's cap, nothing of the call is stored.
 */
function storeEnvelopes(db: Db, s: StoreArgs): StoreResult {
  requireCaller(db, s.sourceId);
  // The caller looked the recipient up a moment ago; it may have been deleted since.
  if (!findAccountById(db, s.recipientId)) throw new Rejection({ kind: 'not_found', message: 'no such account' });
  const guids: string[] = [];
  const fresh: NewEnvelope[] = [];
  const freshIndexes: number[] = [];
  let repeatedAt: number | undefined;
  for (const message of s.messages) {
    const digest = message.guid === '' ? undefined : messageDigest(s.destination, message);
    const earlier = digest && findSendReceipt(db, s.sourceId, message.guid, s.now - s.idempotencyTtlMs);
    if (earlier) {
      if (!earlier.digest.equals(digest)) {
        throw new Rejection({ kind: 'already_exists', message: `message guid ${message.guid} was used for other content` });
      }
      guids.push(earlier.envelopeGuid);
      repeatedAt ??= earlier.serverTimestamp;
      continue;
    }
    // Time-ordered (proto/guid.ts), also for each recipient's record of processed guids.
    const envelopeGuid = timeOrderedUuid();
    freshIndexes.push(guids.length);
    fresh.push({
      guid: envelopeGuid,
      destinationId: s.recipientId,
      source: s.source,
      sourceDevice: DEVICE_ID,
      type: message.type,
      content: message.content,
      clientTimestamp: message.clientTimestamp,
      serverTimestamp: s.now,
    });
    if (digest) {
      insertSendReceipt(db, { sourceId: s.sourceId, clientGuid: message.guid, digest, envelopeGuid, serverTimestamp: s.now });
    }
    guids.push(envelopeGuid);
  }
  const storedIds = insertEnvelopes(db, fresh);
  // Checked against the count the inserts produced; the throw undoes them.
  if (fresh.length > 0 && (findAccountById(db, s.recipientId)?.queued ?? 0) > s.queueCap) {
    throw new Rejection({ kind: 'queue_full', message: "recipient's queue is full" });
  }
  const ids = new Array<number>(guids.length).fill(0);
  freshIndexes.forEach((messageIndex, i) => (ids[messageIndex] = storedIds[i]!));
  // A pure repeat answers exactly as the first call did.
  return { guids, ids, serverTimestamp: fresh.length === 0 && repeatedAt !== undefined ? repeatedAt : s.now };
}

function ackEnvelopes(db: Db, a: { accountId: number; guids: string[] }): number {
  return deleteEnvelopes(db, a.accountId, a.guids);
}

function sweep(db: Db, a: { now: number; envelopesBefore: number; receiptsBefore: number }) {
  return {
    envelopes: deleteEnvelopesOlderThan(db, a.envelopesBefore),
    sendReceipts: deleteSendReceiptsOlderThan(db, a.receiptsBefore),
    tokens: deleteExpiredTokens(db, a.now),
  };
}

/** The event loop's handle on these scripts. */
export type Writer = DatabaseWriter<WriteScripts>;

const scripts = { register, addToken, removeAccount, uploadPreKeys, takeBundle, storeEnvelopes, ackEnvelopes, sweep };
export type WriteScripts = typeof scripts;
export default scripts;

/**
 * Scripts whose commits need no fsync of their own (see WriteBatcher): they are
 * answered at the next sync of the WAL, usually a Send's, so no Send waits behind
 * them. Frequent and small (an Ack), or nobody waits for them (the sweep).
 */
export const unsynced: ReadonlySet<keyof WriteScripts> = new Set(['ackEnvelopes', 'sweep']);
