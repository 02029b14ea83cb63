/** What the receiver remembers about envelopes: done, or failing. */
import type { ClientDatabase } from './database.js';
import { statement } from './statements.js';

/** Which of `guids` were processed already: one query for a whole batch. */
export function processedAmong(db: ClientDatabase, guids: readonly string[]): Set<string> {
  const rows = statement(db, `SELECT guid FROM processed_envelopes WHERE guid IN (SELECT value FROM json_each(?))`).all(
    JSON.stringify(guids),
  ) as { guid: string }[];
  return new Set(rows.map((row) => row.guid));
}

/** Remembers a batch's stored envelopes, and forgets the failed attempts some of them had before. */
export function markEnvelopesProcessed(db: ClientDatabase, guids: readonly string[], now: number): void {
  if (guids.length === 0) return;
  const list = JSON.stringify(guids);
  statement(db, `INSERT OR IGNORE INTO processed_envelopes (guid, processed_at) SELECT value, ? FROM json_each(?)`).run(now, list);
  statement(db, `DELETE FROM failed_envelopes WHERE failed = 0 AND guid IN (SELECT value FROM json_each(?))`).run(list);
}

/** The server keeps envelopes at most 30 days, so older guids can never come back. */
export function forgetProcessedBefore(db: ClientDatabase, before: number): void {
  statement(db, `DELETE FROM processed_envelopes WHERE processed_at < ?`).run(before);
}

/** Counts one more failed attempt; returns the total so far. */
export function recordDecryptAttempt(db: ClientDatabase, guid: string, source: string, error: string, now: number): number {
  const row = statement(
    db,
    `INSERT INTO failed_envelopes (guid, source, attempts, last_error, failed, updated_at) VALUES (?, ?, 1, ?, 0, ?)
     ON CONFLICT (guid) DO UPDATE SET attempts = attempts + 1, last_error = excluded.last_error, updated_at = excluded.updated_at
     RETURNING attempts`,
  ).get(guid, source, error, now) as { attempts: number };
  return row.attempts;
}

export function markEnvelopeFailed(db: ClientDatabase, guid: string, now: number): void {
  statement(db, `UPDATE failed_envelopes SET failed = 1, updated_at = ? WHERE guid = ?`).run(now, guid);
  statement(db, `INSERT OR IGNORE INTO processed_envelopes (guid, processed_at) VALUES (?, ?)`).run(guid, now);
}
