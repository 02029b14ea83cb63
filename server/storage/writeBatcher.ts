/**
 * Group commit. Write jobs submitted during one turn of the event loop run in
 * one SQLite transaction, so N concurrent Sends share one fsync instead of
 * paying N. Each job runs in its own savepoint: a job that throws rolls back
 * alone and rejects only its own promise. Promises settle after the commit, so
 * a resolved job is on disk.
 *
 * Jobs are synchronous functions (better-sqlite3 transactions must not await).
 *
 * A job may say it needs no fsync (`synced: false`): a batch of only such jobs
 * commits with synchronous=NORMAL, which in WAL mode survives a crash of the
 * process but not a power cut; the next synced commit makes it durable too,
 * since the WAL is synced as a whole and in order.
 */
import type { Db } from './database.js';

interface Pending {
  job: (db: Db) => unknown;
  synced: boolean;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export class WriteBatcher {
  private queue: Pending[] = [];
  private scheduled = false;
  /** The connection's synchronous setting: FULL as the database opens. */
  private syncing = true;

  constructor(
    private readonly db: Db,
    /** Called after each commit with the batch size (the group-commit test counts commits). */
    private readonly afterCommit: (size: number) => void = () => {},
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
    this.setSyncing(batch.some((p) => p.synced));

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
    batch.forEach(({ resolve, reject }, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) resolve(outcome.value);
      else reject(outcome.error);
    });
  }

  private setSyncing(syncing: boolean): void {
    if (syncing === this.syncing) return;
    this.db.pragma(`synchronous = ${syncing ? 'FULL' : 'NORMAL'}`);
    this.syncing = syncing;
  }
}
