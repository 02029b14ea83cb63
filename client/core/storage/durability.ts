/**
 * Commits whose fsync does not block the event loop. The database runs with
 * synchronous=FULL, so an ordinary commit waits for its fsync on the main
 * thread. `commitUnflushed` commits with synchronous=NORMAL instead, which in
 * WAL mode appends to the WAL without syncing; the commit then survives a crash
 * of the process at once (it is in the OS's page cache), and a power cut once
 * the WAL is synced. `flushCommitted` syncs it on libuv's thread pool, which is
 * what FULL would have done at the commit: callers wait for it before anything
 * depends on the commit being on disk (an Ack, a Send). Bookkeeping that a
 * retry repairs (a sent mark, a new session) is left for the next flush.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { ClientDatabase } from './database.js';
import { statement } from './statements.js';

/** Runs `write` as one transaction that is not flushed to disk on its own. */
export function commitUnflushed<T>(db: ClientDatabase, write: () => T): T {
  // Prepared once: db.pragma() would prepare the statement again on every call.
  statement(db, 'PRAGMA synchronous = NORMAL').run();
  try {
    return db.transaction(write)();
  } finally {
    statement(db, 'PRAGMA synchronous = FULL').run();
  }
}

interface FlushState {
  running: Promise<void> | undefined;
  next: Promise<void> | undefined;
  /** The WAL, opened at the first flush and kept: SQLite keeps the file while the database is open. */
  wal: FileHandle | undefined;
}

const flushes = new WeakMap<ClientDatabase, FlushState>();

/**
 * Resolves once every transaction committed on `db` before the call is on disk.
 * Callers that ask while an fsync runs share the next one (it may have started
 * before their commit).
 */
export function flushCommitted(db: ClientDatabase): Promise<void> {
  let state = flushes.get(db);
  if (!state) {
    state = { running: undefined, next: undefined, wal: undefined };
    flushes.set(db, state);
  }
  const flush = state;
  const start = (): Promise<void> => {
    flush.next = undefined;
    const run: Promise<void> = syncWal(db, flush).finally(() => {
      if (flush.running === run) flush.running = undefined;
    });
    flush.running = run;
    return run;
  };
  if (!flush.running) return start();
  flush.next ??= flush.running.then(start, start);
  return flush.next;
}

/** Waits for flushes under way and lets the WAL go; call before closing `db`. */
export async function endFlushes(db: ClientDatabase): Promise<void> {
  const flush = flushes.get(db);
  if (!flush) return;
  flushes.delete(db);
  await Promise.allSettled([flush.running, flush.next]);
  await flush.wal?.close();
}

async function syncWal(db: ClientDatabase, flush: FlushState): Promise<void> {
  if (!flush.wal) {
    try {
      flush.wal = await open(`${db.name}-wal`, 'r');
    } catch (err) {
      // No WAL yet: nothing was committed through it.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
  }
  await flush.wal.datasync();
}
