/**
 * Expected outcomes of the rules, as values. The gRPC layer maps each kind to
 * a status code in one place (server/grpc/errors.ts).
 */
export type FailureKind =
  | 'invalid_argument'
  | 'unauthenticated'
  | 'not_found'
  | 'already_exists'
  | 'rate_limited'
  | 'queue_full';

export interface Failure {
  kind: FailureKind;
  message: string;
  /** For rate limits: when a retry can succeed. */
  retryAfterMs?: number;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; failure: Failure };

export const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const fail = <T = never>(kind: FailureKind, message: string, retryAfterMs?: number): Outcome<T> => ({
  ok: false,
  failure: { kind, message, retryAfterMs },
});

/** Thrown inside a write job to roll back its savepoint; turned back into an Outcome by the caller. */
export class Rejection extends Error {
  override name = 'Rejection';
  constructor(readonly failure: Failure) {
    super(failure.message);
  }
}

/** The failure a write was rejected with, if it was an expected rejection (in this thread or the writer's). */
export function rejectionOf(err: unknown): Failure | undefined {
  if (err instanceof Rejection) return err.failure;
  const failure = (err as { failure?: unknown })?.failure;
  return failure && typeof failure === 'object' && 'kind' in failure ? (failure as Failure) : undefined;
}
