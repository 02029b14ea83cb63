/** e2ee.v1.Accounts: challenges, authentication, registration, deregistration. */
import type * as grpc from '@grpc/grpc-js';
import type { AccountsHandlers } from '../../proto/generated/e2ee/v1/Accounts.js';
import type { Session } from '../../proto/generated/e2ee/v1/Session.js';
import type { AccountService } from '../domain/accounts.js';
import type { ChallengeBook } from '../domain/auth.js';
import type { RateLimiter } from '../domain/rateLimiter.js';
import { findAccountByNumber } from '../storage/accounts.js';
import type { Db } from '../storage/database.js';
import type { Gatekeeper } from './auth.js';
import { failureToRpcError, unauthenticated } from './errors.js';
import type { HandlerKit } from './handlers.js';
import * as validate from './validate.js';

export interface AccountsDeps {
  db: Db;
  accounts: AccountService;
  challenges: ChallengeBook;
  limits: RateLimiter;
  maxPreKeysPerList: number;
  gate: Gatekeeper;
  kit: HandlerKit;
}

const toSession = (s: { token: string; expiresAt: number }): Session => ({
  token: s.token,
  expires_at_ms: String(s.expiresAt),
});

export class AccountsService {
  constructor(private readonly deps: AccountsDeps) {}

  addToServer(server: grpc.Server, definition: grpc.ServiceDefinition): void {
    const { accounts, challenges, limits, gate, kit, db } = this.deps;
    /** The request's number; a malformed one is INVALID_ARGUMENT, and still uses the nonce up (API.md). */
    const numberSpendingNonce = (req: { number: string; nonce: Uint8Array }): string => {
      try {
        return validate.number(req.number);
      } catch (err) {
        challenges.spend(req.nonce);
        throw err;
      }
    };
    const handlers: AccountsHandlers = {
      GetChallenge: kit.unary('GetChallenge', (req) => {
        const number = validate.number(req.number);
        const { nonce, expiresAt } = challenges.issue(number);
        return { nonce, expires_at_ms: String(expiresAt), server_id: challenges.serverId };
      }),

      Authenticate: kit.unary('Authenticate', async (req, call) => {
        const number = numberSpendingNonce(req);
        const account = findAccountByNumber(db, number);
        // Verify first: a correct signature always signs in, so nobody can lock an
        // owner out by failing on purpose. Failures draw from the number's allowance.
        if (!challenges.redeem(number, req.nonce, req.signature, account?.identity_key) || !account) {
          const allowance = limits.take([{ rule: 'failedAuthPerNumber', key: number }]);
          if (!allowance.allowed) {
            throw failureToRpcError({ kind: 'rate_limited', message: 'rate limit: failed authentications', retryAfterMs: allowance.retryAfterMs });
          }
          throw unauthenticated();
        }
        gate.admitted(call);
        return toSession(await accounts.signIn(account.id));
      }),

      Register: kit.unary('Register', async (req, call) => {
        const number = numberSpendingNonce(req);
        // The challenge first: any attempt uses the nonce up, and only the holder of
        // the new identity key gets further. A malformed key is reported as such
        // (INVALID_ARGUMENT), but only once its nonce is spent.
        const proven = challenges.redeem(number, req.nonce, req.signature, req.identity_key);
        const identityKey = validate.ecPublicKey(req.identity_key, 'identity_key');
        if (!proven) throw unauthenticated();
        // Refused before anything is counted: a stranger who proves a key of their own must not
        // use up the owner's allowance of re-runs. (The writer checks again, in its transaction.)
        const holder = findAccountByNumber(db, number);
        if (holder && !Buffer.from(holder.identity_key).equals(identityKey)) {
          throw failureToRpcError({ kind: 'already_exists', message: 'number is registered with another identity key' });
        }
        // Counts registrations that proved their key, so failing on purpose uses up nobody's allowance.
        const allowance = limits.take([{ rule: 'registerPerNumber', key: number }]);
        if (!allowance.allowed) {
          throw failureToRpcError({ kind: 'rate_limited', message: 'rate limit: registrations', retryAfterMs: allowance.retryAfterMs });
        }

        if (!req.signed_pre_key) throw validate.missing('signed_pre_key');
        if (!req.kyber_last_resort_pre_key) throw validate.missing('kyber_last_resort_pre_key');
        const max = this.deps.maxPreKeysPerList;
        const kyberLastResortPreKey = validate.signedKyberPreKey(req.kyber_last_resort_pre_key, identityKey, 'kyber_last_resort_pre_key');
        const kyberPreKeys = validate.oneTimeKyberPreKeys(req.kyber_pre_keys, identityKey, max, 'kyber_pre_keys');
        validate.unique([kyberLastResortPreKey.keyId, ...kyberPreKeys.map((k) => k.keyId)], 'kyber prekeys');
        const outcome = await accounts.register({
          number,
          registrationId: validate.registrationId(req.registration_id),
          identityKey,
          signedPreKey: validate.signedEcPreKey(req.signed_pre_key, identityKey, 'signed_pre_key'),
          kyberLastResortPreKey,
          preKeys: validate.oneTimeEcPreKeys(req.pre_keys, max, 'pre_keys'),
          kyberPreKeys,
        });
        if (!outcome.ok) throw failureToRpcError(outcome.failure);
        gate.admitted(call);
        return toSession(outcome.value);
      }),

      Deregister: kit.unary('Deregister', async (_req, call) => {
        const caller = gate.callerOf(call);
        await accounts.deregister(caller.id);
        return {};
      }),
    };
    server.addService(definition, handlers);
  }
}
