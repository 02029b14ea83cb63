import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { DatabaseError, openDatabase, storedServerId, type Db } from '../../server/storage/database.js';
import { MIGRATIONS } from '../../server/storage/migrations.js';
import { deleteAccount, insertAccount } from '../../server/storage/accounts.js';
import { deleteEnvelopes, deleteEnvelopesOlderThan, envelopesAfter, insertEnvelope, insertEnvelopes } from '../../server/storage/mailbox.js';
import { WalSync, WriteBatcher } from '../../server/storage/writeBatcher.js';
import { databaseAtVersion } from '../helpers/schema.js';
import { serverDatabaseForFile } from '../helpers/server.js';

const temp = serverDatabaseForFile();

describe('server database', () => {
  it('runs in WAL mode with synchronous=FULL and foreign keys on', () => {
    expect(temp.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(temp.db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(temp.db.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('is at the newest schema version and keeps one server id across reopenings', () => {
    expect(temp.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    const path = join(temp.dir, 'again.db');
    const first = openDatabase(path);
    const id = storedServerId(first);
    first.close();
    const second = openDatabase(path);
    expect(storedServerId(second)).toBe(id);
    second.close();
  });

  it('refuses a database from the future', () => {
    const path = join(temp.dir, 'future.db');
    openDatabase(path).close();
    const tampered = openDatabase(path);
    tampered.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    tampered.close();
    expect(() => openDatabase(path)).toThrow(DatabaseError);
  });

  it.each([
    ['a queue page', 'SELECT id FROM envelopes WHERE destination_id = 1 AND id > 0 AND server_timestamp >= 0 ORDER BY id LIMIT 10', 'PRIMARY KEY (destination_id=? AND id>?)'],
    ['an ack', "DELETE FROM envelopes WHERE destination_id = 1 AND guid = 'x'", 'envelopes_by_guid (destination_id=? AND guid=?)'],
    ['the expiry sweep', 'DELETE FROM envelopes WHERE server_timestamp < 5 RETURNING destination_id', 'envelopes_by_age'],
    ['a token lookup', "SELECT account_id FROM auth_tokens WHERE token_hash = x'00' AND expires_at > 0", 'PRIMARY KEY'],
  ])('uses an index for %s', (_name, sql, index) => {
    const plan = (temp.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join('\n');
    expect(plan).toContain(index);
    expect(plan).not.toMatch(/SCAN envelopes|SCAN auth_tokens/);
  });

  it('keeps each account\'s queue count in step with its envelopes', () => {
    const id = insertAccount(temp.db, { number: '+15550001111', identityKey: new Uint8Array(33), registrationId: 1, now: 0 });
    for (let i = 0; i < 3; i++) {
      insertEnvelope(temp.db, { guid: `g-${i}`, destinationId: id, source: '+15550002222', sourceDevice: 1, type: 2, content: new Uint8Array([i]), clientTimestamp: i, serverTimestamp: i });
    }
    const queued = () => (temp.db.prepare('SELECT queued FROM accounts WHERE id = ?').get(id) as { queued: number }).queued;
    expect(queued()).toBe(3);
    expect(deleteEnvelopes(temp.db, id, ['g-0', 'g-2', 'unknown'])).toBe(2);
    expect(queued()).toBe(1);
    expect(envelopesAfter(temp.db, id, 0, 0, 10).map((e) => e.guid)).toEqual(['g-1']);
  });
});

describe('migration 3 (envelopes clustered by recipient)', () => {
  it('keeps every queued envelope, in order, and never reuses an id handed out before', () => {
    const path = join(temp.dir, 'version2.db');
    const old = databaseAtVersion(path, 2);
    const insertAccount = old.prepare(
      "INSERT INTO accounts (number, identity_key, registration_id, created_at, queued) VALUES (?, x'05', 1, 0, ?)",
    );
    const alice = Number(insertAccount.run('+15550005001', 2).lastInsertRowid);
    const bob = Number(insertAccount.run('+15550005002', 1).lastInsertRowid);
    const insertEnvelopeV2 = old.prepare(
      `INSERT INTO envelopes (guid, destination_id, source, source_device, type, content, client_timestamp, server_timestamp)
       VALUES (?, ?, '+15550005009', 1, 2, ?, ?, ?)`,
    );
    // Interleaved, as real traffic leaves them; the newest (id 4) is acked before the upgrade.
    insertEnvelopeV2.run('a-1', alice, Buffer.from([1]), 11, 101);
    insertEnvelopeV2.run('b-1', bob, Buffer.from([2]), 12, 102);
    insertEnvelopeV2.run('a-2', alice, Buffer.from([3]), 13, 103);
    insertEnvelopeV2.run('b-2', bob, Buffer.from([4]), 14, 104);
    old.prepare("DELETE FROM envelopes WHERE guid = 'b-2'").run();
    old.close();

    const upgraded = openDatabase(path);
    try {
      expect(upgraded.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      const queue = (id: number) => envelopesAfter(upgraded, id, 0, 0, 10).map((e) => [e.id, e.guid, e.content[0], e.clientTimestamp, e.serverTimestamp]);
      expect(queue(alice)).toEqual([[1, 'a-1', 1, 11, 101], [3, 'a-2', 3, 13, 103]]);
      expect(queue(bob)).toEqual([[2, 'b-1', 2, 12, 102]]);
      // Id 4 was handed out (and acked): a stream whose cursor stood at 4 must not skip the next one.
      const [next] = insertEnvelopes(upgraded, [
        { guid: 'b-3', destinationId: bob, source: '+1', sourceDevice: 1, type: 2, content: new Uint8Array([5]), clientTimestamp: 15, serverTimestamp: 105 },
      ]);
      expect(next).toBe(5);
      expect(envelopesAfter(upgraded, bob, 4, 0, 10).map((e) => e.guid)).toEqual(['b-3']);
      expect(deleteEnvelopes(upgraded, alice, ['a-1', 'b-1'])).toBe(1); // bob's guid is not alice's to ack
      expect(upgraded.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      upgraded.close();
    }
  });
});

describe('account ids', () => {
  const newAccount = (db: Db, number: string) => insertAccount(db, { number, identityKey: new Uint8Array(33), registrationId: 1, now: 0 });

  it("never hand a deleted account's id to the next one", () => {
    // Streams, token lookups and write scripts name accounts by id: a reused one would reach a stranger's keys and mailbox.
    const newest = newAccount(temp.db, '+15550006001');
    expect(deleteAccount(temp.db, newest)).toBe(true);
    const next = newAccount(temp.db, '+15550006002');
    expect(next).toBeGreaterThan(newest);
  });

  it('continue after the largest id left when migration 4 upgrades a database', () => {
    const path = join(temp.dir, 'version3.db');
    const old = databaseAtVersion(path, 3);
    const insertV3 = old.prepare("INSERT INTO accounts (number, identity_key, registration_id, created_at) VALUES (?, x'05', 1, 0)");
    insertV3.run('+15550006101');
    const second = Number(insertV3.run('+15550006102').lastInsertRowid);
    old.close();
    const upgraded = openDatabase(path);
    try {
      const third = newAccount(upgraded, '+15550006103');
      expect(third).toBe(second + 1);
      deleteAccount(upgraded, third);
      expect(newAccount(upgraded, '+15550006104')).toBe(third + 1);
    } finally {
      upgraded.close();
    }
  });
});

describe('expiry', () => {
  it('drops envelopes older than the cutoff and uncounts them from their queues', () => {
    const db = openDatabase(join(temp.dir, 'expiry.db'));
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
    const wal = new WalSync(`${temp.db.name}-wal`);
    const writes = new WriteBatcher(temp.db, () => wal.sync(), () => commits++);
    const id = insertAccount(temp.db, { number: '+15550003333', identityKey: new Uint8Array(33), registrationId: 1, now: 0 });
    const insert = (guid: string) => (d: Db) =>
      insertEnvelope(d, { guid, destinationId: id, source: '+1', sourceDevice: 1, type: 2, content: new Uint8Array([1]), clientTimestamp: 0, serverTimestamp: 0 });
    const results = await Promise.allSettled([
      writes.run(insert('batch-a')),
      writes.run(insert('batch-a')), // unique guid violated: this job fails alone
      writes.run(insert('batch-b')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(commits).toBe(1);
    expect(envelopesAfter(temp.db, id, 0, 0, 10).map((e) => e.guid)).toEqual(['batch-a', 'batch-b']);
  });

  it('commits without its own fsync only a batch whose jobs all say they need none, and syncs the WAL after it', async () => {
    const wal = new WalSync(`${temp.db.name}-wal`);
    let walSyncs = 0;
    const writes = new WriteBatcher(temp.db, () => {
      walSyncs += 1;
      return wal.sync();
    });
    const setting = (d: Db) => d.pragma('synchronous', { simple: true }) as number;
    const [FULL, NORMAL] = [2, 1];
    expect(await writes.run(setting, { synced: false })).toBe(NORMAL);
    expect(walSyncs).toBe(1);
    const mixed = await Promise.all([writes.run(setting, { synced: false }), writes.run(setting)]);
    expect(mixed).toEqual([FULL, FULL]);
    expect(await writes.run(setting)).toBe(FULL);
    expect(await writes.run(setting, { synced: false })).toBe(NORMAL);
    expect(await writes.run(setting, { synced: true })).toBe(FULL);
    expect(walSyncs).toBe(2); // only after the batches of unsynced jobs alone
    await wal.close();
  });

  it('settles an unsynced job at the next synced commit, without a sync of its own', async () => {
    let walSyncs = 0;
    const countingSyncs = () => {
      walSyncs += 1;
      return Promise.resolve();
    };
    // A long wait before a sync of its own: the synced commit must come first.
    const writes = new WriteBatcher(temp.db, countingSyncs, () => {}, 60_000);
    const ack = writes.run(() => 'acked', { synced: false });
    await new Promise((resolve) => setImmediate(resolve)); // committed alone, unsynced
    const [acked, sent] = await Promise.all([ack, writes.run(() => 'sent')]);
    expect([acked, sent]).toEqual(['acked', 'sent']);
    expect(walSyncs).toBe(0);
  });

  it('settles an unsynced job only once the WAL sync after its commit is done', async () => {
    let finishSync!: () => void;
    const writes = new WriteBatcher(temp.db, () => new Promise<void>((resolve) => (finishSync = resolve)));
    let settled = false;
    const job = writes.run(() => 'acked', { synced: false }).then((value) => {
      settled = true;
      return value;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(settled).toBe(false); // committed, not yet answered
    finishSync();
    expect(await job).toBe('acked');
  });
});
