/**
 * Proof of possession of the identity key: single-use challenges and session
 * tokens. Challenges live in memory only (60 s, single use; a restart simply
 * voids them); tokens are stored as SHA-256 hashes so they survive a restart
 * without the database ever holding a usable token.
 */
import { createHash, randomBytes } from 'node:crypto';
import { PrivateKey, PublicKey } from '@signalapp/libsignal-client';
import type { Db } from '../storage/database.js';
import { findAccountByToken } from '../storage/tokens.js';
import { RecentLookups } from './recentLookups.js';
import type { Account, Clock } from './types.js';

const AUTH_LABEL = 'e2ee-auth-v1';
/**
 * Outstanding challenges kept at most; the oldest are dropped first. There is
 * no cap per number: GetChallenge needs no token, so such a cap would let
 * anyone cancel another user's challenge by asking for a few more. A challenge
 * is dropped only after this many newer ones, far more than can be issued in
 * the moment between a client's GetChallenge and its Authenticate.
 */
const MAX_CHALLENGES = 100_000;
/** Stands in for the identity key of an unknown number, so its failure takes as long as a wrong signature's. */
const DECOY_KEY = PrivateKey.generate().getPublicKey().serialize();

/** The exact bytes a client signs: label 0 server_id 0 number 0 nonce. */
export function challengeMessage(serverId: string, number: string, nonce: Uint8Array): Uint8Array<ArrayBuffer> {
  const zero = Buffer.from([0]);
  return new Uint8Array(
    Buffer.concat([Buffer.from(AUTH_LABEL, 'ascii'), zero, Buffer.from(serverId, 'utf8'), zero, Buffer.from(number, 'utf8'), zero, nonce]),
  );
}

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Checks an XEdDSA signature; a malformed key or signature is simply "no". */
export function verifySignature(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    return PublicKey.deserialize(new Uint8Array(publicKey)).verify(new Uint8Array(message), new Uint8Array(signature));
  } catch {
    return false;
  }
}

interface Outstanding {
  number: string;
  expiresAt: number;
}

export class ChallengeBook {
  /** Keyed by hex nonce; Map order is issue order, so the first entries are the oldest. */
  private readonly outstanding = new Map<string, Outstanding>();

  constructor(
    readonly serverId: string,
    private readonly ttlMs: number,
    private readonly clock: Clock,
  ) {}

  issue(number: string): { nonce: Buffer; expiresAt: number } {
    this.dropExpired();
    if (this.outstanding.size >= MAX_CHALLENGES) this.outstanding.delete(this.outstanding.keys().next().value!);
    const nonce = randomBytes(32);
    const expiresAt = this.clock.now() + this.ttlMs;
    this.outstanding.set(nonce.toString('hex'), { number, expiresAt });
    return { nonce, expiresAt };
  }

  /**
   * Uses the nonce up (whatever the result) and checks that it was issued for
   * `number`, is unexpired, and that `signature` over the challenge verifies
   * with `identityKey` (undefined: an unknown number, which always fails).
   */
  redeem(number: string, nonce: Uint8Array, signature: Uint8Array, identityKey: Uint8Array | undefined): boolean {
    const id = Buffer.from(nonce).toString('hex');
    const challenge = this.outstanding.get(id);
    this.outstanding.delete(id);
    const live = challenge !== undefined && challenge.number === number && challenge.expiresAt > this.clock.now();
    // Checked even when the answer is already no, so that the time taken tells nothing
    // about whether the number is registered or the nonce was good.
    const verified = verifySignature(identityKey ?? DECOY_KEY, challengeMessage(this.serverId, number, nonce), signature);
    return live && identityKey !== undefined && verified;
  }

  /** Uses the nonce up without checking anything: a request too malformed to check (API.md: any attempt uses it up). */
  spend(nonce: Uint8Array): void {
    this.outstanding.delete(Buffer.from(nonce).toString('hex'));
  }

  dropExpired(): void {
    const now = this.clock.now();
    for (const [id, c] of this.outstanding) {
      if (c.expiresAt > now) break; // issue order is expiry order
      this.outstanding.delete(id);
    }
  }
}

export interface MintedToken {
  token: string;
  /** What the database keeps instead of the token. */
  hash: Buffer;
  expiresAt: number;
}

/**
 * Tokens recently looked up, so a busy session does not hash and query on
 * every call. Re-registration and deletion forget an account's tokens at once;
 * an entry is read again after a second.
 */
const REMEMBER_MS = 1_000;
const MAX_REMEMBERED = 10_000;

export class TokenIssuer {
  private readonly remembered: RecentLookups<string, Account>;

  constructor(
    private readonly db: Db,
    private readonly ttlMs: number,
    private readonly clock: Clock,
  ) {
    this.remembered = new RecentLookups(clock, REMEMBER_MS, MAX_REMEMBERED);
  }

  /** A new opaque token; the caller stores its hash with the account. */
  mint(): MintedToken {
    const token = randomBytes(32).toString('base64url');
    return { token, hash: hashToken(token), expiresAt: this.clock.now() + this.ttlMs };
  }

  accountFor(token: string): Account | undefined {
    const known = this.remembered.get(token);
    if (known) return known;
    const row = findAccountByToken(this.db, hashToken(token), this.clock.now());
    if (!row) return undefined;
    const account = { id: row.id, number: row.number, identityKey: row.identity_key, registrationId: row.registration_id };
    this.remembered.remember(token, account, row.expires_at);
    return account;
  }

  /** The account's tokens were revoked: stop honouring any of them now. */
  forgetAccount(accountId: number): void {
    this.remembered.forgetWhere((account) => account.id === accountId);
  }
}
