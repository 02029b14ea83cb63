/** Ciphertexts waiting for the server to accept them. */
import type { ClientDatabase } from './database.js';
import { statement } from './statements.js';

export interface OutboxRow {
  id: number;
  guid: string;
  destination: string;
  type: number;
  content: Buffer;
  clientTimestamp: number;
  /** The message row this ciphertext carries; null for receipts. */
  messageId: number | null;
}

export function insertOutbox(db: ClientDatabase, row: Omit<OutboxRow, 'id' | 'content'> & { content: Uint8Array }): number {
  const result = statement(
    db,
    `INSERT INTO outbox (guid, destination, type, content, client_timestamp, message_id) VALUES (?, ?, ?, ?, ?, ?)`,
  ).run(row.guid, row.destination, row.type, row.content, row.clientTimestamp, row.messageId);
  return Number(result.lastInsertRowid);
}

/** The oldest rows, in the order they were encrypted. */
export function oldestOutbox(db: ClientDatabase, limit: number): OutboxRow[] {
  return statement(
    db,
    `SELECT id, guid, destination, type, content, client_timestamp AS clientTimestamp, message_id AS messageId
       FROM outbox ORDER BY id LIMIT ?`,
  ).all(limit) as OutboxRow[];
}

export function deleteOutbox(db: ClientDatabase, ids: readonly number[]): void {
  statement(db, `DELETE FROM outbox WHERE id IN (SELECT value FROM json_each(?))`).run(JSON.stringify(ids));
}
