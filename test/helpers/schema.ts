/** Databases as an older server left them, for upgrade tests. */
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../../server/storage/migrations.js';

/** Creates `path` at schema `version` (the first `version` migrations), open for the test to fill. */
export function databaseAtVersion(path: string, version: number): Database.Database {
  const db = new Database(path);
  for (const [i, migration] of MIGRATIONS.slice(0, version).entries()) {
    db.exec(migration);
    db.pragma(`user_version = ${i + 1}`);
  }
  return db;
}
