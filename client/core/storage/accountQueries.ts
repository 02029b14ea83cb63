import type { ClientDatabase } from './database.js';
import { statement } from './statements.js';

export interface AccountRow {
  number: string;
  identityKeyPair: Buffer;
  registrationId: number;
  serverId: string | null;
  registeredAt: number | null;
}

export function getAccount(db: ClientDatabase): AccountRow | undefined {
  return statement(
    db,
    `SELECT number, identity_key_pair AS identityKeyPair, registration_id AS registrationId,
            server_id AS serverId, registered_at AS registeredAt
       FROM account WHERE id = 1`,
  ).get() as AccountRow | undefined;
}

/** Just the registration time (null: not registered): asked before every call, so it reads one column. */
export function getRegisteredAt(db: ClientDatabase): number | null {
  return (statement(db, `SELECT registered_at FROM account WHERE id = 1`).pluck().get() as number | null | undefined) ?? null;
}

export function createAccount(db: ClientDatabase, args: { number: string; identityKeyPair: Uint8Array; registrationId: number }): void {
  statement(db, `INSERT INTO account (id, number, identity_key_pair, registration_id) VALUES (1, ?, ?, ?)`).run(
    args.number,
    args.identityKeyPair,
    args.registrationId,
  );
}

export function pinServerId(db: ClientDatabase, serverId: string): void {
  statement(db, `UPDATE account SET server_id = ? WHERE id = 1`).run(serverId);
}

export function setRegisteredAt(db: ClientDatabase, registeredAt: number | null): void {
  statement(db, `UPDATE account SET registered_at = ? WHERE id = 1`).run(registeredAt);
}
