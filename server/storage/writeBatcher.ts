/**
 * Group commit. Write jobs submitted during one turn of the event loop run in
 * one SQLite transaction, so N concurrent Sends share one sync instead of
 * paying N. Each job runs in its own savepoint: a job that throws rolls back
 * alone and rejects only its own promise. Promises settle after the commit and
 * its sync, so a resolved job is on disk.
 *
 * Jobs are synchronous functions (better-sqlite3 transactions must not await).
 *
 * The connection commits with synchronous=NORMAL and the batcher calls `sync`
 * (storage/walSync.ts) after a commit that must be durable. A job may say it
 * needs no sync (`synced: false`): a batch of only such jobs is not synced,
 * which in WAL mode survives a crash of the process but not a power cut; the
 * next synced commit makes it durable too, since the WAL is synced as a whole.
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

  constructor(
    private readonly db: Db,
    /** Makes what was committed durable; throws if it could not. */
    private readonly sync: () => void,
    /** Called after each commit with the batch size (the group-commit test counts commits). */
    private readonly afterCommit: (size: number) => void = () => {},
  ) {
    db.pragma('synchronous = NORMAL');
  }

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
      if (batch.some((p) => p.synced)) this.sync();
    } catch (error) {
      // The commit failed (disk full, I/O error): nothing of the batch is stored.
      // Or its sync failed: it is committed but perhaps not on disk, so none of
      // it is confirmed; a client's retry with the same guid finds it stored.
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
}
