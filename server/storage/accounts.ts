import type { Db } from './database.js';
import { stmt } from './statements.js';

export interface AccountRow {
  id: number;
  number: string;
  identity_key: Buffer;
  registration_id: number;
  queued: number;
}

export function findAccountByNumber(db: Db, number: string): AccountRow | undefined {
  return stmt(db, 'SELECT id, number, identity_key, registration_id, queued FROM accounts WHERE number = ?').get(number) as
    | AccountRow
    | undefined;
}

export function findAccountById(db: Db, id: number): AccountRow | undefined {
  return stmt(db, 'SELECT id, number, identity_key, registration_id, queued FROM accounts WHERE id = ?').get(id) as
    | AccountRow
    | undefined;
}

export function insertAccount(
  db: Db,
  account: { number: string; identityKey: Uint8Array; registrationId: number; now: number },
): number {
  // Never a deleted account's id (migration 4).
  const { last_id: id } = stmt(db, 'UPDATE account_ids SET last_id = last_id + 1 RETURNING last_id').get() as { last_id: number };
  stmt(db, 'INSERT INTO accounts (id, number, identity_key, registration_id, created_at) VALUES (?, ?, ?, ?, ?)').run(
    id,
    account.number,
    account.identityKey,
    account.registrationId,
    account.now,
  );
  return id;
}

export function updateRegistrationId(db: Db, accountId: number, registrationId: number): void {
  stmt(db, 'UPDATE accounts SET registration_id = ? WHERE id = ?').run(registrationId, accountId);
}

/** Deletes the account; keys, tokens, its mailbox and idempotency keys go with it (ON DELETE CASCADE). */
export function deleteAccount(db: Db, accountId: number): boolean {
  return stmt(db, 'DELETE FROM accounts WHERE id = ?').run(accountId).changes > 0;
}

export function adjustQueued(db: Db, accountId: number, delta: number): void {
  stmt(db, 'UPDATE accounts SET queued = queued + ? WHERE id = ?').run(delta, accountId);
}
