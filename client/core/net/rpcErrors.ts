/** gRPC failures, translated once into ClientError codes the rest of the client branches on. */
import { status, type ServiceError } from '@grpc/grpc-js';
import { ClientError, type ClientErrorCode } from '../errors.js';

export function isServiceError(err: unknown): err is ServiceError {
  return err instanceof Error && typeof (err as Partial<ServiceError>).code === 'number' && 'metadata' in err;
}

const CODES: Partial<Record<status, ClientErrorCode>> = {
  [status.UNAVAILABLE]: 'unavailable',
  [status.DEADLINE_EXCEEDED]: 'unavailable',
  [status.CANCELLED]: 'unavailable',
  [status.UNAUTHENTICATED]: 'unauthenticated',
  [status.NOT_FOUND]: 'not_found',
  [status.ALREADY_EXISTS]: 'already_registered_elsewhere',
  [status.RESOURCE_EXHAUSTED]: 'rate_limited',
};

/** One line for the user: what we were doing and what the server (at `server`, when known) said. */
export function toClientError(err: unknown, doing: string, server?: string): ClientError {
  if (ClientError.is(err)) return err;
  if (!isServiceError(err)) return new ClientError('server', `${doing}: ${String(err)}`, { cause: err });
  const code = CODES[err.code as status] ?? 'server';
  const refusedCertificate = code === 'unavailable' ? certificateProblem(err.details) : undefined;
  if (refusedCertificate) {
    return new ClientError('untrusted_server', `${doing}: the server's TLS certificate was refused (${refusedCertificate}); give --ca FILE with the CA that signed it`, {
      cause: err,
    });
  }
  const detail = code === 'unavailable' ? `server ${server === undefined ? '' : `${server} `}unreachable` : err.details || status[err.code];
  return new ClientError(code, `${doing}: ${detail}`, { cause: err });
}

/** grpc-js reports a failed TLS handshake only inside an UNAVAILABLE's details. */
function certificateProblem(details: string): string | undefined {
  const lastError = /Last error: (?:Error: )?(.*?)\.?(?: Resolution note|$)/.exec(details)?.[1];
  return lastError && /certificate|self[- ]signed|altnames/i.test(lastError) ? lastError : undefined;
}

/** The server's `retry-after-ms` trailer on a rate-limited call, if any. */
export function retryAfterMs(err: unknown): number | undefined {
  const cause = ClientError.is(err) ? err.cause : err;
  if (!isServiceError(cause) || cause.code !== status.RESOURCE_EXHAUSTED) return undefined;
  const value = Number(cause.metadata?.get('retry-after-ms')[0]);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

export function grpcStatusOf(err: unknown): status | undefined {
  const cause = ClientError.is(err) ? err.cause : err;
  return isServiceError(cause) ? (cause.code as status) : undefined;
}
