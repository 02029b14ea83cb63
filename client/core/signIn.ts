/** Signs in to the server with a fresh challenge; the token stays in memory (ServerApi). */
import { pinnedServerId } from './account.js';
import type { ClientContext } from './context.js';
import { ClientError } from './errors.js';
import { signChallenge } from './net/challenge.js';

/** The sign-in under way for a client, if any. */
const signingIn = new WeakMap<ClientContext, Promise<void>>();

/**
 * Callers that ask while a sign-in runs share it: concurrent Sends refused for
 * an expired token would otherwise each fetch, sign and spend a challenge of their own.
 */
export function signIn(ctx: ClientContext): Promise<void> {
  let running = signingIn.get(ctx);
  if (!running) {
    running = signInOnce(ctx).finally(() => signingIn.delete(ctx));
    signingIn.set(ctx, running);
  }
  return running;
}

async function signInOnce(ctx: ClientContext): Promise<void> {
  const { number, identityKeyPair } = ctx.local;
  const challenge = await ctx.api.getChallenge(number, 'signing in');
  const signed = signChallenge(challenge, number, identityKeyPair.privateKey, pinnedServerId(ctx.db));
  let session;
  try {
    session = await ctx.api.authenticate({ number, ...signed });
  } catch (err) {
    if (!ClientError.is(err, 'unauthenticated')) throw err;
    // The server says no more than that (no hint whether a number exists); the likely cause is ours to name.
    const hint = 'the server does not know this number with this key; if it deleted the account, "register" registers it again';
    throw new ClientError('unauthenticated', `${err.message}: ${hint}`, { cause: err });
  }
  ctx.api.setSessionToken(session.token);
}

/** Runs a call that needs a session: signs in first if needed, and once more if the token was refused. */
export async function withSession<T>(ctx: ClientContext, call: () => Promise<T>): Promise<T> {
  if (!ctx.api.hasSession()) await signIn(ctx);
  try {
    return await call();
  } catch (err) {
    if (!ClientError.is(err, 'unauthenticated')) throw err;
    await signIn(ctx);
    return call();
  }
}
