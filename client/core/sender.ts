/**
 * Sending. Encrypting advances the ratchet, so the session update and the
 * ciphertext are committed together (with the message row) in one transaction
 * before anything goes on the wire. The outbox row is then sent with its guid
 * (the server's idempotency key) until the server accepts it; after a crash or
 * a lost connection the same ciphertext goes again with the same guid, never a
 * second encryption.
 */
import { ErrorCode } from '@signalapp/libsignal-client';
import { randomUUID } from 'node:crypto';
import type { ChatMessage } from './api.js';
import { isIdentityTrusted, safetyNumberWith, startSessionFromBundle, untrustedIdentityError } from './contacts.js';
import type { ClientContext } from './context.js';
import { ClientError, describeError } from './errors.js';
import { failpoint } from './failpoints.js';
import { retryAfterMs } from './net/rpcErrors.js';
import { requireValidNumber } from './numbers.js';
import { encrypt } from './protocol/cipher.js';
import { isLibSignalError } from './protocol/libsignalErrors.js';
import { encodeContent, type Content, type ReceiptKind } from './protocol/content.js';
import { addressOf, openProtocolStores } from './protocol/stores.js';
import { signIn } from './signIn.js';
import { getMessage, insertMessage, latestOutgoingTimestamp, setMessageStatus } from './storage/messageQueries.js';
import { deleteOutbox, insertOutbox, oldestOutbox, type OutboxRow } from './storage/outboxQueries.js';

/** Text limit, well inside the server's 96 KiB content limit after padding and encryption. */
export const MAX_TEXT_BYTES = 64 * 1024;
/** Send carries at most 100 messages and 256 KiB; stay clear of the latter. */
const MAX_BATCH_MESSAGES = 100;
const MAX_BATCH_BYTES = 192 * 1024;
/** How often one batch is retried after a rate limit before the flush gives up for now. */
const MAX_RATE_LIMIT_WAITS = 30;

export class Sender {
  private lastTimestamp: number;
  private flushing: Promise<void> | undefined;
  private flushAgain = false;
  /** Why the outbox last stopped short (server unreachable, ...). */
  private stalledBy: ClientError | undefined;

  constructor(private readonly ctx: ClientContext) {
    this.lastTimestamp = latestOutgoingTimestamp(ctx.db);
  }

  async sendText(to: string, text: string): Promise<ChatMessage> {
    requireValidNumber(to);
    if (text.length === 0) throw new ClientError('invalid_message', 'cannot send an empty message');
    if (Buffer.byteLength(text, 'utf8') > MAX_TEXT_BYTES) {
      throw new ClientError('invalid_message', `message too long (at most ${MAX_TEXT_BYTES} bytes)`);
    }
    if (!isIdentityTrusted(this.ctx, to)) throw untrustedIdentityError(to);

    const message = await this.ctx.protocolLock.run(async () => {
      await this.ensureSession(to);
      const timestamp = this.nextTimestamp();
      const encryptMessage = (): Promise<ChatMessage> =>
        this.encryptToOutbox(to, { kind: 'data', text, timestamp }, (db) =>
          insertMessage(db, { conversation: to, direction: 'outgoing', sender: this.ctx.local.number, text, timestamp, storedAt: Date.now(), status: 'sending' }),
        );
      try {
        return await encryptMessage();
      } catch (err) {
        if (!ClientError.is(err, 'untrusted_identity') || !isIdentityTrusted(this.ctx, to)) throw err;
        // The user trusted the contact's new key, but the session still belongs to the old one.
        await this.startFreshSession(to);
        return encryptMessage();
      }
    });
    failpoint('client.after-encrypt-before-send');
    await this.flushOutbox();

    const stored = getMessage(this.ctx.db, message.id)!;
    if (stored.status === 'failed') throw new ClientError('send_failed', stored.error ?? `sending to ${to} failed`);
    if (stored.status === 'sending') {
      throw new ClientError('unavailable', `${this.stalledBy?.message ?? 'not sent yet'}; the message is queued and will be sent on reconnect`, {
        cause: this.stalledBy,
      });
    }
    return stored;
  }

  /**
   * Encrypts a receipt into the outbox; `alsoCommit` runs in the same transaction.
   * Not sent without a usable session or to a contact whose key is untrusted.
   */
  async queueReceipt(
    to: string,
    type: ReceiptKind,
    timestamps: number[],
    alsoCommit: (db: ClientContext['db']) => void,
  ): Promise<'queued' | 'no_session' | 'untrusted'> {
    if (!isIdentityTrusted(this.ctx, to)) return 'untrusted';
    return this.ctx.protocolLock.run(async () => {
      const session = await openProtocolStores(this.ctx.db, this.ctx.local).session.getSession(addressOf(to));
      if (!session?.hasCurrentState()) return 'no_session';
      try {
        await this.encryptToOutbox(to, { kind: 'receipt', type, timestamps }, (db) => {
          alsoCommit(db);
          return null;
        });
      } catch (err) {
        // A session with the contact's previous key: receipts wait for the next message to renew it.
        if (ClientError.is(err, 'untrusted_identity')) return 'untrusted';
        throw err;
      }
      return 'queued';
    });
  }

  /**
   * Sends every outbox row, oldest first. One flush runs at a time; a call during
   * a flush makes it go round once more, so every row queued before the call is
   * attempted before the returned promise resolves.
   */
  flushOutbox(): Promise<void> {
    if (this.flushing) {
      this.flushAgain = true;
      return this.flushing;
    }
    this.flushing = this.flushLoop();
    return this.flushing;
  }

  private async flushLoop(): Promise<void> {
    try {
      do {
        this.flushAgain = false;
        this.stalledBy = undefined;
        while (await this.flushBatch());
      } while (this.flushAgain && !this.stalledBy);
    } finally {
      this.flushing = undefined;
    }
  }

  /** Sends the oldest batch; false when the outbox is empty or the server cannot be reached. */
  private async flushBatch(): Promise<boolean> {
    const batch = leadingBatch(oldestOutbox(this.ctx.db, MAX_BATCH_MESSAGES));
    if (batch.length === 0) return false;
    const destination = batch[0]!.destination;
    try {
      await this.sendBatch(destination, batch);
    } catch (err) {
      const error = ClientError.is(err) ? err : new ClientError('server', describeError(err), { cause: err });
      if (error.code === 'unavailable' || error.code === 'rate_limited' || error.code === 'unauthenticated') {
        this.stalledBy = error;
        return false;
      }
      this.failBatch(batch, error);
      return true;
    }
    this.completeBatch(batch);
    return true;
  }

  private async sendBatch(destination: string, batch: OutboxRow[]): Promise<void> {
    const request = {
      destination,
      messages: batch.map((row) => ({ guid: row.guid, type: row.type, content: row.content, client_timestamp: row.clientTimestamp })),
    };
    if (!this.ctx.api.hasSession()) await signIn(this.ctx);
    for (let waits = 0; ; waits++) {
      try {
        await this.ctx.api.send(request);
        return;
      } catch (err) {
        const retryAfter = retryAfterMs(err);
        if (ClientError.is(err, 'unauthenticated') && waits === 0) {
          // The token expired or the server forgot it: sign in again once.
          await signIn(this.ctx);
        } else if (retryAfter !== undefined && waits < MAX_RATE_LIMIT_WAITS) {
          await new Promise((resolve) => setTimeout(resolve, retryAfter));
        } else {
          throw err;
        }
      }
    }
  }

  private completeBatch(batch: OutboxRow[]): void {
    const sent: ChatMessage[] = [];
    this.ctx.db.transaction(() => {
      for (const row of batch) {
        deleteOutbox(this.ctx.db, row.id);
        const message = row.messageId === null ? undefined : getMessage(this.ctx.db, row.messageId);
        // A receipt may already have moved it past 'sent'.
        if (message?.status === 'sending') {
          setMessageStatus(this.ctx.db, message.id, 'sent', null);
          sent.push(message);
        }
      }
    })();
    for (const message of sent) {
      this.ctx.emit({ event: 'sent', to: message.conversation, timestamp: message.timestamp });
      this.ctx.emit({ event: 'status', conversation: message.conversation, timestamp: message.timestamp, status: 'sent' });
    }
  }

  /** The server refused these for good (unknown recipient, invalid): they will never go. */
  private failBatch(batch: OutboxRow[], error: ClientError): void {
    const failed: ChatMessage[] = [];
    this.ctx.db.transaction(() => {
      for (const row of batch) {
        deleteOutbox(this.ctx.db, row.id);
        const message = row.messageId === null ? undefined : getMessage(this.ctx.db, row.messageId);
        if (message) {
          setMessageStatus(this.ctx.db, message.id, 'failed', error.message);
          failed.push(message);
        }
      }
    })();
    for (const message of failed) {
      this.ctx.emit({ event: 'status', conversation: message.conversation, timestamp: message.timestamp, status: 'failed', error: error.message });
    }
    this.ctx.emit({ event: 'error', message: error.message, code: error.code });
  }

  /** Callers hold the protocol lock. */
  private async ensureSession(to: string): Promise<void> {
    const session = await openProtocolStores(this.ctx.db, this.ctx.local).session.getSession(addressOf(to));
    if (!session?.hasCurrentState()) await this.startFreshSession(to);
  }

  /** Callers hold the protocol lock. */
  private async startFreshSession(to: string): Promise<void> {
    await startSessionFromBundle(this.ctx, to, await this.ctx.api.getPreKeyBundle(to));
    this.ctx.emit({ event: 'keys', number: to, safety_number: safetyNumberWith(this.ctx, to) });
  }

  /** Encrypts and commits session + outbox row (+ the caller's rows) at once. Callers hold the protocol lock. */
  private async encryptToOutbox<T extends ChatMessage | null>(
    to: string,
    content: Content,
    storeRows: (db: ClientContext['db']) => T,
  ): Promise<T> {
    const stores = openProtocolStores(this.ctx.db, this.ctx.local);
    let ciphertext;
    try {
      ciphertext = await encrypt(stores, this.ctx.local, to, encodeContent(content));
    } catch (err) {
      if (isLibSignalError(err, ErrorCode.UntrustedIdentity)) throw untrustedIdentityError(to);
      throw err;
    }
    const clientTimestamp = content.kind === 'data' ? content.timestamp : Date.now();
    return this.ctx.db.transaction(() => {
      stores.pending.commit(this.ctx.db, Date.now());
      const rows = storeRows(this.ctx.db);
      insertOutbox(this.ctx.db, {
        guid: randomUUID(),
        destination: to,
        type: ciphertext.type,
        content: ciphertext.body,
        clientTimestamp,
        messageId: rows?.id ?? null,
      });
      return rows;
    })();
  }

  /** Timestamps name messages in receipts, so ours strictly increase. */
  private nextTimestamp(): number {
    this.lastTimestamp = Math.max(Date.now(), this.lastTimestamp + 1);
    return this.lastTimestamp;
  }
}

/** The oldest rows that can go in one Send: same destination, within the size limit. */
function leadingBatch(rows: OutboxRow[]): OutboxRow[] {
  const batch: OutboxRow[] = [];
  let bytes = 0;
  for (const row of rows) {
    if (batch.length > 0 && (row.destination !== batch[0]!.destination || bytes + row.content.length > MAX_BATCH_BYTES)) break;
    batch.push(row);
    bytes += row.content.length;
  }
  return batch;
}
