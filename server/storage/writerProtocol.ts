/** Messages between the event loop and the writer thread. */

export interface WriterData {
  dbPath: string;
  /** URL of the module whose default export holds the transaction scripts. */
  scriptsModule: string;
  maxBytes: number;
}

export interface Write {
  id: number;
  script: string;
  args: unknown;
}

export type WriteResult = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: SerializedError };

/**
 * Both directions carry lists: the writes asked for in one turn of the event
 * loop travel as one message, and so do the results of one commit. A message
 * between threads costs far more than its contents.
 */
export type WriteRequest = { kind: 'writes'; writes: Write[] } | { kind: 'close' };

export interface SerializedError {
  name: string;
  message: string;
  /** SQLite's code (SQLITE_FULL, …), when it is a SQLite error. */
  code?: string;
  /** A domain rejection's payload, rebuilt on the other side. */
  failure?: unknown;
}

export type WriteResponse = { kind: 'ready' } | { kind: 'closed' } | { kind: 'results'; results: WriteResult[] };

export function serializeError(err: unknown): SerializedError {
  const e = err as { name?: string; message?: string; code?: unknown; failure?: unknown };
  return {
    name: e?.name ?? 'Error',
    message: e?.message ?? String(err),
    code: typeof e?.code === 'string' ? e.code : undefined,
    failure: e?.failure,
  };
}
