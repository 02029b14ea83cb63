/**
 * Group commit. Write jobs submitted during one turn of the event loop run in
 * one SQLite transaction, so N concurrent Sends share one fsync instead of
 * paying N. Each job runs in its own savepoint: a job that throws rolls back
 * alone and rejects only its own promise. Promises settle after the commit, so
 * a resolved job is on disk.
 *
 * Jobs are synchronous functions (better-sqlite3 transactions must not await).
 *
 * A job may say its commit need not hold up the writes behind it
 * (`synced: false`, an Ack): a batch of only such jobs commits with
 * synchronous=NORMAL, and its promises settle at the next sync of the WAL,
 * whichever comes first: the next synced commit (its fsync covers the whole
 * WAL, earlier frames included), or, SYNC_AFTER_MS later, a sync of the WAL on
 * libuv's thread pool (`syncWal`). So a settled job is on disk either way; a
 * Send no longer waits behind an Ack's fsync, and under load an Ack costs no
 * fsync of its own.
 */
import { closeSync, fdatasync, openSync } from 'node:fs';
import type { Db } from './database.js';

interface Pending {
  job: (db: Db) => unknown;
  synced: boolean;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Committed batches whose jobs wait for the WAL to be synced. */
interface Unsynced {
  settle(): void;
  fail(error: unknown): void;
}

/** How long a committed Ack waits for a Send's commit to sync it, before the WAL is synced for it alone. */
const SYNC_AFTER_MS = 2;

export class WriteBatcher {
  private queue: Pending[] = [];
  private scheduled = false;
  /** The connection's synchronous setting: FULL as the database opens. */
  private syncing = true;
  private unsynced: Unsynced[] = [];
  private syncTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Db,
    /** Puts everything committed so far on disk, off this thread (see WalSync). */
    private readonly syncWal: () => Promise<void>,
    /** Called after each commit with the batch size (the group-commit test counts commits). */
    private readonly afterCommit: (size: number) => void = () => {},
    private readonly syncAfterMs = SYNC_AFTER_MS,
  ) {}

  run<T>(job: (db: Db) => T, { synced = true }: { synced?: boolean } = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ job, synced, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Runs whatever is queued now (used at shutdown). */
  flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    const synced = batch.some((p) => p.synced);
    this.setSyncing(synced);

    const outcomes: Outcome[] = [];
    try {
      this.db.transaction(() => {
        for (const { job } of batch) {
          try {
            outcomes.push({ ok: true, value: this.db.transaction(job)(this.db) });
          } catch (error) {
            // Some errors (SQLITE_FULL, I/O errors) make SQLite roll back the whole
            // transaction, not just the savepoint: then nothing of the batch stands.
            if (!this.db.inTransaction) throw error;
            outcomes.push({ ok: false, error });
          }
        }
      })();
    } catch (error) {
      // The commit itself failed (disk full, I/O error): nothing of the batch is stored.
      for (const { reject } of batch) reject(error);
      return;
    }
    this.afterCommit(batch.length);
    const settle = (): void =>
      batch.forEach(({ resolve, reject }, i) => {
        const outcome = outcomes[i]!;
        if (outcome.ok) resolve(outcome.value);
        else reject(outcome.error);
      });
    if (!synced) {
      // Committed, and it stands after a crash of the process; on disk at the next sync.
      this.unsynced.push({ settle, fail: (error) => batch.forEach(({ reject }) => reject(error)) });
      this.syncTimer ??= setTimeout(() => void this.syncUnsynced(), this.syncAfterMs);
      return;
    }
    settle();
    // This commit's fsync put the earlier unsynced commits on disk too.
    clearTimeout(this.syncTimer);
    this.syncTimer = undefined;
    const covered = this.unsynced;
    this.unsynced = [];
    for (const earlier of covered) earlier.settle();
  }

  /** Syncs the WAL for the unsynced commits now (also before closing); resolves once they are settled. */
  async syncUnsynced(): Promise<void> {
    clearTimeout(this.syncTimer);
    this.syncTimer = undefined;
    const waiting = this.unsynced;
    this.unsynced = [];
    if (waiting.length === 0) return;
    try {
      await this.syncWal();
    } catch (error) {
      for (const earlier of waiting) earlier.fail(error);
      return;
    }
    for (const earlier of waiting) earlier.settle();
  }

  private setSyncing(syncing: boolean): void {
    if (syncing === this.syncing) return;
    this.db.pragma(`synchronous = ${syncing ? 'FULL' : 'NORMAL'}`);
    this.syncing = syncing;
  }
}

/**
 * fdatasync of a database's WAL on libuv's thread pool. Calls made while one
 * runs share the next (the running one may have started before their commit).
 * The WAL keeps its file while the connection is open, so one descriptor serves.
 */
export class WalSync {
  private fd: number | undefined;
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  constructor(private readonly walPath: string) {}

  sync(): Promise<void> {
    if (!this.running) return this.start();
    this.next ??= this.running.then(
      () => this.start(),
      () => this.start(),
    );
    return this.next;
  }

  /** Waits for syncs under way, then lets the file go. */
  async close(): Promise<void> {
    await Promise.allSettled([this.running, this.next]);
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private start(): Promise<void> {
    this.next = undefined;
    const run = new Promise<void>((resolve, reject) => {
      this.fd ??= openSync(this.walPath, 'r');
      fdatasync(this.fd, (err) => (err ? reject(err) : resolve()));
    }).finally(() => {
      if (this.running === run) this.running = undefined;
    });
    this.running = run;
    return run;
  }
}
