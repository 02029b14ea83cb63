import { describe, expect, it } from '@jest/globals';
import { status } from '@grpc/grpc-js';
import { Rejection } from '../../server/domain/outcome.js';
import scripts from '../../server/domain/writes.js';
import { toServiceError } from '../../server/grpc/errors.js';
import { createLogger } from '../../server/log.js';
import { WriteError } from '../../server/storage/databaseWriter.js';
import { deleteAccount, insertAccount } from '../../server/storage/accounts.js';
import { serverDatabaseForFile } from '../helpers/server.js';

const temp = serverDatabaseForFile();

/** An account that a Deregister removed after the caller's token was checked. */
function deletedAccount(number: string): number {
  const id = insertAccount(temp.db, { number, identityKey: new Uint8Array(33), registrationId: 1, now: 0 });
  deleteAccount(temp.db, id);
  return id;
}

function rejectionKindOf(write: () => unknown): string | undefined {
  try {
    write();
  } catch (err) {
    return err instanceof Rejection ? err.failure.kind : `not a rejection: ${(err as Error).message}`;
  }
  return undefined;
}

describe('a write by a caller whose account was deleted mid-call', () => {
  it('is rejected as unauthenticated, not as a storage failure', () => {
    const recipient = insertAccount(temp.db, { number: '+15550009001', identityKey: new Uint8Array(33), registrationId: 1, now: 0 });
    const token = deletedAccount('+15550009002');
    expect(rejectionKindOf(() => scripts.addToken(temp.db, { accountId: token, tokenHash: new Uint8Array(32), expiresAt: 1 }))).toBe('unauthenticated');

    const upload = deletedAccount('+15550009003');
    const signedPreKey = { keyId: 1, publicKey: new Uint8Array(33), signature: new Uint8Array(64) };
    expect(rejectionKindOf(() => scripts.uploadPreKeys(temp.db, { accountId: upload, signedPreKey, preKeys: [], kyberPreKeys: [] }))).toBe(
      'unauthenticated',
    );

    const sender = deletedAccount('+15550009004');
    const message = { guid: '0190f6c2-8a3b-7c3d-9e1f-1234567890ab', type: 2, content: new Uint8Array([1]), clientTimestamp: 1 };
    const send = () =>
      scripts.storeEnvelopes(temp.db, {
        sourceId: sender,
        source: '+15550009004',
        recipientId: recipient,
        destination: '+15550009001',
        messages: [message],
        now: 1,
        queueCap: 10,
        idempotencyTtlMs: 1,
      });
    expect(rejectionKindOf(send)).toBe('unauthenticated');
  });

  it('answers UNAUTHENTICATED, also when the rejection comes back from the writer thread', () => {
    const silent = createLogger('silent');
    const failure = { kind: 'unauthenticated' as const, message: 'the account was deleted' };
    for (const err of [new Rejection(failure), new WriteError({ name: 'Rejection', message: failure.message, failure })]) {
      expect(toServiceError(err, 'Send', silent)).toMatchObject({ code: status.UNAUTHENTICATED, details: 'authentication failed' });
    }
  });
});
