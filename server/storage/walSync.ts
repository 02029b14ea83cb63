/**
 * Makes the commits in a WAL-mode database durable with one fdatasync of its
 * WAL file. SQLite as built here syncs with fsync, which also writes the
 * file's times to the journal: on this machine's disk 0.7 ms per commit at
 * the median and 2.6 ms at p99, against 0.3 and 0.6 for fdatasync. So the
 * writer commits with synchronous=NORMAL (WAL appended, not synced; SQLite
 * still syncs around checkpoints) and calls this where FULL would have synced.
 */
import { closeSync, fdatasyncSync, openSync } from 'node:fs';

/** Syncs `<dbPath>-wal`. Opened per call: the path always names the live WAL. */
export function syncWal(dbPath: string): void {
  let fd: number;
  try {
    fd = openSync(`${dbPath}-wal`, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // no WAL yet: nothing committed through it
    throw err;
  }
  try {
    fdatasyncSync(fd);
  } catch (err) {
    // Reported as SQLite reports a failed sync, so callers map it like any storage failure.
    throw Object.assign(new Error(`cannot sync the WAL: ${(err as Error).message}`), { code: 'SQLITE_IOERR_FSYNC' });
  } finally {
    closeSync(fd);
  }
}
