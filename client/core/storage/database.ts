/**
 * Opens an account's SQLite file and brings its schema up to date. Every
 * migration is numbered and forward-only; `user_version` records how far a file
 * has come, and a file from a newer client is refused rather than misread.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ClientError } from '../errors.js';
import { MIGRATIONS } from './migrations.js';

export type ClientDatabase = Database.Database;

export const DATABASE_FILE = 'client.db';

export function openClientDatabase(dataDir: string): ClientDatabase {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  return openDatabaseFile(join(dataDir, DATABASE_FILE));
}

export function openDatabaseFile(path: string): ClientDatabase {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    // WAL's default of NORMAL can lose a committed write on power loss.
    db.pragma('synchronous = FULL');
    // Deleted rows hold keys we consumed on purpose (forward secrecy): overwrite them.
    db.pragma('secure_delete = ON');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

export function schemaVersion(db: ClientDatabase): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: ClientDatabase): void {
  const current = schemaVersion(db);
  if (current > MIGRATIONS.length) {
    throw new ClientError(
      'database',
      `the database was written by a newer client (schema ${current}, this client knows ${MIGRATIONS.length}); upgrade the client`,
    );
  }
  for (let version = current + 1; version <= MIGRATIONS.length; version++) {
    const sql = MIGRATIONS[version - 1]!;
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version}`);
    })();
  }
}
