import type Database from 'better-sqlite3';
import type { ClientDatabase } from './database.js';

const cache = new WeakMap<ClientDatabase, Map<string, Database.Statement>>();

/** A prepared statement, prepared once per connection. */
export function statement(db: ClientDatabase, sql: string): Database.Statement {
  let perDb = cache.get(db);
  if (!perDb) {
    perDb = new Map();
    cache.set(db, perDb);
  }
  let prepared = perDb.get(sql);
  if (!prepared) {
    prepared = db.prepare(sql);
    perDb.set(sql, prepared);
  }
  return prepared;
}

/** better-sqlite3 hands BLOBs back as Buffers; libsignal wants a plain Uint8Array. */
export function toBytes(blob: Buffer): Uint8Array<ArrayBuffer> {
  return new Uint8Array(blob);
}
