/** The caller of every Keys and Mailbox call comes from its session token, never from the request. */
import type { Metadata } from '@grpc/grpc-js';
import type { TokenIssuer } from '../domain/auth.js';
import type { Account } from '../domain/types.js';
import type { ConnectionGuard } from './connections.js';
import { unauthenticated } from './errors.js';

/** `Bearer <token>`: scheme without regard to case, one space, a base64url token. */
const BEARER = /^bearer ([A-Za-z0-9_-]{16,128})$/i;
const MAX_HEADER = 512;

interface CallLike {
  metadata: Metadata;
  getPeer(): string;
}

export class Gatekeeper {
  constructor(
    private readonly tokens: TokenIssuer,
    private readonly connections?: ConnectionGuard,
  ) {}

  /** The account whose token the call carries; UNAUTHENTICATED otherwise. */
  callerOf(call: CallLike): Account {
    const values = call.metadata.get('authorization');
    if (values.length !== 1) throw unauthenticated();
    const header = values[0];
    if (typeof header !== 'string' || header.length > MAX_HEADER) throw unauthenticated();
    const match = BEARER.exec(header);
    if (!match) throw unauthenticated();
    const account = this.tokens.accountFor(match[1]!);
    if (!account) throw unauthenticated();
    this.admitted(call);
    return account;
  }

  /** The call's connection proved an identity (a token, or a signed challenge). */
  admitted(call: CallLike): void {
    this.connections?.authenticated(call.getPeer());
  }
}
