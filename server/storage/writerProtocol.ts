/** Messages between the event loop and the writer thread. */

export interface WriterData {
  dbPath: string;
  /** URL of the module whose default export holds the transaction scripts. */
  scriptsModule: string;
  maxBytes: number;
}

export type WriteRequest = { kind: 'write'; id: number; script: string; args: unknown } | { kind: 'close' };

export interface SerializedError {
  name: string;
  message: string;
  /** SQLite's code (SQLITE_FULL, …), when it is a SQLite error. */
  code?: string;
  /** A domain rejection's payload, rebuilt on the other side. */
  failure?: unknown;
}

export type WriteResponse =
  | { kind: 'ready' }
  | { kind: 'closed' }
  | { kind: 'result'; id: number; ok: true; value: unknown }
  | { kind: 'result'; id: number; ok: false; error: SerializedError };

export function serializeError(err: unknown): SerializedError {
  const e = err as { name?: string; message?: string; code?: unknown; failure?: unknown };
  return {
    name: e?.name ?? 'Error',
    message: e?.message ?? String(err),
    code: typeof e?.code === 'string' ? e.code : undefined,
    failure: e?.failure,
  };
}
