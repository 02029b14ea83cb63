/** Account rules: registration (create / refresh / refuse), deregistration. */
import type { Logger } from '../log.js';
import type { TokenIssuer } from './auth.js';
import { ok, rejectionOf, type Outcome } from './outcome.js';
import type { Clock, PreKey, SignedPreKey } from './types.js';
import type { Writer } from './writes.js';

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
    private readonly writer: Writer,
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
    const session = this.tokens.mint();
    try {
      const { accountId, refreshed } = await this.writer.run('register', {
        ...r,
        tokenHash: session.hash,
        tokenExpiresAt: session.expiresAt,
        now: this.clock.now(),
      });
      if (refreshed) this.sessionsEnded(accountId);
      this.log.info(refreshed ? 'account refreshed' : 'account created', { account: accountId });
      return ok({ token: session.token, expiresAt: session.expiresAt });
    } catch (err) {
      const failure = rejectionOf(err);
      if (failure) return { ok: false, failure };
      throw err;
    }
  }

  /** A new session for an account that just proved its identity key. */
  async signIn(accountId: number): Promise<IssuedSession> {
    const session = this.tokens.mint();
    await this.writer.run('addToken', { accountId, tokenHash: session.hash, expiresAt: session.expiresAt });
    return { token: session.token, expiresAt: session.expiresAt };
  }

  /** Deletes the account with its keys, mailbox and tokens; the number is free again. */
  async deregister(accountId: number): Promise<void> {
    await this.writer.run('removeAccount', { accountId });
    this.sessionsEnded(accountId);
    this.log.info('account deleted', { account: accountId });
  }

  private sessionsEnded(accountId: number): void {
    this.tokens.forgetAccount(accountId);
    this.onSessionsEnded(accountId);
  }
}
