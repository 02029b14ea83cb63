/** Conversations and message history. */
import type { ChatMessage, ConversationSummary, DeliveryStatus } from '../api.js';
import type { ClientDatabase } from './database.js';
import { statement } from './statements.js';

const MESSAGE_COLUMNS = `id, conversation, direction, sender, text, timestamp, stored_at AS storedAt, status, error`;

interface MessageRow {
  id: number;
  conversation: string;
  direction: 'incoming' | 'outgoing';
  sender: string;
  text: string;
  timestamp: number;
  storedAt: number;
  status: DeliveryStatus | null;
  error: string | null;
}

function toMessage(row: MessageRow): ChatMessage {
  const message: ChatMessage = {
    id: row.id,
    conversation: row.conversation,
    direction: row.direction,
    sender: row.sender,
    text: row.text,
    timestamp: row.timestamp,
    storedAt: row.storedAt,
  };
  if (row.status !== null) message.status = row.status;
  if (row.error !== null) message.error = row.error;
  return message;
}

export function ensureConversation(db: ClientDatabase, number: string, now: number): void {
  statement(db, `INSERT OR IGNORE INTO conversations (number, created_at) VALUES (?, ?)`).run(number, now);
}

export interface NewMessage {
  conversation: string;
  direction: 'incoming' | 'outgoing';
  sender: string;
  text: string;
  timestamp: number;
  storedAt: number;
  status?: DeliveryStatus;
}

/** `knownConversations`: conversations this transaction has ensured already (a batch asks once per contact). */
export function insertMessage(db: ClientDatabase, message: NewMessage, knownConversations?: Set<string>): ChatMessage {
  if (!knownConversations?.has(message.conversation)) {
    ensureConversation(db, message.conversation, message.storedAt);
    knownConversations?.add(message.conversation);
  }
  const result = statement(
    db,
    `INSERT INTO messages (conversation, direction, sender, text, timestamp, stored_at, status) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(message.conversation, message.direction, message.sender, message.text, message.timestamp, message.storedAt, message.status ?? null);
  const { status, ...columns } = message;
  return { id: Number(result.lastInsertRowid), ...columns, ...(status === undefined ? {} : { status }) };
}

export function getMessage(db: ClientDatabase, id: number): ChatMessage | undefined {
  const row = statement(db, `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = ?`).get(id) as MessageRow | undefined;
  return row && toMessage(row);
}

export function setMessageStatus(db: ClientDatabase, id: number, status: DeliveryStatus, error: string | null): void {
  statement(db, `UPDATE messages SET status = ?, error = ? WHERE id = ?`).run(status, error, id);
}

/** The newest timestamp we gave an outgoing message, so the next one is larger. */
export function latestOutgoingTimestamp(db: ClientDatabase): number {
  const row = statement(db, `SELECT max(timestamp) AS ts FROM messages WHERE direction = 'outgoing'`).get() as { ts: number | null };
  return row.ts ?? 0;
}

/** The statuses a receipt may move forward from (status only moves forward: sent -> delivered -> read). */
const ADVANCES_FROM: Record<'delivered' | 'read', readonly DeliveryStatus[]> = {
  delivered: ['sending', 'sent'],
  read: ['sending', 'sent', 'delivered'],
};

/**
 * Applies a receipt to our outgoing messages in one conversation, in one
 * statement; returns the messages that changed, oldest first. A receipt proves
 * the message arrived, even if our Send reply was lost ('sending').
 */
export function advanceOutgoingStatus(
  db: ClientDatabase,
  conversation: string,
  timestamps: readonly number[],
  status: 'delivered' | 'read',
): ChatMessage[] {
  const rows = statement(
    db,
    `UPDATE messages SET status = ?, error = NULL
      WHERE conversation = ? AND direction = 'outgoing'
        AND timestamp IN (SELECT value FROM json_each(?)) AND status IN (SELECT value FROM json_each(?))
      RETURNING ${MESSAGE_COLUMNS}`,
  ).all(status, conversation, JSON.stringify(timestamps), JSON.stringify(ADVANCES_FROM[status])) as MessageRow[];
  return rows.map(toMessage).sort((x, y) => x.id - y.id);
}

/** Our messages the server accepted: 'sending' becomes 'sent' (a receipt may have moved one further already). */
export function markSent(db: ClientDatabase, ids: readonly number[]): ChatMessage[] {
  const rows = statement(
    db,
    `UPDATE messages SET status = 'sent', error = NULL WHERE id IN (SELECT value FROM json_each(?)) AND status = 'sending'
      RETURNING ${MESSAGE_COLUMNS}`,
  ).all(JSON.stringify(ids)) as MessageRow[];
  return rows.map(toMessage).sort((x, y) => x.id - y.id);
}

export function listConversations(db: ClientDatabase): ConversationSummary[] {
  const rows = statement(
    db,
    `SELECT c.number,
            coalesce((SELECT max(m.stored_at) FROM messages m WHERE m.conversation = c.number), c.created_at) AS lastActivity,
            (SELECT m.text FROM messages m WHERE m.conversation = c.number ORDER BY m.id DESC LIMIT 1) AS lastText,
            (SELECT count(*) FROM messages m WHERE m.conversation = c.number AND m.direction = 'incoming' AND m.id > c.last_read_id) AS unread,
            coalesce((SELECT i.trusted = 0 FROM identities i WHERE i.number = c.number), 0) AS identityChanged
       FROM conversations c
      ORDER BY lastActivity DESC, c.number`,
  ).all() as { number: string; lastActivity: number; lastText: string | null; unread: number; identityChanged: number }[];
  return rows.map((row) => {
    const summary: ConversationSummary = {
      number: row.number,
      lastActivity: row.lastActivity,
      unread: row.unread,
      identityChanged: row.identityChanged === 1,
    };
    if (row.lastText !== null) summary.lastText = row.lastText;
    return summary;
  });
}

export function listMessages(db: ClientDatabase, conversation: string, opts: { limit?: number; beforeId?: number } = {}): ChatMessage[] {
  const rows = statement(
    db,
    `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation = ? AND id < ? ORDER BY id DESC LIMIT ?`,
  ).all(conversation, opts.beforeId ?? Number.MAX_SAFE_INTEGER, opts.limit ?? -1) as MessageRow[];
  return rows.reverse().map(toMessage);
}

export function searchMessages(db: ClientDatabase, text: string, limit: number): ChatMessage[] {
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = statement(db, `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE text LIKE ? ESCAPE '\\' ORDER BY id DESC LIMIT ?`).all(
    pattern,
    limit,
  ) as MessageRow[];
  return rows.map(toMessage);
}

/** Incoming messages not yet marked read, and the id that marks them read. */
export function unreadIncoming(db: ClientDatabase, conversation: string): { timestamps: number[]; newestId: number } {
  const rows = statement(
    db,
    `SELECT m.id, m.timestamp FROM messages m JOIN conversations c ON c.number = m.conversation
      WHERE m.conversation = ? AND m.direction = 'incoming' AND m.id > c.last_read_id ORDER BY m.id`,
  ).all(conversation) as { id: number; timestamp: number }[];
  return { timestamps: rows.map((r) => r.timestamp), newestId: rows.at(-1)?.id ?? 0 };
}

export function setLastReadId(db: ClientDatabase, conversation: string, id: number): void {
  statement(db, `UPDATE conversations SET last_read_id = max(last_read_id, ?) WHERE number = ?`).run(id, conversation);
}
