/**
 * The libsignal operations, as free functions over one set of stores. Each only
 * changes `stores.pending`; committing is the caller's job.
 */
import {
  CiphertextMessageType,
  KEMPublicKey,
  PreKeyBundle,
  PreKeySignalMessage,
  PublicKey,
  SignalMessage,
  processPreKeyBundle,
  signalDecrypt,
  signalDecryptPreKey,
  signalEncrypt,
} from '@signalapp/libsignal-client';
import type { PreKeyBundle__Output } from '../../../proto/generated/e2ee/v1/PreKeyBundle.js';
import { addressOf, type LocalIdentity, type ProtocolStores } from './stores.js';

export class BundleError extends Error {
  override readonly name = 'BundleError';
  readonly code = 'bad_bundle';
  static is(err: unknown): err is BundleError {
    return err instanceof BundleError;
  }
}

function bytes(buffer: Buffer): Uint8Array<ArrayBuffer> {
  return new Uint8Array(buffer);
}

/** Serialized lengths and type bytes (API.md): `PublicKey.serialize()` and Kyber1024's `KEMPublicKey.serialize()`. */
const EC_KEY = { length: 33, type: 0x05, name: 'EC key' };
const KYBER_KEY = { length: 1569, type: 0x08, name: 'Kyber1024 key' };

/**
 * libsignal's parsers accept bytes past a key's end, so their success alone
 * does not make a key well formed; the contract asks for the exact form.
 */
function requireKeyForm(bytes: Buffer, form: { length: number; type: number; name: string }, field: string): void {
  if (bytes.length !== form.length || bytes[0] !== form.type) {
    throw new BundleError(`the bundle's ${field} is not a ${form.length}-byte ${form.name}`);
  }
}

/** Converts the wire bundle; libsignal checks both prekey signatures when it is processed. */
export function bundleFromWire(wire: PreKeyBundle__Output): PreKeyBundle {
  const signed = wire.signed_pre_key;
  const kyber = wire.kyber_pre_key;
  if (!signed || !kyber) throw new BundleError('the bundle lacks its signed or Kyber prekey');
  requireKeyForm(wire.identity_key, EC_KEY, 'identity key');
  requireKeyForm(signed.public_key, EC_KEY, 'signed prekey');
  if (wire.pre_key) requireKeyForm(wire.pre_key.public_key, EC_KEY, 'one-time prekey');
  requireKeyForm(kyber.public_key, KYBER_KEY, 'Kyber prekey');
  try {
    return PreKeyBundle.new(
      wire.registration_id,
      wire.device_id,
      wire.pre_key ? wire.pre_key.id : null,
      wire.pre_key ? PublicKey.deserialize(bytes(wire.pre_key.public_key)) : null,
      signed.id,
      PublicKey.deserialize(bytes(signed.public_key)),
      bytes(signed.signature),
      PublicKey.deserialize(bytes(wire.identity_key)),
      kyber.id,
      KEMPublicKey.deserialize(bytes(kyber.public_key)),
      bytes(kyber.signature),
    );
  } catch (err) {
    throw new BundleError('the bundle holds a malformed key', { cause: err });
  }
}

/** PQXDH from our side: a new session with the bundle's owner. */
export async function startSession(stores: ProtocolStores, local: LocalIdentity, bundle: PreKeyBundle, remote: string): Promise<void> {
  await processPreKeyBundle(bundle, addressOf(remote), addressOf(local.number), stores.session, stores.identity);
}

export interface Ciphertext {
  /** libsignal CiphertextMessageType: 2 Whisper, 3 PreKey. */
  type: number;
  body: Uint8Array<ArrayBuffer>;
}

export async function encrypt(stores: ProtocolStores, local: LocalIdentity, to: string, plaintext: Uint8Array<ArrayBuffer>): Promise<Ciphertext> {
  const message = await signalEncrypt(plaintext, addressOf(to), addressOf(local.number), stores.session, stores.identity);
  return { type: message.type(), body: message.serialize() };
}

export async function decrypt(stores: ProtocolStores, local: LocalIdentity, from: string, ciphertext: Ciphertext): Promise<Uint8Array> {
  const sender = addressOf(from);
  const self = addressOf(local.number);
  switch (ciphertext.type) {
    case CiphertextMessageType.Whisper:
      return signalDecrypt(SignalMessage.deserialize(ciphertext.body), sender, self, stores.session, stores.identity);
    case CiphertextMessageType.PreKey:
      return signalDecryptPreKey(
        PreKeySignalMessage.deserialize(ciphertext.body),
        sender,
        self,
        stores.session,
        stores.identity,
        stores.preKey,
        stores.signedPreKey,
        stores.kyberPreKey,
      );
    default:
      throw new RangeError(`unsupported ciphertext type ${ciphertext.type}`);
  }
}
