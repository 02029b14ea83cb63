/** This account's identity: made once, kept in the database, loaded on open. */
import { IdentityKeyPair } from '@signalapp/libsignal-client';
import { randomInt } from 'node:crypto';
import { ClientError } from './errors.js';
import type { LocalIdentity } from './protocol/stores.js';
import { createAccount, getAccount, getRegisteredAt } from './storage/accountQueries.js';
import type { ClientDatabase } from './storage/database.js';
import { toBytes } from './storage/statements.js';

/** libsignal registration ids are 1..16380. */
const MAX_REGISTRATION_ID = 16380;

export function loadOrCreateIdentity(db: ClientDatabase, number: string): LocalIdentity {
  let account = getAccount(db);
  if (!account) {
    createAccount(db, {
      number,
      identityKeyPair: IdentityKeyPair.generate().serialize(),
      registrationId: randomInt(1, MAX_REGISTRATION_ID + 1),
    });
    account = getAccount(db)!;
  }
  if (account.number !== number) {
    throw new ClientError('database', `this data folder belongs to ${account.number}, not ${number}`);
  }
  return {
    number,
    identityKeyPair: IdentityKeyPair.deserialize(toBytes(account.identityKeyPair)),
    registrationId: account.registrationId,
  };
}

export function isRegistered(db: ClientDatabase): boolean {
  return getRegisteredAt(db) !== null;
}

export function pinnedServerId(db: ClientDatabase): string | null {
  return getAccount(db)?.serverId ?? null;
}
