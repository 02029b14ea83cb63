/** Receipts owed to contacts, until they are encrypted into the outbox. */
import type { ReceiptKind } from '../protocol/content.js';
import type { ClientDatabase } from './database.js';
import { statement } from './statements.js';

export function oweReceipt(db: ClientDatabase, conversation: string, type: ReceiptKind, timestamp: number): void {
  statement(db, `INSERT OR IGNORE INTO owed_receipts (conversation, type, timestamp) VALUES (?, ?, ?)`).run(conversation, type, timestamp);
}

export interface OwedReceipts {
  conversation: string;
  type: ReceiptKind;
  timestamps: number[];
}

export function listOwedReceipts(db: ClientDatabase): OwedReceipts[] {
  const rows = statement(db, `SELECT conversation, type, timestamp FROM owed_receipts ORDER BY conversation, type, timestamp`).all() as {
    conversation: string;
    type: ReceiptKind;
    timestamp: number;
  }[];
  const groups = new Map<string, OwedReceipts>();
  for (const row of rows) {
    const key = `${row.conversation}\u0000${row.type}`;
    const group = groups.get(key) ?? { conversation: row.conversation, type: row.type, timestamps: [] };
    group.timestamps.push(row.timestamp);
    groups.set(key, group);
  }
  return [...groups.values()];
}

export function settleOwedReceipts(db: ClientDatabase, owed: OwedReceipts): void {
  statement(db, `DELETE FROM owed_receipts WHERE conversation = ? AND type = ? AND timestamp IN (SELECT value FROM json_each(?))`).run(
    owed.conversation,
    owed.type,
    JSON.stringify(owed.timestamps),
  );
}
