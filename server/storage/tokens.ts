import type { AccountRow } from './accounts.js';
import type { Db } from './database.js';
import { stmt } from './statements.js';

/** Only the hash of a token is stored; the token itself never touches the disk. */
export function insertToken(db: Db, tokenHash: Uint8Array, accountId: number, expiresAt: number): void {
  stmt(db, 'INSERT INTO auth_tokens (token_hash, account_id, expires_at) VALUES (?, ?, ?)').run(
    tokenHash,
    accountId,
    expiresAt,
  );
}

/** The account holding an unexpired token, with the token's expiry. */
export function findAccountByToken(
  db: Db,
  tokenHash: Uint8Array,
  now: number,
): (AccountRow & { expires_at: number }) | undefined {
  return stmt(
    db,
    `SELECT a.id, a.number, a.identity_key, a.registration_id, a.queued, t.expires_at
     FROM auth_tokens t JOIN accounts a ON a.id = t.account_id
     WHERE t.token_hash = ? AND t.expires_at > ?`,
  ).get(tokenHash, now) as (AccountRow & { expires_at: number }) | undefined;
}

export function deleteTokensOf(db: Db, accountId: number): void {
  stmt(db, 'DELETE FROM auth_tokens WHERE account_id = ?').run(accountId);
}

export function deleteExpiredTokens(db: Db, now: number): number {
  return stmt(db, 'DELETE FROM auth_tokens WHERE expires_at <= ?').run(now).changes;
}
