/**
 * Where outcomes and exceptions become gRPC statuses: one place, so every
 * handler answers with the codes API.md documents and never leaks internals.
 */
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import type { Logger } from '../log.js';
import { rejectionOf, type Failure, type FailureKind } from '../domain/outcome.js';

export class RpcError extends Error {
  override name = 'RpcError';
  constructor(
    readonly code: status,
    message: string,
    readonly metadata?: Metadata,
  ) {
    super(message);
  }
  static is(err: unknown, code?: status): err is RpcError {
    return err instanceof RpcError && (code === undefined || err.code === code);
  }
}

export const invalidArgument = (message: string) => new RpcError(status.INVALID_ARGUMENT, message);

/** One message for every authentication failure: no oracle. */
export const AUTH_FAILED = 'authentication failed';
export const unauthenticated = () => new RpcError(status.UNAUTHENTICATED, AUTH_FAILED);

const STATUS_OF: Record<FailureKind, status> = {
  invalid_argument: status.INVALID_ARGUMENT,
  unauthenticated: status.UNAUTHENTICATED,
  not_found: status.NOT_FOUND,
  already_exists: status.ALREADY_EXISTS,
  rate_limited: status.RESOURCE_EXHAUSTED,
  queue_full: status.RESOURCE_EXHAUSTED,
};

export function failureToRpcError(failure: Failure): RpcError {
  if (failure.kind === 'unauthenticated') return unauthenticated();
  let metadata: Metadata | undefined;
  if (failure.retryAfterMs !== undefined) {
    metadata = new Metadata();
    metadata.set('retry-after-ms', String(failure.retryAfterMs));
  }
  return new RpcError(STATUS_OF[failure.kind], failure.message, metadata);
}

/** SQLite failures that are the machine's state, not a bug: say so with a retryable status. */
function storageStatus(err: unknown): RpcError | undefined {
  const code = (err as { code?: unknown })?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return undefined;
  if (code.startsWith('SQLITE_FULL')) return new RpcError(status.RESOURCE_EXHAUSTED, 'server storage is full');
  return new RpcError(status.UNAVAILABLE, 'server storage is unavailable');
}

export function toServiceError(err: unknown, method: string, log: Logger): Partial<ServiceError> {
  // A write script's expected refusal (domain/outcome.ts Rejection) answers as documented.
  const rejection = RpcError.is(err) ? undefined : rejectionOf(err);
  if (rejection) err = failureToRpcError(rejection);
  const known = RpcError.is(err) ? err : storageStatus(err);
  if (known) {
    if (!RpcError.is(err)) log.error('storage failure', { method, error: (err as Error).message });
    return { code: known.code, details: known.message, metadata: known.metadata };
  }
  log.error('unexpected failure', { method, error: (err as Error)?.stack ?? String(err) });
  return { code: status.INTERNAL, details: 'internal error' };
}
