/**
 * The one error type the client core throws at its callers. `code` is what a
 * caller branches on; `message` is one line fit for the user.
 */
export type ClientErrorCode =
  | 'invalid_number'
  | 'invalid_message'
  | 'not_registered'
  | 'already_registered_elsewhere'
  | 'server_mismatch'
  | 'insecure_transport'
  | 'untrusted_server'
  | 'unauthenticated'
  | 'unavailable'
  | 'not_found'
  | 'rate_limited'
  | 'bad_bundle'
  | 'untrusted_identity'
  | 'safety_number_mismatch'
  | 'no_identity'
  | 'send_failed'
  | 'database'
  | 'database_in_use'
  | 'server';

export class ClientError extends Error {
  override readonly name = 'ClientError';

  constructor(
    readonly code: ClientErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  static is(err: unknown, code?: ClientErrorCode): err is ClientError {
    return err instanceof ClientError && (code === undefined || err.code === code);
  }
}

/** A short description of any thrown value, for one-line reports. */
export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
