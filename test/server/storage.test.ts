import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseError, openDatabase, storedServerId, type Db } from '../../server/storage/database.js';
import { MIGRATIONS } from '../../server/storage/migrations.js';
import { insertAccount } from '../../server/storage/accounts.js';
import { deleteEnvelopes, deleteEnvelopesOlderThan, envelopesAfter, insertEnvelope } from '../../server/storage/mailbox.js';
import { WriteBatcher } from '../../server/storage/writeBatcher.js';
import { tempDir } from '../helpers/server.js';

let dir: string;
let db: Db;

beforeAll(() => {
  dir = tempDir();
  db = openDatabase(join(dir, 'server.db'));
});
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('server database', () => {
  it('runs in WAL mode with synchronous=FULL and foreign keys on', () => {
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('is at the newest schema version and keeps one server id across reopenings', () => {
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    const path = join(dir, 'again.db');
    const first = openDatabase(path);
    const id = storedServerId(first);
    first.close();
    const second = openDatabase(path);
    expect(storedServerId(second)).toBe(id);
    second.close();
  });

  it('refuses a database from the future', () => {
    const path = join(dir, 'future.db');
    openDatabase(path).close();
    const tampered = openDatabase(path);
    tampered.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    tampered.close();
    expect(() => openDatabase(path)).toThrow(DatabaseError);
  });

  it.each([
    ['a queue page', 'SELECT id FROM envelopes WHERE destination_id = 1 AND id > 0 AND server_timestamp >= 0 ORDER BY id LIMIT 10', 'envelopes_by_destination'],
    ['an ack', "DELETE FROM envelopes WHERE guid = 'x' AND destination_id = 1", 'sqlite_autoindex_envelopes_1'],
    ['the expiry sweep', 'DELETE FROM envelopes WHERE server_timestamp < 5 RETURNING destination_id', 'envelopes_by_age'],
    ['a token lookup', "SELECT account_id FROM auth_tokens WHERE token_hash = x'00' AND expires_at > 0", 'PRIMARY KEY'],
  ])('uses an index for %s', (_name, sql, index) => {
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join('\n');
    expect(plan).toContain(index);
    expect(plan).not.toMatch(/SCAN envelopes|SCAN auth_tokens/);
  });

  it('keeps each account\'s queue count in step with its envelopes', () => {
    const id = insertAccount(db, { number: '+15550001111', identityKey: new Uint8Array(33), registrationId: 1, now: 0 });
    for (let i = 0; i < 3; i++) {
      insertEnvelope(db, { guid: `g-${i}`, destinationId: id, source: '+15550002222', sourceDevice: 1, type: 2, content: new Uint8Array([i]), clientTimestamp: i, serverTimestamp: i });
    }
    const queued = () => (db.prepare('SELECT queued FROM accounts WHERE id = ?').get(id) as { queued: number }).queued;
    expect(queued()).toBe(3);
    expect(deleteEnvelopes(db, id, ['g-0', 'g-2', 'unknown'])).toBe(2);
    expect(queued()).toBe(1);
    expect(envelopesAfter(db, id, 0, 0, 10).map((e) => e.guid)).toEqual(['g-1']);
  });
});

describe('expiry', () => {
  it('drops envelopes older than the cutoff and uncounts them from their queues', () => {
    const db = openDatabase(join(dir, 'expiry.db'));
    const id = insertAccount(db, { number: '+15550004444', identityKey: new Uint8Array(33), registrationId: 1, now: 0 });
    for (const [guid, at] of [['old-1', 100], ['old-2', 200], ['new-1', 900]] as const) {
      insertEnvelope(db, { guid, destinationId: id, source: '+1', sourceDevice: 1, type: 2, content: new Uint8Array([1]), clientTimestamp: 0, serverTimestamp: at });
    }
    expect(deleteEnvelopesOlderThan(db, 500)).toBe(2);
    expect(envelopesAfter(db, id, 0, 0, 10).map((e) => e.guid)).toEqual(['new-1']);
    expect((db.prepare('SELECT queued FROM accounts WHERE id = ?').get(id) as { queued: number }).queued).toBe(1);
    db.close();
  });
});

describe('group commit', () => {
  it('commits the writes of one event-loop turn together, and a failing job alone rolls back', async () => {
    let commits = 0;
    const writes = new WriteBatcher(db, () => commits++);
    const id = insertAccount(db, { number: '+15550003333', identityKey: new Uint8Array(33), registrationId: 1, now: 0 });
    const insert = (guid: string) => (d: Db) =>
      insertEnvelope(d, { guid, destinationId: id, source: '+1', sourceDevice: 1, type: 2, content: new Uint8Array([1]), clientTimestamp: 0, serverTimestamp: 0 });
    const results = await Promise.allSettled([
      writes.run(insert('batch-a')),
      writes.run(insert('batch-a')), // unique guid violated: this job fails alone
      writes.run(insert('batch-b')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(commits).toBe(1);
    expect(envelopesAfter(db, id, 0, 0, 10).map((e) => e.guid)).toEqual(['batch-a', 'batch-b']);
  });

  it('skips the fsync only for a batch whose jobs all say they need none', async () => {
    const writes = new WriteBatcher(db);
    const setting = (d: Db) => d.pragma('synchronous', { simple: true }) as number;
    const [FULL, NORMAL] = [2, 1];
    expect(await writes.run(setting, { synced: false })).toBe(NORMAL);
    const mixed = await Promise.all([writes.run(setting, { synced: false }), writes.run(setting)]);
    expect(mixed).toEqual([FULL, FULL]);
    expect(await writes.run(setting)).toBe(FULL);
    expect(await writes.run(setting, { synced: false })).toBe(NORMAL);
    expect(await writes.run(setting, { synced: true })).toBe(FULL);
  });
});
