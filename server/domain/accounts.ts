/** Account rules: registration (create / refresh / refuse), deregistration. */
import { deleteAccount, findAccountByNumber, insertAccount, updateRegistrationId } from '../storage/accounts.js';
import type { Db } from '../storage/database.js';
import {
  replaceKyberLastResortPreKey,
  replaceOneTimeKyberPreKeys,
  replaceOneTimePreKeys,
  replaceSignedPreKey,
} from '../storage/keys.js';
import { deleteTokensOf } from '../storage/tokens.js';
import type { WriteBatcher } from '../storage/writeBatcher.js';
import type { TokenIssuer } from './auth.js';
import type { Logger } from '../log.js';
import { Rejection, fail, ok, type Outcome } from './outcome.js';
import type { Clock, PreKey, SignedPreKey } from './types.js';

export interface Registration {
  number: string;
  registrationId: number;
  identityKey: Uint8Array;
  signedPreKey: SignedPreKey;
  kyberLastResortPreKey: SignedPreKey;
  preKeys: PreKey[];
  kyberPreKeys: SignedPreKey[];
}

export interface IssuedSession {
  token: string;
  expiresAt: number;
}

/** Called when an account's sessions end (refresh or deletion), to close its live stream. */
export type SessionsEnded = (accountId: number) => void;

export class AccountService {
  constructor(
    private readonly db: Db,
    private readonly writes: WriteBatcher,
    private readonly tokens: TokenIssuer,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly onSessionsEnded: SessionsEnded,
  ) {}

  /**
   * Creates the account, or refreshes it when the same identity key holds the
   * number (new registration id and prekeys; earlier tokens stop working).
   * The caller has already checked the challenge and every key's signature.
   */
  async register(r: Registration): Promise<Outcome<IssuedSession>> {
    try {
      const { session, accountId, refreshed } = await this.writes.run((db) => {
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
          accountId = insertAccount(db, { ...r, now: this.clock.now() });
        }
        replaceSignedPreKey(db, accountId, r.signedPreKey);
        replaceKyberLastResortPreKey(db, accountId, r.kyberLastResortPreKey);
        replaceOneTimePreKeys(db, accountId, r.preKeys);
        replaceOneTimeKyberPreKeys(db, accountId, r.kyberPreKeys);
        return { session: this.tokens.issue(db, accountId), accountId, refreshed: existing !== undefined };
      });
      if (refreshed) this.onSessionsEnded(accountId);
      this.log.info(refreshed ? 'account refreshed' : 'account created', { account: accountId });
      return ok(session);
    } catch (err) {
      if (err instanceof Rejection) return { ok: false, failure: err.failure };
      throw err;
    }
  }

  /** Deletes the account with its keys, mailbox and tokens; the number is free again. */
  async deregister(accountId: number): Promise<void> {
    await this.writes.run((db) => deleteAccount(db, accountId));
    this.onSessionsEnded(accountId);
    this.log.info('account deleted', { account: accountId });
  }

  /** Operator path: frees a number whose owner lost their key. */
  async deleteByNumber(number: string): Promise<Outcome<void>> {
    const account = findAccountByNumber(this.db, number);
    if (!account) return fail('not_found', 'no such account');
    await this.deregister(account.id);
    return ok(undefined);
  }
}
