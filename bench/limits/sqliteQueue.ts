/**
 * Limit of a durable SQLite queue on this disk: better-sqlite3, WAL,
 * synchronous=FULL, prepared statements. Each transaction is one queue cycle
 * for N messages: insert N 120-byte blobs, select the N oldest, delete them.
 * N = 1 is one commit per message; N = 100 is the batched form. The time of
 * one unbatched cycle (its commit and sync) is also kept: with the grpc-js
 * round trip, the floor under the one-way latency figures.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { PAYLOAD_BYTES, SQLITE_BATCH } from '../config.js';
import { figure, type Figure } from '../figure.js';
import type { Step, StepContext } from '../step.js';
import { nowMs, ratePerSecond } from '../support/clock.js';
import { howFar } from '../support/progress.js';
import { repeat, warmUpSize, type Repetition } from '../support/repeat.js';
import { quantile } from '../support/stats.js';
import { withTempDir } from '../support/tempDir.js';

export const SQLITE_UNBATCHED_RATE = 'limit.sqliteUnbatched';
export const SQLITE_BATCHED_RATE = 'limit.sqliteBatched';

export const sqliteQueueLimits: Step = {
  key: 'sqlite',
  name: 'limits: raw SQLite queue cycle',
  async run({ config, progress }: StepContext): Promise<Figure[]> {
    const measure = (messages: number, perTransaction: number) =>
      repeat({ repetitions: config.repetitions, progress, warmUp: true }, (run) =>
        withTempDir('sqlite', async (dir) => runQueueCycles(join(dir, 'queue.db'), warmUpSize(messages, run), perTransaction, run)),
      );
    const unbatched = await measure(config.sqliteUnbatchedMessages, 1);
    const batched = await measure(config.sqliteBatchedMessages, SQLITE_BATCH);
    const unbatchedDetails = { details: { messagesPerRepetition: config.sqliteUnbatchedMessages } };
    return [
      figure(SQLITE_UNBATCHED_RATE, 'limit: SQLite queue, 1 commit/msg', 'msg/s', unbatched.map((run) => run.rate), unbatchedDetails),
      figure('limit.sqliteCommit.p50', 'limit: SQLite queue cycle p50, 1 commit', 'ms', unbatched.map((run) => run.cycleP50Ms), unbatchedDetails),
      figure('limit.sqliteCommit.p99', 'limit: SQLite queue cycle p99, 1 commit', 'ms', unbatched.map((run) => run.cycleP99Ms), unbatchedDetails),
      figure(SQLITE_BATCHED_RATE, `limit: SQLite queue, ${SQLITE_BATCH} msg/commit`, 'msg/s', batched.map((run) => run.rate), {
        details: { messagesPerRepetition: config.sqliteBatchedMessages },
      }),
    ];
  },
};

interface QueueRun {
  rate: number;
  /** Time of one cycle (one transaction), median and 99th percentile. */
  cycleP50Ms: number;
  cycleP99Ms: number;
}

/** Runs `messages` through the queue, `perTransaction` per cycle; the rate and the time of one cycle. */
function runQueueCycles(file: string, messages: number, perTransaction: number, run: Repetition): QueueRun {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(`CREATE TABLE queue (
      id INTEGER PRIMARY KEY,
      recipient TEXT NOT NULL,
      body BLOB NOT NULL
    );
    CREATE INDEX queue_by_recipient ON queue (recipient, id);`);
    const insert = db.prepare('INSERT INTO queue (recipient, body) VALUES (?, ?)');
    const oldest = db.prepare('SELECT id, body FROM queue WHERE recipient = ? ORDER BY id LIMIT ?');
    const remove = db.prepare('DELETE FROM queue WHERE id = ?');
    const body = Buffer.alloc(PAYLOAD_BYTES, 0x5a);
    const cycle = db.transaction((count: number) => {
      for (let i = 0; i < count; i += 1) insert.run('+15550000001', body);
      const rows = oldest.all('+15550000001', count) as { id: number; body: Buffer }[];
      if (rows.length !== count) throw new Error(`queue returned ${rows.length} of ${count} rows`);
      for (const row of rows) remove.run(row.id);
    });
    const cycleMs: number[] = [];
    const startedAt = nowMs();
    for (let done = 0; done < messages; done += perTransaction) {
      const cycleStartedAt = nowMs();
      cycle(Math.min(perTransaction, messages - done));
      cycleMs.push(nowMs() - cycleStartedAt);
      if (done % 1000 === 0) run.report(howFar(done, messages, 'messages'));
    }
    return { rate: ratePerSecond(messages, nowMs() - startedAt), cycleP50Ms: quantile(cycleMs, 0.5), cycleP99Ms: quantile(cycleMs, 0.99) };
  } finally {
    db.close();
  }
}
