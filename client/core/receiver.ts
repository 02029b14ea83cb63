/**
 * Receiving a batch of envelopes (whatever the stream or a Fetch page handed
 * over, in arrival order), always in this order:
 *
 *   0. A guid we already stored (or saw earlier in this batch) is dropped, and
 *      acked in step 3: a redelivery after a crash or a lost ack.
 *   1. Decrypt every envelope in turn. libsignal's store writes (advanced
 *      sessions, consumed prekeys, a contact's new identity key) collect in one
 *      in-memory overlay, so each decrypt sees the ones before it; nothing is
 *      committed yet. An envelope that fails has its own writes rolled back and
 *      does not hold up the others.
 *   2. Commit, in ONE SQLite transaction for the whole batch: those writes, the
 *      plaintext messages with the delivery receipts they are owed, the status
 *      changes the receipts bring, the processed guids and the failed attempts.
 *      The WAL is fsynced off the main thread (storage/durability.ts); the step
 *      ends when the commit is on disk.
 *   3. Ack the batch in one call, so the server drops its copies.
 *   4. Emit events.
 *
 * Steps 3 and 4 of one batch overlap steps 0 to 2 of the next (storeBatch), but
 * keep the batches' order, and a batch is never acked before its commit is on disk.
 *
 * A crash before 2 leaves nothing behind and the whole batch comes again; a
 * crash between 2 and 3 brings it again and step 0 drops it. An envelope that
 * cannot be decrypted is counted; libsignal's verdict is final at once, anything
 * else is retried on the next delivery (left unacked), at most 3 attempts. Then
 * it is recorded as failed, reported and acked: it never blocks the messages
 * behind it. A replay libsignal recognises (DuplicatedMessage) is acked, dropped
 * and reported.
 */
import { ErrorCode } from '@signalapp/libsignal-client';
import type { Envelope__Output } from '../../proto/generated/e2ee/v1/Envelope.js';
import type { ChatMessage } from './api.js';
import type { ClientContext } from './context.js';
import { describeError } from './errors.js';
import { failpoint } from './failpoints.js';
import { decrypt } from './protocol/cipher.js';
import { isLibSignalError } from './protocol/libsignalErrors.js';
import { ContentError, decodeContent, type Content, type ReceiptKind } from './protocol/content.js';
import { isValidNumber } from './numbers.js';
import { openProtocolStores, StoreError, type LocalIdentity, type ProtocolStores } from './protocol/stores.js';
import { withSession } from './signIn.js';
import { commitUnflushed, flushCommitted } from './storage/durability.js';
import {
  markEnvelopeFailed,
  markEnvelopesProcessed,
  processedAmong,
  recordDecryptAttempt,
} from './storage/envelopeQueries.js';
import { advanceOutgoingStatus, insertMessage } from './storage/messageQueries.js';
import { oweReceipt } from './storage/receiptQueries.js';

export const MAX_DECRYPT_ATTEMPTS = 3;
/** Batches stored and waiting for their flush and ack while the next one is decrypted. */
const MAX_UNACKED_BATCHES = 2;
/** Of a refused sender, what is recorded and quoted: longer than any E.164 number (at most 16 characters). */
const MAX_RECORDED_SOURCE = 32;
const WHISPER_MESSAGE_TYPE = 2;
const PREKEY_MESSAGE_TYPE = 3;

export type ReceiveOutcome =
  | { kind: 'message'; message: ChatMessage; identityChanged: boolean }
  | { kind: 'receipt'; from: string; type: ReceiptKind; timestamps: number[]; advanced: ChatMessage[]; identityChanged: boolean }
  /** Already stored (redelivery), or a replay libsignal recognised. */
  | { kind: 'duplicate'; replay: boolean }
  /** Counted as one failed attempt and left queued for another delivery. */
  | { kind: 'retry_later'; reason: string }
  | { kind: 'failed'; reason: string };

/** What step 1 made of one envelope, before anything is stored. */
type Decrypted =
  | { kind: 'content'; content: Content; identityChanged: boolean }
  | { kind: 'already_stored' }
  | { kind: 'replay' }
  | { kind: 'undecryptable'; reason: string; final: boolean };

export interface ReceiverHooks {
  /** A batch stored data messages (delivery receipts are owed for them). */
  onMessagesStored(): void;
  /** A PreKey message consumed one of our one-time keys. */
  onPreKeyMessage(): void;
}

export class Receiver {
  /** Stored batches whose steps 3 and 4 have not finished, oldest first. */
  private readonly unacked: Promise<void>[] = [];

  constructor(
    private readonly ctx: ClientContext,
    private readonly hooks: ReceiverHooks,
  ) {}

  /** Steps 0 to 4 for envelopes in arrival order, with one Ack (step 3) after the batch's commit. */
  async handleBatch(envelopes: readonly Envelope__Output[]): Promise<ReceiveOutcome[]> {
    const { done } = await this.storeBatch(envelopes);
    return done;
  }

  /**
   * Steps 0 to 2 now; resolves once the batch is committed (not yet on disk),
   * with `done` for steps 3 and 4. Those wait for the commit to reach the disk
   * and run in the order the batches were stored, so the next batch can be
   * decrypted while this one is flushed and acked. At most MAX_UNACKED_BATCHES
   * batches wait for their ack: a slow server holds up decrypting.
   */
  async storeBatch(envelopes: readonly Envelope__Output[]): Promise<{ done: Promise<ReceiveOutcome[]> }> {
    while (this.unacked.length >= MAX_UNACKED_BATCHES) await this.unacked[0];
    const outcomes = await this.ctx.protocolLock.run(() => this.decryptAndCommit(envelopes));
    // Started now, so that it covers this commit however long the batches before take to ack.
    const flushed = flushCommitted(this.ctx.db);
    const previous = this.unacked.at(-1);
    const done = (async () => {
      await flushed;
      if (outcomes.some((outcome) => outcome.kind === 'message' || outcome.kind === 'receipt')) failpoint('client.after-commit-before-ack');
      await previous;
      return this.ackAndReport(envelopes, outcomes);
    })();
    const settled = done.then(
      () => undefined,
      () => undefined,
    );
    this.unacked.push(settled);
    void settled.then(() => this.unacked.splice(this.unacked.indexOf(settled), 1));
    return { done };
  }

  /** Steps 3 and 4. */
  private async ackAndReport(envelopes: readonly Envelope__Output[], outcomes: ReceiveOutcome[]): Promise<ReceiveOutcome[]> {
    await this.ack(envelopes.filter((_, i) => outcomes[i]!.kind !== 'retry_later').map((envelope) => envelope.guid));
    envelopes.forEach((envelope, i) => this.report(envelope, outcomes[i]!));
    if (outcomes.some((outcome) => outcome.kind === 'message')) this.hooks.onMessagesStored();
    return outcomes;
  }

  /** Steps 0 to 2; runs under the protocol lock. */
  private async decryptAndCommit(envelopes: readonly Envelope__Output[]): Promise<ReceiveOutcome[]> {
    const { db, local } = this.ctx;
    const stores = openProtocolStores(db, local);
    // Grows as the batch goes, so that a guid twice in one batch is dropped the second time.
    const seen = processedAmong(db, envelopes.map((envelope) => envelope.guid));
    const decrypted: Decrypted[] = [];
    for (const envelope of envelopes) {
      if (seen.has(envelope.guid)) {
        decrypted.push({ kind: 'already_stored' });
        continue;
      }
      seen.add(envelope.guid);
      decrypted.push(await decryptOne(stores, local, envelope));
    }
    if (decrypted.some((step) => step.kind === 'content')) failpoint('client.after-decrypt-before-commit');

    const now = Date.now();
    // Flushed to disk by handleBatch, outside the lock, before the ack.
    return commitUnflushed(db, (): ReceiveOutcome[] => {
      stores.pending.commit(db, now);
      const conversations = new Set<string>();
      const outcomes = envelopes.map((envelope, i) => this.store(envelope, decrypted[i]!, now, conversations));
      const stored = envelopes.filter((_, i) => decrypted[i]!.kind === 'content' || decrypted[i]!.kind === 'replay');
      markEnvelopesProcessed(db, stored.map((envelope) => envelope.guid), now);
      return outcomes;
    });
  }

  /** Step 2 for one envelope, but for its processed guid (marked with the batch's); runs inside the batch's transaction. */
  private store(envelope: Envelope__Output, decrypted: Decrypted, now: number, conversations: Set<string>): ReceiveOutcome {
    const { db } = this.ctx;
    const from = envelope.source;
    switch (decrypted.kind) {
      case 'already_stored':
        return { kind: 'duplicate', replay: false };
      case 'replay':
        return { kind: 'duplicate', replay: true };
      case 'undecryptable': {
        // A refused envelope's sender may be anything up to the 4 MiB a response can hold.
        const attempts = recordDecryptAttempt(db, envelope.guid, from.slice(0, MAX_RECORDED_SOURCE), decrypted.reason, now);
        if (!decrypted.final && attempts < MAX_DECRYPT_ATTEMPTS) return { kind: 'retry_later', reason: decrypted.reason };
        markEnvelopeFailed(db, envelope.guid, now);
        return { kind: 'failed', reason: decrypted.reason };
      }
      case 'content': {
        const { content, identityChanged } = decrypted;
        if (content.kind === 'data') {
          const message = insertMessage(
            db,
            { conversation: from, direction: 'incoming', sender: from, text: content.text, timestamp: content.timestamp, storedAt: now },
            conversations,
          );
          oweReceipt(db, from, 'delivery', message.timestamp);
          return { kind: 'message', message, identityChanged };
        }
        const status = content.type === 'read' ? 'read' : 'delivered';
        const advanced = advanceOutgoingStatus(db, from, content.timestamps, status);
        return { kind: 'receipt', from, type: content.type, timestamps: content.timestamps, advanced, identityChanged };
      }
    }
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
    // Only a refused envelope can have another sender (refusedEnvelope): its reason quotes it.
    const from = isValidNumber(envelope.source) ? envelope.source : 'an invalid sender';
    switch (outcome.kind) {
      case 'message':
        if (outcome.identityChanged) this.ctx.emit({ event: 'identity_changed', number: from });
        this.ctx.emit({ event: 'message', from, text: outcome.message.text, timestamp: outcome.message.timestamp, id: outcome.message.id });
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

/** Step 1 for one envelope: its writes join the batch's overlay, or are rolled back if it fails. */
async function decryptOne(stores: ProtocolStores, local: LocalIdentity, envelope: Envelope__Output): Promise<Decrypted> {
  const refusal = refusedEnvelope(envelope, local.number);
  if (refusal) return { kind: 'undecryptable', reason: refusal, final: true };
  const from = envelope.source;
  const checkpoint = stores.pending.checkpoint();
  const changedBefore = stores.pending.changedIdentities.has(from);
  try {
    const padded = await decrypt(stores, local, from, { type: envelope.type, body: new Uint8Array(envelope.content) });
    const content = decodeContent(padded);
    return { kind: 'content', content, identityChanged: !changedBefore && stores.pending.changedIdentities.has(from) };
  } catch (err) {
    stores.pending.rollback(checkpoint);
    if (isLibSignalError(err, ErrorCode.DuplicatedMessage)) return { kind: 'replay' };
    return { kind: 'undecryptable', reason: describeError(err), final: isLibSignalError(err) || ContentError.is(err) || StoreError.is(err) };
  }
}

/**
 * Why an envelope cannot be from a contact, if it cannot. The server stamps the
 * sender, and a hostile one may stamp anything; it becomes a libsignal address
 * and a conversation, so it must be a contact's number, and never our own (a
 * session with ourselves would hold both ends of it).
 */
function refusedEnvelope(envelope: Envelope__Output, ownNumber: string): string | undefined {
  if (!isValidNumber(envelope.source)) return `the server named a sender that is not a phone number (${JSON.stringify(envelope.source.slice(0, MAX_RECORDED_SOURCE))})`;
  if (envelope.source === ownNumber) return 'the server named our own number as its sender';
  if (envelope.type !== WHISPER_MESSAGE_TYPE && envelope.type !== PREKEY_MESSAGE_TYPE) return `unsupported ciphertext type ${envelope.type}`;
  return undefined;
}
