/**
 * The event loop's handle on the writer thread: `run(script, args)` resolves
 * once the script's transaction has committed (fsync included), without ever
 * blocking this thread on the disk.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { projectRoot } from '../../proto/loader.js';
import type { Db } from './database.js';
import type { SerializedError, Write, WriteRequest, WriteResponse, WriterData } from './writerProtocol.js';

/** Transaction scripts: synchronous functions of the database and plain, cloneable data. */
export type Scripts = Record<string, (db: Db, args: never) => unknown>;

/** A failed write as the thread reported it; `failure` carries a domain rejection. */
export class WriteError extends Error {
  override name = 'WriteError';
  readonly code?: string;
  readonly failure?: unknown;
  constructor(serialized: SerializedError) {
    super(serialized.message);
    this.code = serialized.code;
    this.failure = serialized.failure;
  }
}

/**
 * The built (.js) file for a module. Worker threads cannot load TypeScript, so
 * when this code runs from source (jest), the thread runs the build in dist/.
 */
export function builtModule(moduleUrl: string): URL {
  const path = fileURLToPath(moduleUrl);
  if (!path.endsWith('.ts')) return new URL(moduleUrl);
  const root = projectRoot();
  const built = `${root}/dist/${path.slice(root.length + 1).replace(/\.ts$/, '.js')}`;
  if (!existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` first`);
  return pathToFileURL(built);
}

export class DatabaseWriter<S extends Scripts> {
  private nextId = 1;
  private outbox: Write[] = [];
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  private closed?: Promise<void>;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (response: WriteResponse) => {
      if (response.kind !== 'results') return;
      for (const result of response.results) {
        const waiter = this.pending.get(result.id);
        this.pending.delete(result.id);
        if (result.ok) waiter?.resolve(result.value);
        else waiter?.reject(new WriteError(result.error));
      }
    });
    worker.on('error', (err) => this.failAll(err));
    worker.on('exit', () => this.failAll(new Error('the database writer stopped')));
  }

  /** Starts the thread on `dbPath` (already migrated) with the scripts exported by `scriptsModule`. */
  static async start<S extends Scripts>(dbPath: string, scriptsModule: string, maxBytes = 0): Promise<DatabaseWriter<S>> {
    const data: WriterData = { dbPath, scriptsModule: builtModule(scriptsModule).href, maxBytes };
    const worker = new Worker(builtModule(moduleBeside(import.meta.url, './writerThread')), { workerData: data });
    await new Promise<void>((resolve, reject) => {
      const onMessage = (m: WriteResponse) => {
        if (m.kind !== 'ready') return;
        worker.off('message', onMessage);
        worker.off('error', reject);
        resolve();
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
    return new DatabaseWriter<S>(worker);
  }

  run<K extends keyof S & string>(script: K, args: Parameters<S[K]>[1]): Promise<ReturnType<S[K]>> {
    if (this.closed) return Promise.reject(new Error('the database writer is closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.outbox.push({ id, script, args });
      if (this.outbox.length === 1) setImmediate(() => this.post());
    });
  }

  /** Sends the writes asked for during this turn as one message. */
  private post(): void {
    if (this.outbox.length === 0) return;
    this.worker.postMessage({ kind: 'writes', writes: this.outbox } satisfies WriteRequest);
    this.outbox = [];
  }

  /** Commits what is queued, closes the thread's connection, ends the thread. */
  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      this.post();
      this.worker.once('exit', () => resolve());
      this.worker.postMessage({ kind: 'close' } satisfies WriteRequest);
    });
    return this.closed;
  }

  private failAll(err: unknown): void {
    for (const { reject } of this.pending.values()) reject(err);
    this.pending.clear();
  }
}

/** The URL of a module next to `baseUrl`, with the same extension (.ts from source, .js from dist). */
export function moduleBeside(baseUrl: string, relative: string): string {
  return new URL(relative + (baseUrl.endsWith('.ts') ? '.ts' : '.js'), baseUrl).href;
}
