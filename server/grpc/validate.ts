/**
 * Input checks at the edge. Keys are checked for exact length and type byte
 * (libsignal's parser alone accepts trailing bytes), and every prekey
 * signature against the identity key it claims. Failures are INVALID_ARGUMENT.
 */
import { KEMPublicKey, PublicKey } from '@signalapp/libsignal-client';
import { verifySignature } from '../domain/auth.js';
import type { PreKey, SignedPreKey } from '../domain/types.js';
import { invalidArgument } from './errors.js';

const NUMBER = /^\+[1-9][0-9]{6,14}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EC_KEY_LENGTH = 33;
const EC_KEY_TYPE = 0x05;
const KYBER1024_KEY_LENGTH = 1569;
const KYBER1024_KEY_TYPE = 0x08;
const SIGNATURE_LENGTH = 64;
const MAX_KEY_ID = 0xffffff;
const MAX_REGISTRATION_ID = 16380;
const MAX_SAFE_TIMESTAMP = 2n ** 53n - 1n;

export function number(value: string, field = 'number'): string {
  if (!NUMBER.test(value)) throw invalidArgument(`${field} must be an E.164 number like +15551234567`);
  return value;
}

export function uuid(value: string, field: string): string {
  if (!UUID.test(value)) throw invalidArgument(`${field} must be a UUID`);
  return value.toLowerCase();
}

export function registrationId(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > MAX_REGISTRATION_ID) {
    throw invalidArgument(`registration_id must be 1..${MAX_REGISTRATION_ID}`);
  }
  return value;
}

export function ecPublicKey(bytes: Buffer, field: string): Uint8Array {
  if (bytes.length !== EC_KEY_LENGTH || bytes[0] !== EC_KEY_TYPE) {
    throw invalidArgument(`${field} must be a ${EC_KEY_LENGTH}-byte serialized EC public key`);
  }
  try {
    PublicKey.deserialize(new Uint8Array(bytes));
  } catch {
    throw invalidArgument(`${field} is not a valid EC public key`);
  }
  return new Uint8Array(bytes);
}

function kyberPublicKey(bytes: Buffer, field: string): Uint8Array {
  if (bytes.length !== KYBER1024_KEY_LENGTH || bytes[0] !== KYBER1024_KEY_TYPE) {
    throw invalidArgument(`${field} must be a ${KYBER1024_KEY_LENGTH}-byte serialized Kyber1024 public key`);
  }
  try {
    KEMPublicKey.deserialize(new Uint8Array(bytes));
  } catch {
    throw invalidArgument(`${field} is not a valid Kyber public key`);
  }
  return new Uint8Array(bytes);
}

function keyId(id: number, field: string): number {
  if (!Number.isInteger(id) || id < 1 || id > MAX_KEY_ID) throw invalidArgument(`${field}.id must be 1..${MAX_KEY_ID}`);
  return id;
}

function signature(bytes: Buffer, publicKey: Uint8Array, identityKey: Uint8Array, field: string): Uint8Array {
  if (bytes.length !== SIGNATURE_LENGTH || !verifySignature(identityKey, publicKey, bytes)) {
    throw invalidArgument(`${field}.signature does not verify against the identity key`);
  }
  return new Uint8Array(bytes);
}

interface WireKey {
  id: number;
  public_key: Buffer;
}
interface WireSignedKey extends WireKey {
  signature: Buffer;
}

export function signedEcPreKey(key: WireSignedKey, identityKey: Uint8Array, field: string): SignedPreKey {
  const publicKey = ecPublicKey(key.public_key, `${field}.public_key`);
  return { keyId: keyId(key.id, field), publicKey, signature: signature(key.signature, publicKey, identityKey, field) };
}

export function signedKyberPreKey(key: WireSignedKey, identityKey: Uint8Array, field: string): SignedPreKey {
  const publicKey = kyberPublicKey(key.public_key, `${field}.public_key`);
  return { keyId: keyId(key.id, field), publicKey, signature: signature(key.signature, publicKey, identityKey, field) };
}

export function oneTimeEcPreKeys(keys: WireKey[], max: number, field: string): PreKey[] {
  if (keys.length > max) throw invalidArgument(`${field}: at most ${max} keys`);
  const parsed = keys.map((key, i) => ({
    keyId: keyId(key.id, `${field}[${i}]`),
    publicKey: ecPublicKey(key.public_key, `${field}[${i}].public_key`),
  }));
  unique(parsed.map((k) => k.keyId), field);
  return parsed;
}

export function oneTimeKyberPreKeys(keys: WireSignedKey[], identityKey: Uint8Array, max: number, field: string): SignedPreKey[] {
  if (keys.length > max) throw invalidArgument(`${field}: at most ${max} keys`);
  const parsed = keys.map((key, i) => signedKyberPreKey(key, identityKey, `${field}[${i}]`));
  unique(parsed.map((k) => k.keyId), field);
  return parsed;
}

/** Ids within one request must be distinct (Kyber one-time and last-resort ids share one space). */
export function unique(ids: number[], field: string): void {
  if (new Set(ids).size !== ids.length) throw invalidArgument(`${field}: duplicate key ids`);
}

/** A uint64 that arrives as a decimal string; at most 2^53 - 1 so it is exact as a JS number. */
export function timestamp(value: string, field: string): number {
  let parsed: bigint;
  try {
    parsed = BigInt(value);
  } catch {
    throw invalidArgument(`${field} must be a number`);
  }
  if (parsed < 0n || parsed > MAX_SAFE_TIMESTAMP) throw invalidArgument(`${field} must be at most 2^53 - 1`);
  return Number(parsed);
}

export function bytesWithin(bytes: Buffer, min: number, max: number, field: string): Uint8Array {
  if (bytes.length < min || bytes.length > max) throw invalidArgument(`${field} must be ${min} to ${max} bytes`);
  return bytes;
}

export function count<T>(items: T[], min: number, max: number, field: string): T[] {
  if (items.length < min || items.length > max) throw invalidArgument(`${field}: ${min} to ${max} items`);
  return items;
}

export function missing(field: string) {
  return invalidArgument(`${field} is required`);
}
