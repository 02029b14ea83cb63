/**
 * The server's one database: opens the file, sets durability pragmas, runs
 * migrations. Queries live in the sibling modules as plain functions.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations.js';

export type Db = Database.Database;

export class DatabaseError extends Error {
  override name = 'DatabaseError';
  constructor(
    readonly code: 'from_the_future' | 'cannot_open',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
  static is(err: unknown, code?: DatabaseError['code']): err is DatabaseError {
    return err instanceof DatabaseError && (code === undefined || err.code === code);
  }
}

export interface OpenOptions {
  /** A quota on the file's size in bytes (0: none). */
  maxBytes?: number;
  /** Told before an existing database is upgraded: on a big mailbox that can take seconds, once. */
  onUpgrade?: (from: number, to: number) => void;
}

export function openDatabase(path: string, opts: OpenOptions = {}): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  let db: Db;
  try {
    db = new Database(path);
  } catch (cause) {
    throw new DatabaseError('cannot_open', `cannot open database ${path}: ${(cause as Error).message}`, { cause });
  }
  try {
    db.pragma('journal_mode = WAL');
    // better-sqlite3's default under WAL is NORMAL, which can lose a committed
    // write on power loss; a Send that returned must be on disk.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // Savepoints of a group commit keep statement journals in memory, not in temp files.
    db.pragma('temp_store = MEMORY');
    db.pragma('cache_size = -32000'); // 32 MiB of pages
    migrate(db, opts.onUpgrade);
    ensureServerId(db);
    if (opts.maxBytes) {
      // A quota on the file: writes past it fail with SQLITE_FULL, as on a full disk.
      const pageSize = db.pragma('page_size', { simple: true }) as number;
      db.pragma(`max_page_count = ${Math.max(1, Math.floor(opts.maxBytes / pageSize))}`);
    }
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

function migrate(db: Db, onUpgrade?: OpenOptions['onUpgrade']): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new DatabaseError(
      'from_the_future',
      `database schema version ${version} is newer than this server knows (${MIGRATIONS.length}); refusing to open it`,
    );
  }
  // A new, empty database (version 0) is created, not upgraded.
  if (version > 0 && version < MIGRATIONS.length) onUpgrade?.(version, MIGRATIONS.length);
  for (let next = version; next < MIGRATIONS.length; next++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[next]!);
      db.pragma(`user_version = ${next + 1}`);
    })();
  }
}

/** The default server_id: random, made once when the database is created. */
function ensureServerId(db: Db): void {
  db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run('server_id', randomBytes(9).toString('base64url'));
}

export function storedServerId(db: Db): string {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get('server_id') as { value: string };
  return row.value;
}
