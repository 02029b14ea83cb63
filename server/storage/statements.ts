import type { Statement } from 'better-sqlite3';
import type { Db } from './database.js';

const cache = new WeakMap<Db, Map<string, Statement>>();

/** A prepared statement for this database, prepared once and reused. */
export function stmt(db: Db, sql: string): Statement {
  let perDb = cache.get(db);
  if (!perDb) cache.set(db, (perDb = new Map()));
  let prepared = perDb.get(sql);
  if (!prepared) perDb.set(sql, (prepared = db.prepare(sql)));
  return prepared;
}
