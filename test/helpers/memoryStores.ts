/**
 * In-memory libsignal stores for two-party protocol tests against the server.
 * (The client's real stores live on SQLite in client/core; these exist so the
 * server's protocol test depends on nothing but libsignal and the wire.)
 */
import {
  Direction,
  IdentityChange,
  IdentityKeyStore,
  KyberPreKeyRecord,
  KyberPreKeyStore,
  PreKeyRecord,
  PreKeyStore,
  PrivateKey,
  ProtocolAddress,
  PublicKey,
  SessionRecord,
  SessionStore,
  SignedPreKeyRecord,
  SignedPreKeyStore,
} from '@signalapp/libsignal-client';
import type { DeviceKeys } from './wire.js';

class MemorySessions extends SessionStore {
  private readonly records = new Map<string, Uint8Array<ArrayBuffer>>();
  async saveSession(name: ProtocolAddress, record: SessionRecord) {
    this.records.set(name.toString(), record.serialize());
  }
  async getSession(name: ProtocolAddress) {
    const bytes = this.records.get(name.toString());
    return bytes ? SessionRecord.deserialize(bytes) : null;
  }
  async getExistingSessions(addresses: ProtocolAddress[]) {
    return Promise.all(addresses.map(async (a) => (await this.getSession(a))!));
  }
}

class MemoryIdentities extends IdentityKeyStore {
  private readonly known = new Map<string, PublicKey>();
  constructor(
    private readonly keys: DeviceKeys,
  ) {
    super();
  }
  async getIdentityKey(): Promise<PrivateKey> {
    return this.keys.identity.privateKey;
  }
  async getLocalRegistrationId() {
    return this.keys.registrationId;
  }
  async saveIdentity(name: ProtocolAddress, key: PublicKey) {
    const old = this.known.get(name.name());
    this.known.set(name.name(), key);
    return old && !old.equals(key) ? IdentityChange.ReplacedExisting : IdentityChange.NewOrUnchanged;
  }
  async isTrustedIdentity(name: ProtocolAddress, key: PublicKey, _direction: Direction) {
    const old = this.known.get(name.name());
    return !old || old.equals(key);
  }
  async getIdentity(name: ProtocolAddress) {
    return this.known.get(name.name()) ?? null;
  }
}

class MemoryPreKeys extends PreKeyStore {
  readonly records = new Map<number, PreKeyRecord>();
  async savePreKey(id: number, record: PreKeyRecord) {
    this.records.set(id, record);
  }
  async getPreKey(id: number) {
    const r = this.records.get(id);
    if (!r) throw new Error(`no prekey ${id}`);
    return r;
  }
  async removePreKey(id: number) {
    this.records.delete(id);
  }
}

class MemorySignedPreKeys extends SignedPreKeyStore {
  readonly records = new Map<number, SignedPreKeyRecord>();
  async saveSignedPreKey(id: number, record: SignedPreKeyRecord) {
    this.records.set(id, record);
  }
  async getSignedPreKey(id: number) {
    const r = this.records.get(id);
    if (!r) throw new Error(`no signed prekey ${id}`);
    return r;
  }
}

class MemoryKyberPreKeys extends KyberPreKeyStore {
  readonly records = new Map<number, KyberPreKeyRecord>();
  readonly used = new Set<number>();
  async saveKyberPreKey(id: number, record: KyberPreKeyRecord) {
    this.records.set(id, record);
  }
  async getKyberPreKey(id: number) {
    const r = this.records.get(id);
    if (!r) throw new Error(`no kyber prekey ${id}`);
    return r;
  }
  async markKyberPreKeyUsed(id: number) {
    this.used.add(id);
  }
}

export interface MemoryDevice {
  address: ProtocolAddress;
  sessions: MemorySessions;
  identities: MemoryIdentities;
  preKeys: MemoryPreKeys;
  signedPreKeys: MemorySignedPreKeys;
  kyberPreKeys: MemoryKyberPreKeys;
}

/** Stores holding the private halves of `keys`, as the device that registered them would. */
export function memoryDevice(number: string, keys: DeviceKeys): MemoryDevice {
  const device: MemoryDevice = {
    address: ProtocolAddress.new(number, 1),
    sessions: new MemorySessions(),
    identities: new MemoryIdentities(keys),
    preKeys: new MemoryPreKeys(),
    signedPreKeys: new MemorySignedPreKeys(),
    kyberPreKeys: new MemoryKyberPreKeys(),
  };
  const now = Date.now();
  for (const k of keys.preKeys) device.preKeys.records.set(k.id, PreKeyRecord.new(k.id, k.key.getPublicKey(), k.key));
  const s = keys.signedPreKey;
  device.signedPreKeys.records.set(s.id, SignedPreKeyRecord.new(s.id, now, s.key.getPublicKey(), s.key, s.signature));
  for (const k of [...keys.kyberPreKeys, keys.kyberLastResort]) {
    device.kyberPreKeys.records.set(k.id, KyberPreKeyRecord.new(k.id, now, k.key, k.signature));
  }
  return device;
}
