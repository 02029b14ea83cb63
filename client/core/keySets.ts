/** Batches of our own prekeys: generated, stored (private halves) and uploaded (public halves). */
import type { KyberPreKeyRecord, PreKeyRecord, SignedPreKeyRecord } from '@signalapp/libsignal-client';
import type { UploadPreKeysRequest } from '../../proto/generated/e2ee/v1/UploadPreKeysRequest.js';
import {
  generateKyberPreKeys,
  generatePreKeys,
  generateSignedPreKey,
  kyberPreKeyToWire,
  nextKeyId,
  preKeyToWire,
  signedPreKeyToWire,
} from './protocol/prekeys.js';
import type { LocalIdentity } from './protocol/stores.js';
import type { ClientDatabase } from './storage/database.js';
import { insertKyberPreKey, insertPreKey, insertSignedPreKey, maxKeyId } from './storage/keyQueries.js';

/** One-time keys of each kind kept on the server (the most one request may carry). */
export const ONE_TIME_KEY_BATCH = 100;

export interface KeySet {
  signedPreKey?: SignedPreKeyRecord;
  lastResortKyberPreKey?: KyberPreKeyRecord;
  preKeys: PreKeyRecord[];
  kyberPreKeys: KyberPreKeyRecord[];
}

export interface KeySetParts {
  /** A new signed prekey and a new last-resort Kyber prekey. */
  signed: boolean;
  oneTimeEc: boolean;
  oneTimeKyber: boolean;
}

export const ALL_KEYS: KeySetParts = { signed: true, oneTimeEc: true, oneTimeKyber: true };

export function generateKeySet(db: ClientDatabase, local: LocalIdentity, parts: KeySetParts, now: number): KeySet {
  const identity = local.identityKeyPair;
  let kyberId = nextKeyId(maxKeyId(db, 'kyber_prekeys'));
  const set: KeySet = { preKeys: [], kyberPreKeys: [] };
  if (parts.signed) {
    set.signedPreKey = generateSignedPreKey(identity, nextKeyId(maxKeyId(db, 'signed_prekeys')), now);
    set.lastResortKyberPreKey = generateKyberPreKeys(identity, kyberId, 1, now)[0]!;
    kyberId = nextKeyId(kyberId);
  }
  if (parts.oneTimeEc) set.preKeys = generatePreKeys(nextKeyId(maxKeyId(db, 'prekeys')), ONE_TIME_KEY_BATCH);
  if (parts.oneTimeKyber) set.kyberPreKeys = generateKyberPreKeys(identity, kyberId, ONE_TIME_KEY_BATCH, now);
  return set;
}

/** Stores the private halves; call inside a transaction, before the upload. */
export function storeKeySet(db: ClientDatabase, set: KeySet, now: number): void {
  if (set.signedPreKey) insertSignedPreKey(db, set.signedPreKey.id(), set.signedPreKey.serialize(), now);
  if (set.lastResortKyberPreKey) insertKyberPreKey(db, set.lastResortKyberPreKey.id(), set.lastResortKyberPreKey.serialize(), true, now);
  for (const record of set.preKeys) insertPreKey(db, record.id(), record.serialize(), now);
  for (const record of set.kyberPreKeys) insertKyberPreKey(db, record.id(), record.serialize(), false, now);
}

export function keySetToWire(set: KeySet): UploadPreKeysRequest {
  const wire: UploadPreKeysRequest = {
    pre_keys: set.preKeys.map(preKeyToWire),
    kyber_pre_keys: set.kyberPreKeys.map(kyberPreKeyToWire),
  };
  if (set.signedPreKey) wire.signed_pre_key = signedPreKeyToWire(set.signedPreKey);
  if (set.lastResortKyberPreKey) wire.kyber_last_resort_pre_key = kyberPreKeyToWire(set.lastResortKyberPreKey);
  return wire;
}
