/** Prekey rules: uploads, counts, and the once-only hand-out of one-time prekeys. */
import { failpoint } from '../failpoints.js';
import { findAccountByNumber } from '../storage/accounts.js';
import type { Db } from '../storage/database.js';
import {
  countOneTimePreKeys,
  replaceKyberLastResortPreKey,
  replaceOneTimeKyberPreKeys,
  replaceOneTimePreKeys,
  replaceSignedPreKey,
  takeBundleKeys,
} from '../storage/keys.js';
import type { WriteBatcher } from '../storage/writeBatcher.js';
import { fail, ok, type Outcome } from './outcome.js';
import type { RateLimiter } from './rateLimiter.js';
import { DEVICE_ID, type Account, type PreKey, type PreKeyBundle, type SignedPreKey } from './types.js';

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
    private readonly writes: WriteBatcher,
    private readonly limits: RateLimiter,
  ) {}

  /** The caller has already checked every signature against the account's identity key. */
  async upload(account: Account, upload: PreKeyUpload): Promise<PreKeyCount> {
    return this.writes.run((db) => {
      if (upload.signedPreKey) replaceSignedPreKey(db, account.id, upload.signedPreKey);
      if (upload.kyberLastResortPreKey) replaceKyberLastResortPreKey(db, account.id, upload.kyberLastResortPreKey);
      if (upload.preKeys.length > 0) replaceOneTimePreKeys(db, account.id, upload.preKeys);
      if (upload.kyberPreKeys.length > 0) replaceOneTimeKyberPreKeys(db, account.id, upload.kyberPreKeys);
      return countOneTimePreKeys(db, account.id);
    });
  }

  count(account: Account): PreKeyCount {
    return countOneTimePreKeys(this.db, account.id);
  }

  /**
   * Hands out a bundle. Rate limits are checked before anything is taken, so a
   * refused call consumes no prekey; the take and the delete commit together.
   */
  async bundle(caller: Account, number: string): Promise<Outcome<PreKeyBundle>> {
    if (!findAccountByNumber(this.db, number)) return fail('not_found', 'no such account');
    const decision = this.limits.take([
      { rule: 'bundlePerTarget', key: `${caller.id}>${number}` },
      { rule: 'bundlePerCaller', key: String(caller.id) },
    ]);
    if (!decision.allowed) return fail('rate_limited', 'rate limit: prekey bundle requests', decision.retryAfterMs);

    const taken = await this.writes.run((db) => {
      const target = findAccountByNumber(db, number);
      const keys = target && takeBundleKeys(db, target.id);
      failpoint('server.bundle.before-commit');
      return target && keys && { target, keys };
    });
    failpoint('server.bundle.after-commit');
    if (!taken) return fail('not_found', 'no such account');
    return ok({
      number: taken.target.number,
      deviceId: DEVICE_ID,
      registrationId: taken.target.registration_id,
      identityKey: taken.target.identity_key,
      ...taken.keys,
    });
  }
}
