/** Our own prekeys: one-time EC, signed EC, and Kyber (one-time and last-resort). */
import type { ClientDatabase } from './database.js';
import { statement } from './statements.js';

export const MAX_PREKEY_ID = 0xffffff;

export function getPreKey(db: ClientDatabase, id: number): Buffer | undefined {
  const row = statement(db, `SELECT record FROM prekeys WHERE id = ?`).get(id) as { record: Buffer } | undefined;
  return row?.record;
}

export function insertPreKey(db: ClientDatabase, id: number, record: Uint8Array, createdAt: number): void {
  statement(db, `INSERT OR REPLACE INTO prekeys (id, record, created_at) VALUES (?, ?, ?)`).run(id, record, createdAt);
}

export function deletePreKey(db: ClientDatabase, id: number): void {
  statement(db, `DELETE FROM prekeys WHERE id = ?`).run(id);
}

export function getSignedPreKey(db: ClientDatabase, id: number): Buffer | undefined {
  const row = statement(db, `SELECT record FROM signed_prekeys WHERE id = ?`).get(id) as { record: Buffer } | undefined;
  return row?.record;
}

export function insertSignedPreKey(db: ClientDatabase, id: number, record: Uint8Array, createdAt: number): void {
  statement(db, `INSERT OR REPLACE INTO signed_prekeys (id, record, created_at) VALUES (?, ?, ?)`).run(id, record, createdAt);
}

/** When the newest signed prekey was made, or undefined when there is none. */
export function newestSignedPreKeyCreatedAt(db: ClientDatabase): number | undefined {
  const row = statement(db, `SELECT max(created_at) AS at FROM signed_prekeys`).get() as { at: number | null };
  return row.at ?? undefined;
}

export interface KyberPreKeyRow {
  record: Buffer;
  lastResort: boolean;
}

export function getKyberPreKey(db: ClientDatabase, id: number): KyberPreKeyRow | undefined {
  const row = statement(db, `SELECT record, last_resort AS lastResort FROM kyber_prekeys WHERE id = ?`).get(id) as
    | { record: Buffer; lastResort: number }
    | undefined;
  return row && { record: row.record, lastResort: row.lastResort === 1 };
}

export function insertKyberPreKey(db: ClientDatabase, id: number, record: Uint8Array, lastResort: boolean, createdAt: number): void {
  statement(db, `INSERT OR REPLACE INTO kyber_prekeys (id, record, last_resort, created_at) VALUES (?, ?, ?, ?)`).run(
    id,
    record,
    lastResort ? 1 : 0,
    createdAt,
  );
}

export function deleteKyberPreKey(db: ClientDatabase, id: number): void {
  statement(db, `DELETE FROM kyber_prekeys WHERE id = ?`).run(id);
}

export function hasKyberPreKeyUse(db: ClientDatabase, kyberId: number, signedPreKeyId: number, baseKey: Uint8Array): boolean {
  return (
    statement(db, `SELECT 1 FROM kyber_prekey_uses WHERE kyber_id = ? AND signed_prekey_id = ? AND base_key = ?`).get(
      kyberId,
      signedPreKeyId,
      baseKey,
    ) !== undefined
  );
}

export function insertKyberPreKeyUse(db: ClientDatabase, kyberId: number, signedPreKeyId: number, baseKey: Uint8Array): void {
  statement(db, `INSERT INTO kyber_prekey_uses (kyber_id, signed_prekey_id, base_key) VALUES (?, ?, ?)`).run(
    kyberId,
    signedPreKeyId,
    baseKey,
  );
}

/** The largest id in use for a kind of key, so new keys continue after it. */
export function maxKeyId(db: ClientDatabase, kind: 'prekeys' | 'signed_prekeys' | 'kyber_prekeys'): number {
  const sql = {
    prekeys: `SELECT max(id) AS id FROM prekeys`,
    signed_prekeys: `SELECT max(id) AS id FROM signed_prekeys`,
    kyber_prekeys: `SELECT max(id) AS id FROM kyber_prekeys`,
  }[kind];
  const row = statement(db, sql).get() as { id: number | null };
  return row.id ?? 0;
}

/**
 * Drops keys older than `before` that the server can no longer hand out: every
 * signed and last-resort key but the newest, and one-time keys from batches the
 * server has since replaced (an upload replaces the whole one-time list).
 */
export function deleteRetiredKeys(db: ClientDatabase, before: number): void {
  statement(db, `DELETE FROM prekeys WHERE created_at < ? AND created_at < (SELECT max(created_at) FROM prekeys)`).run(before);
  statement(
    db,
    `DELETE FROM signed_prekeys WHERE created_at < ? AND id <> (SELECT id FROM signed_prekeys ORDER BY created_at DESC, id DESC LIMIT 1)`,
  ).run(before);
  statement(
    db,
    `DELETE FROM kyber_prekeys WHERE created_at < ? AND (
       (last_resort = 1 AND id <> (SELECT id FROM kyber_prekeys WHERE last_resort = 1 ORDER BY created_at DESC, id DESC LIMIT 1))
       OR (last_resort = 0 AND created_at < (SELECT max(created_at) FROM kyber_prekeys WHERE last_resort = 0)))`,
  ).run(before);
}
