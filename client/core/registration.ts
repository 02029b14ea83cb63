/**
 * Registering the account: a fresh signed prekey, last-resort Kyber prekey and
 * one-time keys, with the server's challenge signed by our identity key. Running
 * it again with the same identity is safe: the server replaces our keys.
 */
import { pinnedServerId } from './account.js';
import type { ClientContext } from './context.js';
import { ALL_KEYS, generateKeySet, keySetToWire, storeKeySet } from './keySets.js';
import { signChallenge } from './net/challenge.js';
import { pinServerId, setRegisteredAt } from './storage/accountQueries.js';

export async function register(ctx: ClientContext): Promise<void> {
  const { number, identityKeyPair, registrationId } = ctx.local;
  const now = Date.now();
  const keys = generateKeySet(ctx.db, ctx.local, ALL_KEYS, now);
  // Private halves first: a crash after the server accepted must not leave it
  // handing out keys we cannot use.
  ctx.db.transaction(() => storeKeySet(ctx.db, keys, now))();

  const challenge = await ctx.api.getChallenge(number, 'registering');
  const signed = signChallenge(challenge, number, identityKeyPair.privateKey, pinnedServerId(ctx.db));
  const wire = keySetToWire(keys);
  const session = await ctx.api.register({
    number,
    registration_id: registrationId,
    identity_key: Buffer.from(identityKeyPair.publicKey.serialize()),
    ...signed,
    signed_pre_key: wire.signed_pre_key,
    kyber_last_resort_pre_key: wire.kyber_last_resort_pre_key,
    pre_keys: wire.pre_keys,
    kyber_pre_keys: wire.kyber_pre_keys,
  });
  ctx.db.transaction(() => {
    pinServerId(ctx.db, challenge.server_id);
    setRegisteredAt(ctx.db, now);
  })();
  ctx.api.setSessionToken(session.token);
  ctx.emit({ event: 'registered', number });
}

export async function unregister(ctx: ClientContext): Promise<void> {
  await ctx.api.deregister();
  ctx.api.setSessionToken(undefined);
  setRegisteredAt(ctx.db, null);
  ctx.emit({ event: 'unregistered', number: ctx.local.number });
}
