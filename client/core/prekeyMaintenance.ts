/**
 * Keeps the server stocked with our prekeys: one-time keys topped up to a full
 * batch when fewer than 10 are left, and the signed and last-resort keys rotated
 * every 2 days. Old private keys stay 30 days so late PreKey messages decrypt.
 */
import type { ClientContext } from './context.js';
import { generateKeySet, keySetToWire, storeKeySet, type KeySetParts } from './keySets.js';
import { deleteRetiredKeys, newestSignedPreKeyCreatedAt } from './storage/keyQueries.js';

const DAY_MS = 24 * 60 * 60 * 1000;
export const REPLENISH_BELOW = 10;
export const ROTATE_AFTER_MS = 2 * DAY_MS;
export const KEEP_OLD_KEYS_MS = 30 * DAY_MS;

export async function maintainPreKeys(ctx: ClientContext, now = Date.now()): Promise<void> {
  const count = await ctx.api.getPreKeyCount();
  const parts: KeySetParts = {
    signed: now - (newestSignedPreKeyCreatedAt(ctx.db) ?? 0) >= ROTATE_AFTER_MS,
    oneTimeEc: count.ec < REPLENISH_BELOW,
    oneTimeKyber: count.kyber < REPLENISH_BELOW,
  };
  if (!parts.signed && !parts.oneTimeEc && !parts.oneTimeKyber) return;
  const keys = generateKeySet(ctx.db, ctx.local, parts, now);
  ctx.db.transaction(() => storeKeySet(ctx.db, keys, now))();
  await ctx.api.uploadPreKeys(keySetToWire(keys));
  ctx.db.transaction(() => deleteRetiredKeys(ctx.db, now - KEEP_OLD_KEYS_MS))();
}
