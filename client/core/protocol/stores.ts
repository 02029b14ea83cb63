/**
 * libsignal's stores as thin adapters over the client database.
 *
 * libsignal's stores are async and better-sqlite3 transactions are not, so the
 * adapters never write during an operation: every write lands in a
 * `PendingWrites` overlay (later reads see it), and the caller commits the
 * overlay together with its own rows (a plaintext, an outbox entry) in one
 * synchronous transaction. An operation that fails or crashes leaves the
 * database exactly as it was.
 */
import {
  Direction,
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
import type { ClientDatabase } from '../storage/database.js';
import * as keys from '../storage/keyQueries.js';
import * as protocol from '../storage/protocolQueries.js';
import { toBytes } from '../storage/statements.js';

/** This account's own keys, loaded once. */
export interface LocalIdentity {
  number: string;
  identityKeyPair: IdentityKeyPair;
  registrationId: number;
}

/** The one device of an account in v1. */
export const DEVICE_ID = 1;

/** Addresses are immutable native objects: one per number is made and kept (a bounded few). */
const addresses = new Map<string, ProtocolAddress>();
const MAX_KEPT_ADDRESSES = 1_000;

export function addressOf(number: string): ProtocolAddress {
  let address = addresses.get(number);
  if (!address) {
    if (addresses.size >= MAX_KEPT_ADDRESSES) addresses.clear();
    address = ProtocolAddress.new(number, DEVICE_ID);
    addresses.set(number, address);
  }
  return address;
}

function addressKey(address: ProtocolAddress): string {
  return `${address.name()}.${address.deviceId()}`;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: 'missing_key' | 'kyber_prekey_reused',
    message: string,
  ) {
    super(message);
  }
  static is(err: unknown, code?: StoreError['code']): err is StoreError {
    return err instanceof StoreError && (code === undefined || err.code === code);
  }
}

interface KyberUse {
  kyberId: number;
  signedPreKeyId: number;
  baseKey: Uint8Array;
}

/** What `PendingWrites.checkpoint` remembers, to undo one failed operation. */
export interface PendingCheckpoint {
  sessions: Map<string, SessionRecord>;
  identities: Map<string, { publicKey: Uint8Array; trusted: boolean }>;
  removedPreKeys: Set<number>;
  removedKyberPreKeys: Set<number>;
  kyberUses: number;
  changedIdentities: Set<string>;
}

/**
 * Writes made by libsignal, not yet in the database. One overlay may span many
 * operations (a batch of decrypts or encrypts), each seeing the ones before it.
 * Sessions are kept as records and serialized once, when committed.
 */
export class PendingWrites {
  readonly sessions = new Map<string, SessionRecord>();
  readonly identities = new Map<string, { publicKey: Uint8Array; trusted: boolean }>();
  readonly removedPreKeys = new Set<number>();
  readonly removedKyberPreKeys = new Set<number>();
  readonly kyberUses: KyberUse[] = [];
  /** Contacts whose identity key was replaced by these writes. */
  readonly changedIdentities = new Set<string>();

  /** Applies the writes; call inside the caller's transaction. */
  commit(db: ClientDatabase, now: number): void {
    for (const [address, record] of this.sessions) protocol.putSession(db, address, record.serialize());
    for (const [number, identity] of this.identities) protocol.putIdentity(db, number, identity.publicKey, identity.trusted, now);
    for (const id of this.removedPreKeys) keys.deletePreKey(db, id);
    for (const id of this.removedKyberPreKeys) keys.deleteKyberPreKey(db, id);
    for (const use of this.kyberUses) keys.insertKyberPreKeyUse(db, use.kyberId, use.signedPreKeyId, use.baseKey);
  }

  /** The state before an operation that may fail half-way (libsignal may write before it throws). */
  checkpoint(): PendingCheckpoint {
    return {
      sessions: new Map(this.sessions),
      identities: new Map(this.identities),
      removedPreKeys: new Set(this.removedPreKeys),
      removedKyberPreKeys: new Set(this.removedKyberPreKeys),
      kyberUses: this.kyberUses.length,
      changedIdentities: new Set(this.changedIdentities),
    };
  }

  /** Drops every write made since `checkpoint`. */
  rollback(checkpoint: PendingCheckpoint): void {
    refillMap(this.sessions, checkpoint.sessions);
    refillMap(this.identities, checkpoint.identities);
    refillSet(this.removedPreKeys, checkpoint.removedPreKeys);
    refillSet(this.removedKyberPreKeys, checkpoint.removedKyberPreKeys);
    refillSet(this.changedIdentities, checkpoint.changedIdentities);
    this.kyberUses.length = checkpoint.kyberUses;
  }
}

function refillMap<K, V>(target: Map<K, V>, source: ReadonlyMap<K, V>): void {
  target.clear();
  for (const [key, value] of source) target.set(key, value);
}

function refillSet<T>(target: Set<T>, source: ReadonlySet<T>): void {
  target.clear();
  for (const value of source) target.add(value);
}

class Sessions extends SessionStore {
  constructor(
    private readonly db: ClientDatabase,
    private readonly pending: PendingWrites,
  ) {
    super();
  }

  override async saveSession(address: ProtocolAddress, record: SessionRecord): Promise<void> {
    this.pending.sessions.set(addressKey(address), record);
  }

  override async getSession(address: ProtocolAddress): Promise<SessionRecord | null> {
    const key = addressKey(address);
    const pending = this.pending.sessions.get(key);
    if (pending) return pending;
    const stored = protocol.getSession(this.db, key);
    return stored ? SessionRecord.deserialize(toBytes(stored)) : null;
  }

  override async getExistingSessions(addresses: ProtocolAddress[]): Promise<SessionRecord[]> {
    const records: SessionRecord[] = [];
    for (const address of addresses) {
      const record = await this.getSession(address);
      if (!record) throw new StoreError('missing_key', `no session for ${addressKey(address)}`);
      records.push(record);
    }
    return records;
  }
}

/**
 * Trust on first use. A key seen for the first time is trusted; a replaced key is
 * stored untrusted, and sending to that contact is refused until the user accepts
 * it. Receiving is always allowed (as Signal does): the message from a changed
 * key is shown and the change is flagged, because refusing it would lose it.
 */
class Identities extends IdentityKeyStore {
  constructor(
    private readonly db: ClientDatabase,
    private readonly pending: PendingWrites,
    private readonly local: LocalIdentity,
  ) {
    super();
  }

  override async getIdentityKey(): Promise<PrivateKey> {
    return this.local.identityKeyPair.privateKey;
  }

  override async getIdentityKeyPair(): Promise<IdentityKeyPair> {
    return this.local.identityKeyPair;
  }

  override async getLocalRegistrationId(): Promise<number> {
    return this.local.registrationId;
  }

  /** Database reads, kept for the life of these stores: one operation or batch, under the protocol lock. */
  private readonly read = new Map<string, protocol.IdentityRow | undefined>();

  private stored(number: string): { publicKey: Uint8Array; trusted: boolean } | undefined {
    const pending = this.pending.identities.get(number);
    if (pending) return pending;
    if (!this.read.has(number)) this.read.set(number, protocol.getIdentity(this.db, number));
    return this.read.get(number);
  }

  override async saveIdentity(address: ProtocolAddress, key: PublicKey): Promise<IdentityChange> {
    const number = address.name();
    const serialized = key.serialize();
    const existing = this.stored(number);
    if (existing && bytesEqual(existing.publicKey, serialized)) return IdentityChange.NewOrUnchanged;
    this.pending.identities.set(number, { publicKey: serialized, trusted: existing === undefined });
    if (!existing) return IdentityChange.NewOrUnchanged;
    this.pending.changedIdentities.add(number);
    return IdentityChange.ReplacedExisting;
  }

  override async isTrustedIdentity(address: ProtocolAddress, key: PublicKey, direction: Direction): Promise<boolean> {
    const existing = this.stored(address.name());
    if (!existing || direction === Direction.Receiving) return true;
    return existing.trusted && bytesEqual(existing.publicKey, key.serialize());
  }

  override async getIdentity(address: ProtocolAddress): Promise<PublicKey | null> {
    const existing = this.stored(address.name());
    return existing ? PublicKey.deserialize(new Uint8Array(existing.publicKey)) : null;
  }
}

class PreKeys extends PreKeyStore {
  constructor(
    private readonly db: ClientDatabase,
    private readonly pending: PendingWrites,
  ) {
    super();
  }

  override async savePreKey(): Promise<void> {
    throw new Error('prekeys are stored by registration, not through libsignal');
  }

  override async getPreKey(id: number): Promise<PreKeyRecord> {
    const stored = this.pending.removedPreKeys.has(id) ? undefined : keys.getPreKey(this.db, id);
    if (!stored) throw new StoreError('missing_key', `no prekey ${id}`);
    return PreKeyRecord.deserialize(toBytes(stored));
  }

  override async removePreKey(id: number): Promise<void> {
    this.pending.removedPreKeys.add(id);
  }
}

class SignedPreKeys extends SignedPreKeyStore {
  constructor(private readonly db: ClientDatabase) {
    super();
  }

  override async saveSignedPreKey(): Promise<void> {
    throw new Error('signed prekeys are stored by registration, not through libsignal');
  }

  override async getSignedPreKey(id: number): Promise<SignedPreKeyRecord> {
    const stored = keys.getSignedPreKey(this.db, id);
    if (!stored) throw new StoreError('missing_key', `no signed prekey ${id}`);
    return SignedPreKeyRecord.deserialize(toBytes(stored));
  }
}

/** One-time Kyber keys are deleted when used; the last-resort key refuses a replayed use. */
class KyberPreKeys extends KyberPreKeyStore {
  constructor(
    private readonly db: ClientDatabase,
    private readonly pending: PendingWrites,
  ) {
    super();
  }

  override async saveKyberPreKey(): Promise<void> {
    throw new Error('Kyber prekeys are stored by registration, not through libsignal');
  }

  override async getKyberPreKey(id: number): Promise<KyberPreKeyRecord> {
    const stored = this.pending.removedKyberPreKeys.has(id) ? undefined : keys.getKyberPreKey(this.db, id);
    if (!stored) throw new StoreError('missing_key', `no Kyber prekey ${id}`);
    return KyberPreKeyRecord.deserialize(toBytes(stored.record));
  }

  override async markKyberPreKeyUsed(kyberId: number, signedPreKeyId: number, baseKey: PublicKey): Promise<void> {
    const stored = keys.getKyberPreKey(this.db, kyberId);
    if (!stored || this.pending.removedKyberPreKeys.has(kyberId)) {
      throw new StoreError('missing_key', `no Kyber prekey ${kyberId}`);
    }
    if (!stored.lastResort) {
      this.pending.removedKyberPreKeys.add(kyberId);
      return;
    }
    const serializedBase = baseKey.serialize();
    const seen =
      keys.hasKyberPreKeyUse(this.db, kyberId, signedPreKeyId, serializedBase) ||
      this.pending.kyberUses.some(
        (use) => use.kyberId === kyberId && use.signedPreKeyId === signedPreKeyId && bytesEqual(use.baseKey, serializedBase),
      );
    if (seen) throw new StoreError('kyber_prekey_reused', `last-resort Kyber prekey ${kyberId} already used with this base key`);
    this.pending.kyberUses.push({ kyberId, signedPreKeyId, baseKey: serializedBase });
  }
}

/** The stores for one or more libsignal operations, sharing one overlay of pending writes. */
export interface ProtocolStores {
  readonly pending: PendingWrites;
  readonly session: SessionStore;
  readonly identity: IdentityKeyStore;
  readonly preKey: PreKeyStore;
  readonly signedPreKey: SignedPreKeyStore;
  readonly kyberPreKey: KyberPreKeyStore;
}

export function openProtocolStores(db: ClientDatabase, local: LocalIdentity): ProtocolStores {
  const pending = new PendingWrites();
  return {
    pending,
    session: new Sessions(db, pending),
    identity: new Identities(db, pending, local),
    preKey: new PreKeys(db, pending),
    signedPreKey: new SignedPreKeys(db),
    kyberPreKey: new KyberPreKeys(db, pending),
  };
}
