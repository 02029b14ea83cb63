/**
 * Receiving one envelope, always in this order:
 *
 *   0. A guid we already stored is acked and dropped (a redelivery after a crash
 *      or a lost ack).
 *   1. Decrypt. libsignal's store writes (advanced session, consumed prekeys, a
 *      contact's new identity key) are collected in memory, not yet committed.
 *   2. Commit those writes + the plaintext message (with the delivery receipt it
 *      is owed) or the receipt's status changes + the processed guid, in ONE
 *      SQLite transaction.
 *   3. Ack, so the server drops its copy.
 *   4. Emit events.
 *
 * A crash before 2 leaves nothing behind and the envelope comes again; a crash
 * between 2 and 3 brings it again and step 0 drops it. An envelope that cannot be
 * decrypted is counted; libsignal's verdict is final at once, anything else is
 * retried on the next delivery, at most 3 attempts. Then it is recorded as
 * failed, reported and acked: it never blocks the messages behind it.
 */
import { ErrorCode } from '@signalapp/libsignal-client';
import type { Envelope__Output } from '../../proto/generated/e2ee/v1/Envelope.js';
import type { ChatMessage } from './api.js';
import type { ClientContext } from './context.js';
import { describeError } from './errors.js';
import { failpoint } from './failpoints.js';
import { decrypt } from './protocol/cipher.js';
import { isLibSignalError } from './protocol/libsignalErrors.js';
import { ContentError, decodeContent, type ReceiptKind } from './protocol/content.js';
import { openProtocolStores, StoreError } from './protocol/stores.js';
import { withSession } from './signIn.js';
import {
  isEnvelopeProcessed,
  markEnvelopeFailed,
  markEnvelopeProcessed,
  recordDecryptAttempt,
} from './storage/envelopeQueries.js';
import { advanceOutgoingStatus, insertMessage } from './storage/messageQueries.js';
import { oweReceipt } from './storage/receiptQueries.js';

export const MAX_DECRYPT_ATTEMPTS = 3;
const PREKEY_MESSAGE_TYPE = 3;

export type ReceiveOutcome =
  | { kind: 'message'; message: ChatMessage; identityChanged: boolean }
  | { kind: 'receipt'; from: string; type: ReceiptKind; timestamps: number[]; advanced: ChatMessage[]; identityChanged: boolean }
  /** Already stored (redelivery), or a replay libsignal recognised. */
  | { kind: 'duplicate'; replay: boolean }
  /** Counted as one failed attempt and left queued for another delivery. */
  | { kind: 'retry_later'; reason: string }
  | { kind: 'failed'; reason: string };

export interface ReceiverHooks {
  /** A data message was stored (and a delivery receipt is owed for it). */
  onMessageStored(message: ChatMessage): void;
  /** A PreKey message consumed one of our one-time keys. */
  onPreKeyMessage(): void;
}

export class Receiver {
  constructor(
    private readonly ctx: ClientContext,
    private readonly hooks: ReceiverHooks,
  ) {}

  /** Steps 0 to 4 for envelopes in arrival order, with one Ack (step 3) after all of their commits. */
  async handleBatch(envelopes: readonly Envelope__Output[]): Promise<ReceiveOutcome[]> {
    const outcomes: ReceiveOutcome[] = [];
    for (const envelope of envelopes) {
      const outcome = await this.ctx.protocolLock.run(() => this.decryptAndCommit(envelope));
      if (outcome.kind === 'message' || outcome.kind === 'receipt') failpoint('client.after-commit-before-ack');
      outcomes.push(outcome);
    }
    await this.ack(envelopes.filter((_, i) => outcomes[i]!.kind !== 'retry_later').map((envelope) => envelope.guid));
    envelopes.forEach((envelope, i) => this.report(envelope, outcomes[i]!));
    return outcomes;
  }

  /** Steps 0 to 2; runs under the protocol lock. */
  private async decryptAndCommit(envelope: Envelope__Output): Promise<ReceiveOutcome> {
    const { db, local } = this.ctx;
    if (isEnvelopeProcessed(db, envelope.guid)) return { kind: 'duplicate', replay: false };

    const stores = openProtocolStores(db, local);
    let content;
    try {
      const padded = await decrypt(stores, local, envelope.source, { type: envelope.type, body: new Uint8Array(envelope.content) });
      content = decodeContent(padded);
    } catch (err) {
      return this.recordFailure(envelope, err);
    }
    failpoint('client.after-decrypt-before-commit');

    const from = envelope.source;
    const identityChanged = stores.pending.changedIdentities.has(from);
    const now = Date.now();
    return db.transaction((): ReceiveOutcome => {
      stores.pending.commit(db, now);
      markEnvelopeProcessed(db, envelope.guid, now);
      if (content.kind === 'data') {
        const message = insertMessage(db, { conversation: from, direction: 'incoming', sender: from, text: content.text, timestamp: content.timestamp, storedAt: now });
        oweReceipt(db, from, 'delivery', message.timestamp);
        return { kind: 'message', message, identityChanged };
      }
      const status = content.type === 'read' ? 'read' : 'delivered';
      const advanced = advanceOutgoingStatus(db, from, content.timestamps, status);
      return { kind: 'receipt', from, type: content.type, timestamps: content.timestamps, advanced, identityChanged };
    })();
  }

  private recordFailure(envelope: Envelope__Output, err: unknown): ReceiveOutcome {
    const { db } = this.ctx;
    const now = Date.now();
    if (isLibSignalError(err, ErrorCode.DuplicatedMessage)) {
      markEnvelopeProcessed(db, envelope.guid, now);
      return { kind: 'duplicate', replay: true };
    }
    const reason = describeError(err);
    const final = isLibSignalError(err) || ContentError.is(err) || StoreError.is(err);
    return db.transaction((): ReceiveOutcome => {
      const attempts = recordDecryptAttempt(db, envelope.guid, envelope.source, reason, now);
      if (!final && attempts < MAX_DECRYPT_ATTEMPTS) return { kind: 'retry_later', reason };
      markEnvelopeFailed(db, envelope.guid, now);
      return { kind: 'failed', reason };
    })();
  }

  private async ack(guids: string[]): Promise<void> {
    if (guids.length === 0) return;
    try {
      await withSession(this.ctx, () => this.ctx.api.ack(guids));
    } catch {
      // Still queued on the server: it comes again and step 0 acks it then.
    }
  }

  /** Step 4. */
  private report(envelope: Envelope__Output, outcome: ReceiveOutcome): void {
    const from = envelope.source;
    switch (outcome.kind) {
      case 'message':
        if (outcome.identityChanged) this.ctx.emit({ event: 'identity_changed', number: from });
        this.ctx.emit({ event: 'message', from, text: outcome.message.text, timestamp: outcome.message.timestamp, id: outcome.message.id });
        this.hooks.onMessageStored(outcome.message);
        break;
      case 'receipt':
        if (outcome.identityChanged) this.ctx.emit({ event: 'identity_changed', number: from });
        this.ctx.emit({ event: 'receipt', from, type: outcome.type, timestamps: outcome.timestamps });
        for (const message of outcome.advanced) {
          this.ctx.emit({ event: 'status', conversation: from, timestamp: message.timestamp, status: message.status! });
        }
        break;
      case 'duplicate':
        if (outcome.replay) this.ctx.emit({ event: 'error', code: 'duplicate_message', message: `dropped a repeated message from ${from}` });
        break;
      case 'retry_later':
        break;
      case 'failed':
        this.ctx.emit({ event: 'error', code: 'undecryptable', message: `a message from ${from} could not be decrypted: ${outcome.reason}` });
        break;
    }
    if ((outcome.kind === 'message' || outcome.kind === 'receipt') && envelope.type === PREKEY_MESSAGE_TYPE) this.hooks.onPreKeyMessage();
  }
}
