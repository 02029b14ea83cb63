/** Making our own prekeys: the private records we keep and the public forms we upload. */
import { KEMKeyPair, KyberPreKeyRecord, PreKeyRecord, PrivateKey, SignedPreKeyRecord, type IdentityKeyPair } from '@signalapp/libsignal-client';
import type { KyberPreKey } from '../../../proto/generated/e2ee/v1/KyberPreKey.js';
import type { PreKey } from '../../../proto/generated/e2ee/v1/PreKey.js';
import type { SignedPreKey } from '../../../proto/generated/e2ee/v1/SignedPreKey.js';
import { MAX_PREKEY_ID } from '../storage/keyQueries.js';

/** Ids are 24 bits (API.md); the next id after `previous`, wrapping past the top. */
export function nextKeyId(previous: number): number {
  return (previous % MAX_PREKEY_ID) + 1;
}

export function generatePreKeys(firstId: number, count: number): PreKeyRecord[] {
  const records: PreKeyRecord[] = [];
  let id = firstId;
  for (let i = 0; i < count; i++) {
    const privateKey = PrivateKey.generate();
    records.push(PreKeyRecord.new(id, privateKey.getPublicKey(), privateKey));
    id = nextKeyId(id);
  }
  return records;
}

export function generateSignedPreKey(identity: IdentityKeyPair, id: number, now: number): SignedPreKeyRecord {
  const privateKey = PrivateKey.generate();
  const publicKey = privateKey.getPublicKey();
  return SignedPreKeyRecord.new(id, now, publicKey, privateKey, identity.privateKey.sign(publicKey.serialize()));
}

export function generateKyberPreKeys(identity: IdentityKeyPair, firstId: number, count: number, now: number): KyberPreKeyRecord[] {
  const records: KyberPreKeyRecord[] = [];
  let id = firstId;
  for (let i = 0; i < count; i++) {
    const keyPair = KEMKeyPair.generate();
    records.push(KyberPreKeyRecord.new(id, now, keyPair, identity.privateKey.sign(keyPair.getPublicKey().serialize())));
    id = nextKeyId(id);
  }
  return records;
}

export function preKeyToWire(record: PreKeyRecord): PreKey {
  return { id: record.id(), public_key: Buffer.from(record.publicKey().serialize()) };
}

export function signedPreKeyToWire(record: SignedPreKeyRecord): SignedPreKey {
  return { id: record.id(), public_key: Buffer.from(record.publicKey().serialize()), signature: Buffer.from(record.signature()) };
}

export function kyberPreKeyToWire(record: KyberPreKeyRecord): KyberPreKey {
  return { id: record.id(), public_key: Buffer.from(record.publicKey().serialize()), signature: Buffer.from(record.signature()) };
}
