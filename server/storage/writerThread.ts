/**
 * The writer thread: owns the one connection that writes, so a commit's fsync
 * never blocks the event loop that serves calls. Requests that arrive while a
 * commit is under way wait in the message queue and go into the next batch:
 * group commit (see WriteBatcher). Its transaction scripts come from the module
 * named in workerData, as plain (db, args) functions.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from './database.js';
import { WalSync, WriteBatcher } from './writeBatcher.js';
import { serializeError, type Write, type WriteRequest, type WriteResponse, type WriteResult, type WriterData } from './writerProtocol.js';

const { dbPath, scriptsModule, maxBytes } = workerData as WriterData;
const scriptsExports = (await import(scriptsModule)) as {
  default: Record<string, (db: unknown, args: unknown) => unknown>;
  /** Names of scripts whose commits need no fsync (WriteBatcher). */
  unsynced?: ReadonlySet<string>;
};
const scripts = scriptsExports.default;
const unsynced = scriptsExports.unsynced ?? new Set<string>();
const db = openDatabase(dbPath, { maxBytes });
const wal = new WalSync(`${db.name}-wal`);
const batcher = new WriteBatcher(db, () => wal.sync());
const port = parentPort!;

/** Results of one commit go back together, in one message. */
let results: WriteResult[] = [];
function reply(result: WriteResult): void {
  results.push(result);
  if (results.length > 1) return;
  // After this commit's other promise reactions, which are already queued.
  queueMicrotask(() => {
    port.postMessage({ kind: 'results', results } satisfies WriteResponse);
    results = [];
  });
}

function runWrite({ id, script: name, args }: Write): void {
  const script = scripts[name];
  if (!script) {
    reply({ id, ok: false, error: { name: 'Error', message: `no write script "${name}"` } });
    return;
  }
  batcher.run((tx) => script(tx, args), { synced: !unsynced.has(name) }).then(
    (value) => reply({ id, ok: true, value }),
    (err: unknown) => reply({ id, ok: false, error: serializeError(err) }),
  );
}

port.on('message', (request: WriteRequest) => {
  if (request.kind === 'close') {
    batcher.flush();
    // The last unsynced commits are synced and answered before 'closed'.
    void batcher.syncUnsynced().then(() => wal.close()).then(() => {
      db.close();
      queueMicrotask(() => {
        port.postMessage({ kind: 'closed' } satisfies WriteResponse);
        port.close();
      });
    });
    return;
  }
  request.writes.forEach(runWrite);
});
port.postMessage({ kind: 'ready' } satisfies WriteResponse);
