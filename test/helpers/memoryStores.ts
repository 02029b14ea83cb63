/**
 * A device's libsignal stores in memory, holding the private halves of the
 * keys it registered: for two-party protocol tests against the server that
 * depend on nothing but libsignal and the wire. The stores themselves are the
 * benchmark's (bench/limits/memoryStores.ts); the client's real ones live on
 * SQLite in client/core.
 */
import {
  KyberPreKeyRecord,
  PreKeyRecord,
  ProtocolAddress,
  SignedPreKeyRecord,
  type IdentityKeyStore,
  type KyberPreKeyStore,
  type PreKeyStore,
  type SessionStore,
  type SignedPreKeyStore,
} from '@signalapp/libsignal-client';
import { memoryStores } from '../../bench/limits/memoryStores.js';
import type { DeviceKeys } from './wire.js';

export interface MemoryDevice {
  address: ProtocolAddress;
  sessions: SessionStore;
  identities: IdentityKeyStore;
  preKeys: PreKeyStore;
  signedPreKeys: SignedPreKeyStore;
  kyberPreKeys: KyberPreKeyStore;
}

export async function memoryDevice(number: string, keys: DeviceKeys): Promise<MemoryDevice> {
  const stores = memoryStores(keys.identity, keys.registrationId);
  const now = Date.now();
  for (const k of keys.preKeys) await stores.preKey.savePreKey(k.id, PreKeyRecord.new(k.id, k.key.getPublicKey(), k.key));
  const s = keys.signedPreKey;
  await stores.signedPreKey.saveSignedPreKey(s.id, SignedPreKeyRecord.new(s.id, now, s.key.getPublicKey(), s.key, s.signature));
  for (const k of [...keys.kyberPreKeys, keys.kyberLastResort]) {
    await stores.kyberPreKey.saveKyberPreKey(k.id, KyberPreKeyRecord.new(k.id, now, k.key, k.signature));
  }
  return {
    address: ProtocolAddress.new(number, 1),
    sessions: stores.session,
    identities: stores.identity,
    preKeys: stores.preKey,
    signedPreKeys: stores.signedPreKey,
    kyberPreKeys: stores.kyberPreKey,
  };
}
