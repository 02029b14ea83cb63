/** Prekey rules: uploads, counts, and the once-only hand-out of one-time prekeys. */
import { failpoint } from '../failpoints.js';
import { findAccountByNumber } from '../storage/accounts.js';
import type { Db } from '../storage/database.js';
import { countOneTimePreKeys } from '../storage/keys.js';
import { fail, ok, type Outcome } from './outcome.js';
import type { RateLimiter } from './rateLimiter.js';
import { DEVICE_ID, type Account, type PreKey, type PreKeyBundle, type SignedPreKey } from './types.js';
import type { Writer } from './writes.js';

export interface PreKeyUpload {
  signedPreKey?: SignedPreKey;
  kyberLastResortPreKey?: SignedPreKey;
  /** Non-empty replaces the stored one-time EC prekeys. */
  preKeys: PreKey[];
  /** Non-empty replaces the stored one-time Kyber prekeys. */
  kyberPreKeys: SignedPreKey[];
}

export interface PreKeyCount {
  ec: number;
  kyber: number;
}

export class KeyService {
  constructor(
    private readonly db: Db,
    private readonly writer: Writer,
    private readonly limits: RateLimiter,
  ) {}

  /** The caller has already checked every signature against the account's identity key. */
  async upload(account: Account, upload: PreKeyUpload): Promise<PreKeyCount> {
    return this.writer.run('uploadPreKeys', { accountId: account.id, ...upload });
  }

  count(account: Account): PreKeyCount {
    return countOneTimePreKeys(this.db, account.id);
  }

  /**
   * Hands out a bundle. Rate limits are checked before anything is taken, so a
   * refused call consumes no prekey; the take and the delete commit together.
   * A call for an unknown number counts too: otherwise asking about numbers
   * would be an unthrottled way to learn which are registered.
   */
  async bundle(caller: Account, number: string): Promise<Outcome<PreKeyBundle>> {
    const decision = this.limits.take([
      { rule: 'bundlePerTarget', key: `${caller.id}>${number}` },
      { rule: 'bundlePerCaller', key: String(caller.id) },
    ]);
    if (!decision.allowed) return fail('rate_limited', 'rate limit: prekey bundle requests', decision.retryAfterMs);
    if (!findAccountByNumber(this.db, number)) return fail('not_found', 'no such account');

    const taken = await this.writer.run('takeBundle', { number });
    failpoint('server.bundle.after-commit');
    if (!taken) return fail('not_found', 'no such account');
    return ok({
      number: taken.number,
      deviceId: DEVICE_ID,
      registrationId: taken.registrationId,
      identityKey: taken.identityKey,
      ...taken.keys,
    });
  }
}
