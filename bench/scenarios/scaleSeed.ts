/**
 * Fills a stopped server's database for the scale step, through the server's
 * own storage module (openDatabase, insertAccount, insertEnvelopes): filler
 * recipients, then envelopes dealt round-robin over all recipients so each
 * queue is spread through the table as it would be after real traffic.
 */
import { PrivateKey } from '@signalapp/libsignal-client';
import { timeOrderedUuid } from '../../proto/guid.js';
import { findAccountByNumber, insertAccount } from '../../server/storage/accounts.js';
import { openDatabase } from '../../server/storage/database.js';
import { insertEnvelopes } from '../../server/storage/mailbox.js';
import { PAYLOAD_BYTES } from '../config.js';

const ROWS_PER_TRANSACTION = 100_000;
/** Page cache of the seeding connection (KiB): a transaction's pages stay in memory until its commit. */
const SEED_CACHE_KIB = 1_000_000;
/** An envelope's source is a label stamped on it; no account is needed behind it. */
const SENDER = '+15550000000';

export interface SeedPlan {
  /** Registered through the API before the seed: they get queues too, and can log in to drain them. */
  registeredRecipients: string[];
  recipients: number;
  envelopes: number;
}

export function seedQueues(dbPath: string, plan: SeedPlan, report: (inserted: number) => void): void {
  const db = openDatabase(dbPath);
  try {
    db.pragma(`cache_size = -${SEED_CACHE_KIB}`);
    const now = Date.now();
    const recipientIds = plan.registeredRecipients.map((number) => {
      const account = findAccountByNumber(db, number);
      if (!account) throw new Error(`registered recipient ${number} is not in the database`);
      return account.id;
    });
    // Filler accounts never log in, so one identity key serves them all.
    const fillerIdentity = PrivateKey.generate().getPublicKey().serialize();
    db.transaction(() => {
      for (let i = recipientIds.length; i < plan.recipients; i += 1) {
        recipientIds.push(insertAccount(db, { number: `+1666${String(i).padStart(7, '0')}`, identityKey: fillerIdentity, registrationId: 1, now }));
      }
    })();

    const content = Buffer.alloc(PAYLOAD_BYTES, 0x5a);
    const insertRange = db.transaction((first: number, last: number) => {
      const envelopes = [];
      for (let i = first; i < last; i += 1) {
        envelopes.push({
          // As the server makes them (domain/writes.ts storeEnvelopes).
          guid: timeOrderedUuid(),
          destinationId: recipientIds[i % recipientIds.length] as number,
          source: SENDER,
          sourceDevice: 1,
          type: 2,
          content,
          // A millisecond apart, oldest first, as traffic leaves them: the age index
          // then holds each recipient's envelopes among everyone else's.
          clientTimestamp: now - (plan.envelopes - i),
          serverTimestamp: now - (plan.envelopes - i),
        });
      }
      insertEnvelopes(db, envelopes);
    });
    for (let first = 0; first < plan.envelopes; first += ROWS_PER_TRANSACTION) {
      insertRange(first, Math.min(first + ROWS_PER_TRANSACTION, plan.envelopes));
      report(Math.min(first + ROWS_PER_TRANSACTION, plan.envelopes));
    }
  } finally {
    db.close();
  }
}
