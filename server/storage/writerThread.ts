/**
 * The writer thread: owns the one connection that writes, so a commit's fsync
 * never blocks the event loop that serves calls. Requests that arrive while a
 * commit is under way wait in the message queue and go into the next batch:
 * group commit (see WriteBatcher). Its transaction scripts come from the module
 * named in workerData, as plain (db, args) functions.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from './database.js';
import { WriteBatcher } from './writeBatcher.js';
import { serializeError, type WriteRequest, type WriteResponse, type WriterData } from './writerProtocol.js';

const { dbPath, scriptsModule, maxBytes } = workerData as WriterData;
const scriptsExports = (await import(scriptsModule)) as {
  default: Record<string, (db: unknown, args: unknown) => unknown>;
  /** Names of scripts whose commits need no fsync (WriteBatcher). */
  unsynced?: ReadonlySet<string>;
};
const scripts = scriptsExports.default;
const unsynced = scriptsExports.unsynced ?? new Set<string>();
const db = openDatabase(dbPath, { maxBytes });
const batcher = new WriteBatcher(db);
const port = parentPort!;

port.on('message', (request: WriteRequest) => {
  if (request.kind === 'close') {
    batcher.flush();
    db.close();
    port.postMessage({ kind: 'closed' } satisfies WriteResponse);
    port.close();
    return;
  }
  const script = scripts[request.script];
  if (!script) {
    port.postMessage({ kind: 'result', id: request.id, ok: false, error: { name: 'Error', message: `no write script "${request.script}"` } } satisfies WriteResponse);
    return;
  }
  batcher.run((tx) => script(tx, request.args), { synced: !unsynced.has(request.script) }).then(
    (value) => port.postMessage({ kind: 'result', id: request.id, ok: true, value } satisfies WriteResponse),
    (err: unknown) => port.postMessage({ kind: 'result', id: request.id, ok: false, error: serializeError(err) } satisfies WriteResponse),
  );
});
port.postMessage({ kind: 'ready' } satisfies WriteResponse);
