import type { Db } from './database.js';
import { stmt } from './statements.js';

export interface NewEnvelope {
  guid: string;
  destinationId: number;
  source: string;
  sourceDevice: number;
  type: number;
  content: Uint8Array;
  clientTimestamp: number;
  serverTimestamp: number;
}

export interface StoredEnvelope {
  id: number;
  guid: string;
  source: string;
  sourceDevice: number;
  type: number;
  content: Buffer;
  clientTimestamp: number;
  serverTimestamp: number;
}

interface EnvelopeRow {
  id: number;
  guid: string;
  source: string;
  source_device: number;
  type: number;
  content: Buffer;
  client_timestamp: number;
  server_timestamp: number;
}

const toEnvelope = (row: EnvelopeRow): StoredEnvelope => ({
  id: row.id,
  guid: row.guid,
  source: row.source,
  sourceDevice: row.source_device,
  type: row.type,
  content: row.content,
  clientTimestamp: row.client_timestamp,
  serverTimestamp: row.server_timestamp,
});

/**
 * Stores envelopes in order and counts them in their recipients' queues (one
 * update per recipient). Returns their ids (queue positions), in order: each
 * above every id handed out before, even of envelopes since deleted.
 */
export function insertEnvelopes(db: Db, envelopes: readonly NewEnvelope[]): number[] {
  if (envelopes.length === 0) return [];
  const { last_id: lastId } = stmt(db, 'UPDATE envelope_ids SET last_id = last_id + ? RETURNING last_id').get(envelopes.length) as {
    last_id: number;
  };
  const insert = stmt(
    db,
    `INSERT INTO envelopes (destination_id, id, guid, source, source_device, type, client_timestamp, server_timestamp, content)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const perRecipient = new Map<number, number>();
  const ids: number[] = [];
  let id = lastId - envelopes.length;
  for (const e of envelopes) {
    id += 1;
    insert.run(e.destinationId, id, e.guid, e.source, e.sourceDevice, e.type, e.clientTimestamp, e.serverTimestamp, e.content);
    ids.push(id);
    perRecipient.set(e.destinationId, (perRecipient.get(e.destinationId) ?? 0) + 1);
  }
  const count = stmt(db, 'UPDATE accounts SET queued = queued + ? WHERE id = ?');
  for (const [destinationId, n] of perRecipient) count.run(n, destinationId);
  return ids;
}

export function insertEnvelope(db: Db, envelope: NewEnvelope): number {
  return insertEnvelopes(db, [envelope])[0]!;
}

/** The recipient's envelopes after `afterId` in stored order, skipping ones stored before `notBefore`. */
export function envelopesAfter(
  db: Db,
  destinationId: number,
  afterId: number,
  notBefore: number,
  limit: number,
): StoredEnvelope[] {
  const rows = stmt(
    db,
    `SELECT id, guid, source, source_device, type, content, client_timestamp, server_timestamp
     FROM envelopes WHERE destination_id = ? AND id > ? AND server_timestamp >= ? ORDER BY id LIMIT ?`,
  ).all(destinationId, afterId, notBefore, limit) as EnvelopeRow[];
  return rows.map(toEnvelope);
}

export function newestEnvelopeId(db: Db, destinationId: number): number {
  const row = stmt(db, 'SELECT MAX(id) AS id FROM envelopes WHERE destination_id = ?').get(destinationId) as {
    id: number | null;
  };
  return row.id ?? 0;
}

/** Removes the recipient's own envelopes among `guids`; other accounts' guids match nothing. */
export function deleteEnvelopes(db: Db, destinationId: number, guids: readonly string[]): number {
  const del = stmt(db, 'DELETE FROM envelopes WHERE destination_id = ? AND guid = ?');
  let removed = 0;
  for (const guid of guids) removed += del.run(destinationId, guid).changes;
  if (removed > 0) stmt(db, 'UPDATE accounts SET queued = queued - ? WHERE id = ?').run(removed, destinationId);
  return removed;
}

/** Drops envelopes stored before `cutoff`, keeping each recipient's queue count right. */
export function deleteEnvelopesOlderThan(db: Db, cutoff: number): number {
  // RETURNING instead of a GROUP BY: the delete walks the age index only.
  const dropped = stmt(db, 'DELETE FROM envelopes WHERE server_timestamp < ? RETURNING destination_id').all(cutoff) as {
    destination_id: number;
  }[];
  const perRecipient = new Map<number, number>();
  for (const { destination_id } of dropped) perRecipient.set(destination_id, (perRecipient.get(destination_id) ?? 0) + 1);
  const uncount = stmt(db, 'UPDATE accounts SET queued = queued - ? WHERE id = ?');
  for (const [destinationId, n] of perRecipient) uncount.run(n, destinationId);
  return dropped.length;
}

export interface SendReceipt {
  digest: Buffer;
  envelopeGuid: string;
  serverTimestamp: number;
}

/** A sender's idempotency key, if it was used after `notBefore`. */
export function findSendReceipt(db: Db, sourceId: number, clientGuid: string, notBefore: number): SendReceipt | undefined {
  const row = stmt(
    db,
    `SELECT digest, envelope_guid, server_timestamp FROM send_receipts
     WHERE source_id = ? AND client_guid = ? AND server_timestamp >= ?`,
  ).get(sourceId, clientGuid, notBefore) as
    | { digest: Buffer; envelope_guid: string; server_timestamp: number }
    | undefined;
  return row && { digest: row.digest, envelopeGuid: row.envelope_guid, serverTimestamp: row.server_timestamp };
}

export function insertSendReceipt(
  db: Db,
  r: { sourceId: number; clientGuid: string; digest: Uint8Array; envelopeGuid: string; serverTimestamp: number },
): void {
  stmt(
    db,
    `INSERT OR REPLACE INTO send_receipts (source_id, client_guid, digest, envelope_guid, server_timestamp)
     VALUES (?, ?, ?, ?, ?)`,
  ).run(r.sourceId, r.clientGuid, r.digest, r.envelopeGuid, r.serverTimestamp);
}

export function deleteSendReceiptsOlderThan(db: Db, cutoff: number): number {
  return stmt(db, 'DELETE FROM send_receipts WHERE server_timestamp < ?').run(cutoff).changes;
}
