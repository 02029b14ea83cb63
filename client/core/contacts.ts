/** Contacts' keys: starting sessions from bundles, identity changes, trust, safety numbers. */
import { ErrorCode, PublicKey } from '@signalapp/libsignal-client';
import type { PreKeyBundle__Output } from '../../proto/generated/e2ee/v1/PreKeyBundle.js';
import type { ClientContext } from './context.js';
import { ClientError, describeError } from './errors.js';
import { requireContactNumber, requireValidNumber } from './numbers.js';
import { BundleError, bundleFromWire, startSession } from './protocol/cipher.js';
import { isLibSignalError } from './protocol/libsignalErrors.js';
import { safetyNumber } from './protocol/safetyNumber.js';
import { openProtocolStores, type ProtocolStores } from './protocol/stores.js';
import { commitUnflushed } from './storage/durability.js';
import { ensureConversation } from './storage/messageQueries.js';
import { getIdentity, putIdentity, setIdentityTrusted } from './storage/protocolQueries.js';
import { toBytes } from './storage/statements.js';

export function untrustedIdentityError(number: string): ClientError {
  return new ClientError('untrusted_identity', `the safety number with ${number} changed; check it with "verify ${number}", then run "trust ${number}"`);
}

/**
 * Starts a session with `number` from the bundle the server sent for it
 * (callers hold ctx.protocolLock). libsignal checks both prekey signatures; a
 * changed identity key is stored untrusted and reported instead.
 */
export async function startSessionFromBundle(
  ctx: ClientContext,
  number: string,
  wire: PreKeyBundle__Output,
  /** Stores whose overlay the new session joins, for the caller to commit with its own rows (a sender's group). */
  into?: ProtocolStores,
): Promise<void> {
  const stores = into ?? openProtocolStores(ctx.db, ctx.local);
  const checkpoint = stores.pending.checkpoint();
  try {
    await startSession(stores, ctx.local, bundleFromWire(wire), number);
  } catch (err) {
    stores.pending.rollback(checkpoint);
    if (isLibSignalError(err, ErrorCode.UntrustedIdentity)) {
      recordChangedIdentity(ctx, number, new Uint8Array(wire.identity_key));
      throw untrustedIdentityError(number);
    }
    if (BundleError.is(err) || isLibSignalError(err)) {
      throw new ClientError('bad_bundle', `refused the keys of ${number}: ${describeError(err)}`, { cause: err });
    }
    throw err;
  }
  if (into) return;
  const now = Date.now();
  // Not flushed on its own: until a message from this session is sent (which flushes first), losing it costs only a new bundle.
  commitUnflushed(ctx.db, () => {
    stores.pending.commit(ctx.db, now);
    ensureConversation(ctx.db, number, now);
  });
}

/** A contact's key changed: keep the new one, untrusted, and tell the user. */
export function recordChangedIdentity(ctx: ClientContext, number: string, publicKey: Uint8Array): void {
  const now = Date.now();
  ctx.db.transaction(() => {
    putIdentity(ctx.db, number, publicKey, false, now);
    ensureConversation(ctx.db, number, now);
  })();
  ctx.emit({ event: 'identity_changed', number });
}

export async function fetchKeys(ctx: ClientContext, number: string): Promise<string> {
  requireContactNumber(number, ctx.local.number);
  const wire = await ctx.api.getPreKeyBundle(number);
  await ctx.protocolLock.run(() => startSessionFromBundle(ctx, number, wire));
  const safety = safetyNumberWith(ctx, number);
  ctx.emit({ event: 'keys', number, safety_number: safety });
  return safety;
}

export function safetyNumberWith(ctx: ClientContext, number: string): string {
  requireValidNumber(number);
  const identity = getIdentity(ctx.db, number);
  if (!identity) throw new ClientError('no_identity', `no key known for ${number} yet; run "fetch_keys ${number}"`);
  return safetyNumber(
    { number: ctx.local.number, key: ctx.local.identityKeyPair.publicKey },
    { number, key: PublicKey.deserialize(toBytes(identity.publicKey)) },
  );
}

/**
 * Accepts the contact's current key. With `compared` (the safety number the
 * user checked, as `verify` showed it), only if the key is still the one that
 * number was made from: a server could swap the key again between the two.
 */
export function trust(ctx: ClientContext, number: string, compared?: string): string {
  const safety = safetyNumberWith(ctx, number);
  if (compared !== undefined && digitsOf(compared) !== digitsOf(safety)) {
    throw new ClientError(
      'safety_number_mismatch',
      `${number}'s key changed since you compared it: compare the new one ("verify ${number}")`,
    );
  }
  setIdentityTrusted(ctx.db, number, Date.now());
  ctx.emit({ event: 'trusted', number, safety_number: safety });
  return safety;
}

function digitsOf(safetyNumber: string): string {
  return safetyNumber.replace(/\s+/g, '');
}

export function isIdentityTrusted(ctx: ClientContext, number: string): boolean {
  return getIdentity(ctx.db, number)?.trusted ?? true;
}
