/**
 * libsignal stores held in Maps, for the raw libsignal limit: no
 * serialization, no disk, so what is left is the protocol's own cost.
 */
import {
  IdentityChange,
  IdentityKeyPair,
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

const keyOf = (address: ProtocolAddress): string => `${address.name()}.${address.deviceId()}`;

class MemorySessionStore extends SessionStore {
  private readonly sessions = new Map<string, SessionRecord>();
  override async saveSession(address: ProtocolAddress, record: SessionRecord): Promise<void> {
    this.sessions.set(keyOf(address), record);
  }
  override async getSession(address: ProtocolAddress): Promise<SessionRecord | null> {
    return this.sessions.get(keyOf(address)) ?? null;
  }
  override async getExistingSessions(addresses: ProtocolAddress[]): Promise<SessionRecord[]> {
    return addresses.map((address) => {
      const record = this.sessions.get(keyOf(address));
      if (!record) throw new Error(`no session with ${keyOf(address)}`);
      return record;
    });
  }
}

/** Trusts every identity on first use and remembers it. */
class MemoryIdentityStore extends IdentityKeyStore {
  private readonly known = new Map<string, PublicKey>();
  constructor(
    private readonly identity: IdentityKeyPair,
    private readonly registrationId: number,
  ) {
    super();
  }
  override async getIdentityKey(): Promise<PrivateKey> {
    return this.identity.privateKey;
  }
  override async getLocalRegistrationId(): Promise<number> {
    return this.registrationId;
  }
  override async saveIdentity(address: ProtocolAddress, key: PublicKey): Promise<IdentityChange> {
    const previous = this.known.get(keyOf(address));
    this.known.set(keyOf(address), key);
    return previous && !previous.equals(key) ? IdentityChange.ReplacedExisting : IdentityChange.NewOrUnchanged;
  }
  override async isTrustedIdentity(address: ProtocolAddress, key: PublicKey): Promise<boolean> {
    const known = this.known.get(keyOf(address));
    return known === undefined || known.equals(key);
  }
  override async getIdentity(address: ProtocolAddress): Promise<PublicKey | null> {
    return this.known.get(keyOf(address)) ?? null;
  }
}

class MemoryPreKeyStore extends PreKeyStore {
  private readonly records = new Map<number, PreKeyRecord>();
  override async savePreKey(id: number, record: PreKeyRecord): Promise<void> {
    this.records.set(id, record);
  }
  override async getPreKey(id: number): Promise<PreKeyRecord> {
    return found(this.records.get(id), `prekey ${id}`);
  }
  override async removePreKey(id: number): Promise<void> {
    this.records.delete(id);
  }
}

class MemorySignedPreKeyStore extends SignedPreKeyStore {
  private readonly records = new Map<number, SignedPreKeyRecord>();
  override async saveSignedPreKey(id: number, record: SignedPreKeyRecord): Promise<void> {
    this.records.set(id, record);
  }
  override async getSignedPreKey(id: number): Promise<SignedPreKeyRecord> {
    return found(this.records.get(id), `signed prekey ${id}`);
  }
}

class MemoryKyberPreKeyStore extends KyberPreKeyStore {
  private readonly records = new Map<number, KyberPreKeyRecord>();
  override async saveKyberPreKey(id: number, record: KyberPreKeyRecord): Promise<void> {
    this.records.set(id, record);
  }
  override async getKyberPreKey(id: number): Promise<KyberPreKeyRecord> {
    return found(this.records.get(id), `Kyber prekey ${id}`);
  }
  override async markKyberPreKeyUsed(id: number): Promise<void> {
    this.records.delete(id);
  }
}

function found<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`no ${what}`);
  return value;
}

export interface MemoryStores {
  session: SessionStore;
  identity: IdentityKeyStore;
  preKey: PreKeyStore;
  signedPreKey: SignedPreKeyStore;
  kyberPreKey: KyberPreKeyStore;
}

export function memoryStores(identity: IdentityKeyPair, registrationId: number): MemoryStores {
  return {
    session: new MemorySessionStore(),
    identity: new MemoryIdentityStore(identity, registrationId),
    preKey: new MemoryPreKeyStore(),
    signedPreKey: new MemorySignedPreKeyStore(),
    kyberPreKey: new MemoryKyberPreKeyStore(),
  };
}
