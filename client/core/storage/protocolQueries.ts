/** Sessions and contacts' identity keys: what libsignal's stores persist. */
import type { ClientDatabase } from './database.js';
import { statement } from './statements.js';

export function getSession(db: ClientDatabase, address: string): Buffer | undefined {
  const row = statement(db, `SELECT record FROM sessions WHERE address = ?`).get(address) as { record: Buffer } | undefined;
  return row?.record;
}

export function putSession(db: ClientDatabase, address: string, record: Uint8Array): void {
  statement(db, `INSERT INTO sessions (address, record) VALUES (?, ?) ON CONFLICT (address) DO UPDATE SET record = excluded.record`).run(
    address,
    record,
  );
}

export interface IdentityRow {
  publicKey: Buffer;
  trusted: boolean;
}

export function getIdentity(db: ClientDatabase, number: string): IdentityRow | undefined {
  const row = statement(db, `SELECT public_key AS publicKey, trusted FROM identities WHERE number = ?`).get(number) as
    | { publicKey: Buffer; trusted: number }
    | undefined;
  return row && { publicKey: row.publicKey, trusted: row.trusted === 1 };
}

export function putIdentity(db: ClientDatabase, number: string, publicKey: Uint8Array, trusted: boolean, now: number): void {
  statement(
    db,
    `INSERT INTO identities (number, public_key, trusted, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (number) DO UPDATE SET public_key = excluded.public_key, trusted = excluded.trusted, updated_at = excluded.updated_at`,
  ).run(number, publicKey, trusted ? 1 : 0, now);
}

export function setIdentityTrusted(db: ClientDatabase, number: string, now: number): void {
  statement(db, `UPDATE identities SET trusted = 1, updated_at = ? WHERE number = ?`).run(now, number);
}
