/**
 * Opens an account's SQLite file and brings its schema up to date. Every
 * migration is numbered and forward-only; `user_version` records how far a file
 * has come, and a file from a newer client is refused rather than misread.
 */
import Database from 'better-sqlite3';
import { accessSync, chmodSync, closeSync, constants, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ClientError } from '../errors.js';
import { MIGRATIONS } from './migrations.js';

export type ClientDatabase = Database.Database;

export const DATABASE_FILE = 'client.db';

export function openClientDatabase(dataDir: string): ClientDatabase {
  try {
    makeFolders(dataDir);
    // A folder that already existed (one given with --data-dir, say) may be open to others.
    keepToOwner(dataDir);
  } catch (err) {
    throw new ClientError('database', `cannot use ${dataDir} as the data folder: ${fileProblem(err)}`, { cause: err });
  }
  return openDatabaseFile(join(dataDir, DATABASE_FILE));
}

/**
 * `mkdir -p`, one level at a time. Node's recursive mkdirSync never returns for
 * a path under /proc: mkdir there fails with ENOENT, which it takes for a
 * missing parent and tries again, forever.
 */
function makeFolders(path: string): void {
  const missing: string[] = [];
  for (let at = resolve(path); !existsSync(at) && dirname(at) !== at; at = dirname(at)) missing.unshift(at);
  for (const folder of missing) {
    try {
      mkdirSync(folder, { mode: 0o700 });
    } catch (err) {
      // Another process made it meanwhile: fine, if it is a folder (checked below).
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  if (!statSync(path).isDirectory()) throw Object.assign(new Error(`${path} is not a folder`), { code: 'ENOTDIR' });
}

/**
 * The account's file holds the identity private key, the prekeys, the sessions
 * and the plaintext history: no one but its owner may read it, whatever the
 * umask, nor list or replace what is in its folder. Only the group and other
 * bits are cleared, so a folder or file made read-only on purpose stays so.
 */
function keepToOwner(path: string): void {
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) chmodSync(path, mode & 0o700);
}

/** What SQLite keeps beside the file; it makes each with the file's own mode. */
const COMPANION_SUFFIXES = ['-wal', '-shm', '-journal'];

/** Creates the file owner-only (SQLite would use 0644 less the umask), and tightens one that exists, with the companions a crash left. */
function prepareOwnerOnlyFile(path: string): void {
  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  for (const file of [path, ...COMPANION_SUFFIXES.map((suffix) => path + suffix)]) {
    if (existsSync(file)) keepToOwner(file);
  }
}

/** A file system error in words a user can act on. */
function fileProblem(err: unknown): string {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'EEXIST':
    case 'ENOTDIR':
      return 'a file, not a folder, is in the way';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOENT':
      // The parent exists (makeFolders checked): /proc and the like refuse new folders so.
      return 'the file system does not allow a folder there';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'the disk is full';
    default:
      return (err as Error).message;
  }
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * SQLite's own words for a file it cannot use ("disk I/O error" for a
 * read-only file, "unable to open database file") name neither the file nor
 * the cause; say both.
 */
function unusableFile(path: string, err: unknown): ClientError {
  const code = String((err as { code?: unknown }).code ?? '');
  const reason = (err as Error).message;
  let message: string;
  if (code.startsWith('SQLITE_NOTADB') || code.startsWith('SQLITE_CORRUPT')) {
    message = `${path} is not a client database, or is damaged (${reason})`;
  } else if (code.startsWith('SQLITE_FULL')) {
    message = `cannot write ${path}: the disk is full`;
  } else if (existsSync(path) && !writable(path)) {
    message = `cannot write ${path}: the file is read-only`;
  } else if (!writable(dirname(path))) {
    message = `cannot write in ${dirname(path)}: the folder is read-only (SQLite keeps its journal next to the file)`;
  } else {
    message = `cannot open ${path}: ${reason}`;
  }
  return new ClientError('database', message, { cause: err });
}

/** How long opening waits for another process to let the file go (one that is closing, say). */
const OPEN_WAIT_MS = 1_000;

/**
 * One process at a time holds an account's file. Two clients on one account
 * would each encrypt from the session they last read, and the second would
 * reuse message keys the first already used; so the file is locked for the
 * life of the connection (EXCLUSIVE), and a second client is refused at open.
 * Set before the first access, EXCLUSIVE also keeps WAL's index in this
 * process's memory: no shared-memory file and no file lock per transaction.
 */
export function openDatabaseFile(path: string): ClientDatabase {
  let db: ClientDatabase;
  try {
    prepareOwnerOnlyFile(path);
    db = new Database(path, { timeout: OPEN_WAIT_MS });
  } catch (err) {
    throw unusableFile(path, err);
  }
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    try {
      db.pragma('journal_mode = WAL');
      // The lock is taken at the first read: take it now, so a second client is refused here.
      schemaVersion(db);
      db.exec('BEGIN IMMEDIATE; COMMIT');
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err;
      throw new ClientError('database_in_use', `${path} is in use by another client of this account; only one may run at a time`, {
        cause: err,
      });
    }
    // WAL's default of NORMAL can lose a committed write on power loss.
    db.pragma('synchronous = FULL');
    // Deleted rows hold keys we consumed on purpose (forward secrecy): overwrite them.
    db.pragma('secure_delete = ON');
    db.pragma('foreign_keys = ON');
    migrate(db);
    return db;
  } catch (err) {
    db.close();
    throw ClientError.is(err) ? err : unusableFile(path, err);
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
