import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { chmodSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadOrCreateIdentity } from '../../client/core/account.js';
import { ClientError } from '../../client/core/errors.js';
import { DATABASE_FILE, openClientDatabase, openDatabaseFile, schemaVersion, type ClientDatabase } from '../../client/core/storage/database.js';
import { markEnvelopeFailed, markEnvelopesProcessed, processedAmong, recordDecryptAttempt } from '../../client/core/storage/envelopeQueries.js';
import {
  advanceOutgoingStatus,
  insertMessage,
  listConversations,
  listMessages,
  searchMessages,
  setLastReadId,
  unreadIncoming,
} from '../../client/core/storage/messageQueries.js';
import { MIGRATIONS } from '../../client/core/storage/migrations.js';
import { tempDir } from '../helpers/server.js';

describe('client database', () => {
  const dirs: string[] = [];
  const open = (): { db: ClientDatabase; dir: string } => {
    const dir = tempDir('e2ee-db-');
    dirs.push(dir);
    return { db: openClientDatabase(dir), dir };
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('opens with WAL, synchronous=FULL, secure_delete and foreign keys, at the newest schema', () => {
    const { db } = open();
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(2);
      expect(db.pragma('secure_delete', { simple: true })).toBe(1);
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    } finally {
      db.close();
    }
  });

  it('holds its file while open: a second opener is refused, and WAL needs no shared-memory file', () => {
    const { db, dir } = open();
    let refusal: unknown;
    try {
      try {
        openClientDatabase(dir).close();
      } catch (err) {
        refusal = err;
      }
      expect(ClientError.is(refusal, 'database_in_use')).toBe(true);
      expect(existsSync(join(dir, `${DATABASE_FILE}-shm`))).toBe(false);
    } finally {
      db.close();
    }
    openClientDatabase(dir).close();
  });

  it('refuses a database written by a newer client', () => {
    const { db, dir } = open();
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    expect(() => openDatabaseFile(join(dir, DATABASE_FILE))).toThrow(ClientError);
    expect(() => openDatabaseFile(join(dir, DATABASE_FILE))).toThrow(/newer client/);
  });

  it('keeps one identity per folder and refuses another number in it', () => {
    const { db } = open();
    try {
      const first = loadOrCreateIdentity(db, '+15556660001');
      const again = loadOrCreateIdentity(db, '+15556660001');
      expect(again.identityKeyPair.publicKey.serialize()).toEqual(first.identityKeyPair.publicKey.serialize());
      expect(first.registrationId).toBeGreaterThanOrEqual(1);
      expect(first.registrationId).toBeLessThanOrEqual(16380);
      expect(() => loadOrCreateIdentity(db, '+15556660002')).toThrow(/belongs to \+15556660001/);
    } finally {
      db.close();
    }
  });

  it('moves outgoing status only forward', () => {
    const { db } = open();
    try {
      const message = insertMessage(db, { conversation: '+2', direction: 'outgoing', sender: '+1', text: 'x', timestamp: 10, storedAt: 1, status: 'sent' });
      expect(advanceOutgoingStatus(db, '+2', [10], 'read').map((m) => m.status)).toEqual(['read']);
      expect(advanceOutgoingStatus(db, '+2', [10], 'delivered')).toEqual([]);
      expect(listMessages(db, '+2')).toEqual([{ ...message, status: 'read' }]);
    } finally {
      db.close();
    }
  });

  it('counts unread incoming messages until the conversation is marked read', () => {
    const { db } = open();
    try {
      for (const timestamp of [1, 2]) {
        insertMessage(db, { conversation: '+2', direction: 'incoming', sender: '+2', text: `m${timestamp}`, timestamp, storedAt: timestamp });
      }
      expect(listConversations(db)).toEqual([expect.objectContaining({ number: '+2', unread: 2, lastText: 'm2', identityChanged: false })]);
      const unread = unreadIncoming(db, '+2');
      expect(unread.timestamps).toEqual([1, 2]);
      setLastReadId(db, '+2', unread.newestId);
      expect(listConversations(db)[0]?.unread).toBe(0);
    } finally {
      db.close();
    }
  });

  it('searches message text literally (LIKE wildcards escaped)', () => {
    const { db } = open();
    try {
      for (const [timestamp, text] of [[1, '100% sure'], [2, '100 percent'], [3, 'under_score']] as const) {
        insertMessage(db, { conversation: '+2', direction: 'incoming', sender: '+2', text, timestamp, storedAt: timestamp });
      }
      expect(searchMessages(db, '100%', 10).map((m) => m.text)).toEqual(['100% sure']);
      expect(searchMessages(db, '_', 10).map((m) => m.text)).toEqual(['under_score']);
      expect(searchMessages(db, '100', 1).map((m) => m.text)).toEqual(['100 percent']);
    } finally {
      db.close();
    }
  });

  it('counts failed decrypt attempts and remembers a given-up envelope as processed', () => {
    const { db } = open();
    try {
      expect(recordDecryptAttempt(db, 'g1', '+2', 'bad', 1)).toBe(1);
      expect(recordDecryptAttempt(db, 'g1', '+2', 'bad', 2)).toBe(2);
      expect(processedAmong(db, ['g1'])).toEqual(new Set());
      markEnvelopeFailed(db, 'g1', 3);
      markEnvelopesProcessed(db, ['g2'], 3);
      expect(processedAmong(db, ['g0', 'g1', 'g2'])).toEqual(new Set(['g1', 'g2']));
    } finally {
      db.close();
    }
  });

  it.each([
    [`SELECT id FROM messages WHERE conversation = '+2' AND id < 100 ORDER BY id DESC LIMIT 50`, 'messages_by_conversation'],
    [`SELECT id FROM messages WHERE conversation = '+2' AND direction = 'outgoing' AND timestamp = 5`, 'messages_by_timestamp'],
    [`UPDATE messages SET status = 'read' WHERE conversation = '+2' AND direction = 'outgoing' AND timestamp IN (SELECT value FROM json_each('[5,6]'))`, 'messages_by_timestamp'],
    [`UPDATE messages SET status = 'sent' WHERE id IN (SELECT value FROM json_each('[1,2]')) AND status = 'sending'`, 'INTEGER PRIMARY KEY'],
    [`SELECT guid FROM processed_envelopes WHERE guid IN (SELECT value FROM json_each('["x","y"]'))`, 'PRIMARY KEY'],
    [`SELECT record FROM sessions WHERE address = '+2.1'`, 'sqlite_autoindex_sessions_1'],
  ])('uses an index: %s', (sql, index) => {
    const { db } = open();
    try {
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((row) => row.detail).join('\n');
      expect(plan).toContain(index);
      expect(plan).not.toMatch(/^SCAN (messages|processed_envelopes|sessions)\b/m);
    } finally {
      db.close();
    }
  });
});

describe('client database permissions: the file holds the identity key and the history', () => {
  const dirs: string[] = [];
  let umask: number;
  beforeEach(() => {
    // The common default: new files readable by everyone unless the client says otherwise.
    umask = process.umask(0o022);
  });
  afterEach(() => {
    process.umask(umask);
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const modeOf = (path: string): string => (statSync(path).mode & 0o777).toString(8);
  /** Opens, writes (so the WAL exists) and reports the modes while the file is open. */
  const modesAfterOpening = (dataDir: string): Record<string, string> => {
    const db = openClientDatabase(dataDir);
    try {
      loadOrCreateIdentity(db, '+15556660001');
      return {
        folder: modeOf(dataDir),
        database: modeOf(join(dataDir, DATABASE_FILE)),
        wal: modeOf(join(dataDir, `${DATABASE_FILE}-wal`)),
      };
    } finally {
      db.close();
    }
  };

  it('creates the folder owner-only and the database and its WAL owner-only, under a umask of 022', () => {
    const parent = tempDir('e2ee-perm-');
    dirs.push(parent);
    const dataDir = join(parent, 'new', '+15556660001');
    expect(modesAfterOpening(dataDir)).toEqual({ folder: '700', database: '600', wal: '600' });
    expect(modeOf(join(parent, 'new'))).toBe('700');
  });

  it('tightens a folder, a database and a leftover WAL that already exist with looser permissions', () => {
    const dataDir = tempDir('e2ee-perm-');
    dirs.push(dataDir);
    chmodSync(dataDir, 0o755);
    openClientDatabase(dataDir).close();
    chmodSync(join(dataDir, DATABASE_FILE), 0o644);
    // What a crash leaves: a WAL beside the file, made while it was still readable by all.
    writeFileSync(join(dataDir, `${DATABASE_FILE}-wal`), '', { mode: 0o644 });
    expect(modesAfterOpening(dataDir)).toEqual({ folder: '700', database: '600', wal: '600' });
  });

  it('makes an existing empty folder given as --data-dir owner-only', () => {
    const parent = tempDir('e2ee-perm-');
    dirs.push(parent);
    const dataDir = join(parent, 'chosen');
    mkdirSync(dataDir, { mode: 0o775 });
    expect(modesAfterOpening(dataDir)).toEqual({ folder: '700', database: '600', wal: '600' });
  });
});
