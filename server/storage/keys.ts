import type { Db } from './database.js';
import { stmt } from './statements.js';

export interface StoredPreKey {
  keyId: number;
  publicKey: Uint8Array;
}
export interface StoredSignedKey extends StoredPreKey {
  signature: Uint8Array;
}

interface KeyRow {
  key_id: number;
  public_key: Buffer;
  signature: Buffer;
}

const toSigned = (row: KeyRow): StoredSignedKey => ({
  keyId: row.key_id,
  publicKey: row.public_key,
  signature: row.signature,
});

export function replaceSignedPreKey(db: Db, accountId: number, key: StoredSignedKey): void {
  stmt(db, 'INSERT OR REPLACE INTO signed_prekeys (account_id, key_id, public_key, signature) VALUES (?, ?, ?, ?)').run(
    accountId,
    key.keyId,
    key.publicKey,
    key.signature,
  );
}

export function replaceKyberLastResortPreKey(db: Db, accountId: number, key: StoredSignedKey): void {
  stmt(
    db,
    'INSERT OR REPLACE INTO kyber_last_resort_prekeys (account_id, key_id, public_key, signature) VALUES (?, ?, ?, ?)',
  ).run(accountId, key.keyId, key.publicKey, key.signature);
}

export function replaceOneTimePreKeys(db: Db, accountId: number, keys: readonly StoredPreKey[]): void {
  stmt(db, 'DELETE FROM one_time_prekeys WHERE account_id = ?').run(accountId);
  const insert = stmt(db, 'INSERT INTO one_time_prekeys (account_id, key_id, public_key) VALUES (?, ?, ?)');
  for (const key of keys) insert.run(accountId, key.keyId, key.publicKey);
}

export function replaceOneTimeKyberPreKeys(db: Db, accountId: number, keys: readonly StoredSignedKey[]): void {
  stmt(db, 'DELETE FROM one_time_kyber_prekeys WHERE account_id = ?').run(accountId);
  const insert = stmt(
    db,
    'INSERT INTO one_time_kyber_prekeys (account_id, key_id, public_key, signature) VALUES (?, ?, ?, ?)',
  );
  for (const key of keys) insert.run(accountId, key.keyId, key.publicKey, key.signature);
}

export function countOneTimePreKeys(db: Db, accountId: number): { ec: number; kyber: number } {
  const ec = stmt(db, 'SELECT COUNT(*) AS n FROM one_time_prekeys WHERE account_id = ?').get(accountId) as { n: number };
  const kyber = stmt(db, 'SELECT COUNT(*) AS n FROM one_time_kyber_prekeys WHERE account_id = ?').get(accountId) as {
    n: number;
  };
  return { ec: ec.n, kyber: kyber.n };
}

export interface TakenBundleKeys {
  signedPreKey: StoredSignedKey;
  preKey?: StoredPreKey;
  kyberPreKey: StoredSignedKey;
}

/**
 * Takes the keys for one bundle: the signed prekey, and one one-time EC and one
 * one-time Kyber prekey, which are deleted here (else the last-resort Kyber
 * key). Call inside a transaction so the hand-out and the delete are one.
 */
export function takeBundleKeys(db: Db, accountId: number): TakenBundleKeys | undefined {
  const signed = stmt(db, 'SELECT key_id, public_key, signature FROM signed_prekeys WHERE account_id = ?').get(
    accountId,
  ) as KeyRow | undefined;
  if (!signed) return undefined;

  const preKey = stmt(
    db,
    'DELETE FROM one_time_prekeys WHERE account_id = @account AND key_id = (SELECT MIN(key_id) FROM one_time_prekeys WHERE account_id = @account) RETURNING key_id, public_key',
  ).get({ account: accountId }) as Omit<KeyRow, 'signature'> | undefined;

  let kyber = stmt(
    db,
    'DELETE FROM one_time_kyber_prekeys WHERE account_id = @account AND key_id = (SELECT MIN(key_id) FROM one_time_kyber_prekeys WHERE account_id = @account) RETURNING key_id, public_key, signature',
  ).get({ account: accountId }) as KeyRow | undefined;
  kyber ??= stmt(db, 'SELECT key_id, public_key, signature FROM kyber_last_resort_prekeys WHERE account_id = ?').get(
    accountId,
  ) as KeyRow | undefined;
  if (!kyber) return undefined;

  return {
    signedPreKey: toSigned(signed),
    preKey: preKey ? { keyId: preKey.key_id, publicKey: preKey.public_key } : undefined,
    kyberPreKey: toSigned(kyber),
  };
}
