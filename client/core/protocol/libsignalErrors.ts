import { ErrorCode } from '@signalapp/libsignal-client';

/**
 * Whether `err` is a libsignal error (with `code`, when given). Checked by shape,
 * not `instanceof`: the native addon throws instances of the first copy of
 * libsignal's Errors module it was given, and another copy of the module or of
 * `Error` itself (as jest's per-file module registries and contexts create)
 * would not recognise them.
 */
export function isLibSignalError(err: unknown, code?: ErrorCode): err is Error & { code: ErrorCode } {
  if (typeof err !== 'object' || err === null || !('operation' in err)) return false;
  const actual = (err as { code?: unknown }).code;
  return typeof actual === 'number' && (code === undefined || actual === code);
}
