/**
 * Sending. Encrypting advances the ratchet, so the session update and the
 * ciphertext are committed together (with the message row) in one transaction,
 * and that commit is on disk before anything goes on the wire. The outbox row is then sent with its guid
 * (the server's idempotency key) until the server accepts it; after a crash or
 * a lost connection the same ciphertext goes again with the same guid, never a
 * second encryption.
 *
 * Group commit: texts handed to `sendText` while an earlier group is being
 * encrypted wait, then go as one group: encrypted in turn under the protocol
 * lock (each seeing the session the previous one advanced), committed in ONE
 * transaction, and sent in as few Send calls as the outbox batching allows.
 */
import { ErrorCode } from '@signalapp/libsignal-client';
// Time-ordered, so the server's index of Send guids by (sender, guid) grows at
// its end (see proto/guid.ts); they reveal only when we sent, as client_timestamp does.
import { timeOrderedUuid } from '../../proto/guid.js';
import type { ChatMessage } from './api.js';
import { isIdentityTrusted, safetyNumberWith, startSessionFromBundle, untrustedIdentityError } from './contacts.js';
import type { ClientContext } from './context.js';
import { ClientError, describeError, type ClientErrorCode } from './errors.js';
import { failpoint } from './failpoints.js';
import { retryAfterMs } from './net/rpcErrors.js';
import { requireContactNumber } from './numbers.js';
import { encrypt, type Ciphertext } from './protocol/cipher.js';
import { isLibSignalError } from './protocol/libsignalErrors.js';
import { encodeContent, type Content, type ReceiptKind } from './protocol/content.js';
import { addressOf, openProtocolStores, type ProtocolStores } from './protocol/stores.js';
import { signIn, withSession } from './signIn.js';
import { commitUnflushed, flushCommitted } from './storage/durability.js';
import { ensureConversation, getMessage, insertMessage, latestOutgoingTimestamp, markSent, setMessageStatus } from './storage/messageQueries.js';
import { deleteOutbox, insertOutbox, oldestOutbox, type OutboxRow } from './storage/outboxQueries.js';

/** Text limit, well inside the server's 96 KiB content limit after padding and encryption. */
export const MAX_TEXT_BYTES = 64 * 1024;
/** Ends the error of a send that could not reach the server (the full-screen UI moves it first). */
export const QUEUED_FOR_RECONNECT = 'the message is queued and will be sent on reconnect';
/** Send carries at most 100 messages and 256 KiB; stay clear of the latter. */
const MAX_BATCH_MESSAGES = 100;
const MAX_BATCH_BYTES = 192 * 1024;
/** Outbox rows put on disk by one flush and then sent, batch by batch. */
const MAX_ROUND_ROWS = 500;
/** Contacts whose batches are sent at the same time; each contact's own batches go one after another. */
const MAX_CONCURRENT_DESTINATIONS = 16;
/** Texts encrypted under one hold of the protocol lock and committed together. */
const MAX_GROUP_TEXTS = 200;
/** How often one batch is retried after a rate limit before the flush gives up for now. */
const MAX_RATE_LIMIT_WAITS = 30;

/** Failures that leave the outbox for a later flush; any other refusal fails the batch for good. */
const STALLING_CODES: ReadonlySet<ClientErrorCode> = new Set(['unavailable', 'rate_limited', 'unauthenticated', 'untrusted_server']);

/** A text waiting for its group to be encrypted; settles with its message id. */
interface WaitingText {
  to: string;
  text: string;
  resolve(messageId: number): void;
  reject(err: unknown): void;
}

export class Sender {
  private lastTimestamp: number;
  private readonly waitingTexts: WaitingText[] = [];
  private encryptingTexts: Promise<void> | undefined;
  private flushing: Promise<void> | undefined;
  private flushAgain = false;
  /** Why the outbox last stopped short (server unreachable, ...). */
  private stalledBy: ClientError | undefined;
  /** sendText calls waiting for their message's row to be sent, by message id. */
  private readonly attempting = new Map<number, (message: ChatMessage | undefined) => void>();

  constructor(private readonly ctx: ClientContext) {
    this.lastTimestamp = latestOutgoingTimestamp(ctx.db);
  }

  async sendText(to: string, text: string): Promise<ChatMessage> {
    requireContactNumber(to, this.ctx.local.number);
    // As the UI does: a blank line is no message.
    if (text.trim().length === 0) throw new ClientError('invalid_message', 'cannot send an empty message');
    if (Buffer.byteLength(text, 'utf8') > MAX_TEXT_BYTES) {
      throw new ClientError('invalid_message', `message too long (at most ${MAX_TEXT_BYTES} bytes)`);
    }

    const messageId = await new Promise<number>((resolve, reject) => {
      this.waitingTexts.push({ to, text, resolve, reject });
      if (!this.encryptingTexts) this.encryptingTexts = this.encryptWaitingTexts();
    });

    const stored = (await this.untilAttempted(messageId)) ?? getMessage(this.ctx.db, messageId)!;
    if (stored.status === 'failed') throw new ClientError('send_failed', stored.error ?? `sending to ${to} failed`);
    if (stored.status === 'sending') {
      throw new ClientError('unavailable', `${this.stalledBy?.message ?? 'not sent yet'}; ${QUEUED_FOR_RECONNECT}`, {
        cause: this.stalledBy,
      });
    }
    return stored;
  }

  /**
   * Flushes the outbox and resolves once the message's row has been sent or
   * refused (with the message as it then stood), or, at the latest, once the
   * flush has attempted every row queued before the call (undefined: read it back).
   */
  private untilAttempted(messageId: number): Promise<ChatMessage | undefined> {
    return new Promise((resolve) => {
      this.attempting.set(messageId, resolve);
      const settle = (): void => {
        this.attempting.delete(messageId);
        resolve(undefined);
      };
      this.flushOutbox().then(settle, settle);
    });
  }

  /** Tells a sendText waiting for one of these messages how its row went. */
  private settleAttempts(messageIds: readonly number[], messages: readonly ChatMessage[]): void {
    if (this.attempting.size === 0) return;
    const byId = new Map(messages.map((message) => [message.id, message]));
    for (const id of messageIds) {
      const resolve = this.attempting.get(id);
      if (!resolve) continue;
      this.attempting.delete(id);
      resolve(byId.get(id));
    }
  }

  /** Encrypts waiting texts group by group until none are left. */
  private async encryptWaitingTexts(): Promise<void> {
    try {
      while (this.waitingTexts.length > 0) {
        await this.ctx.protocolLock.run(async () => {
          const group = this.waitingTexts.splice(0, MAX_GROUP_TEXTS);
          // A text already settled ignores this; an unexpected failure must not leave the others waiting forever.
          await this.encryptGroup(group).catch((err: unknown) => group.forEach((waiting) => waiting.reject(err)));
        });
      }
    } finally {
      this.encryptingTexts = undefined;
    }
  }

  /**
   * Encrypts a group of texts into the outbox with one commit; each text's
   * promise settles with its message id or its own error. Runs under the protocol lock.
   */
  private async encryptGroup(group: WaitingText[]): Promise<void> {
    // A session is checked (and started from a fetched bundle if need be) once per contact;
    // a new one joins the group's overlay and is committed with the group.
    const stores = openProtocolStores(this.ctx.db, this.ctx.local);
    const ready: WaitingText[] = [];
    const checked = new Set<string>();
    const started = new Set<string>();
    const sessionErrors = new Map<string, unknown>();
    for (const waiting of group) {
      if (!checked.has(waiting.to)) {
        checked.add(waiting.to);
        try {
          if (!isIdentityTrusted(this.ctx, waiting.to)) throw untrustedIdentityError(waiting.to);
          if (await this.ensureSession(stores, waiting.to)) started.add(waiting.to);
        } catch (err) {
          sessionErrors.set(waiting.to, err);
        }
      }
      if (sessionErrors.has(waiting.to)) waiting.reject(sessionErrors.get(waiting.to));
      else ready.push(waiting);
    }

    const encrypted: { waiting: WaitingText; timestamp: number; ciphertext: Ciphertext }[] = [];
    for (const waiting of ready) {
      const timestamp = this.nextTimestamp();
      try {
        const ciphertext = await this.encryptRenewingSession(stores, waiting.to, { kind: 'data', text: waiting.text, timestamp });
        encrypted.push({ waiting, timestamp, ciphertext });
      } catch (err) {
        waiting.reject(err);
      }
    }
    if (encrypted.length === 0 && started.size === 0) return;

    let messageIds: number[];
    try {
      // On disk before it is sent: flushRound flushes first. A new session alone is not
      // flushed on its own: until a message from it is sent, losing it costs only a new bundle.
      messageIds = commitUnflushed(this.ctx.db, () => {
        const now = Date.now();
        stores.pending.commit(this.ctx.db, now);
        const conversations = new Set<string>();
        for (const contact of started) {
          ensureConversation(this.ctx.db, contact, now);
          conversations.add(contact);
        }
        return encrypted.map(({ waiting, timestamp, ciphertext }) => {
          const message = insertMessage(
            this.ctx.db,
            {
              conversation: waiting.to,
              direction: 'outgoing',
              sender: this.ctx.local.number,
              text: waiting.text,
              timestamp,
              storedAt: now,
              status: 'sending',
            },
            conversations,
          );
          insertOutbox(this.ctx.db, {
            guid: timeOrderedUuid(),
            destination: waiting.to,
            type: ciphertext.type,
            content: ciphertext.body,
            clientTimestamp: timestamp,
            messageId: message.id,
          });
          return message.id;
        });
      });
    } catch (err) {
      for (const { waiting } of encrypted) waiting.reject(err);
      return;
    }
    for (const contact of started) this.emitKeys(contact);
    failpoint('client.after-encrypt-before-send');
    encrypted.forEach(({ waiting }, i) => waiting.resolve(messageIds[i]!));
  }

  /**
   * Encrypts into the group's overlay. When the user has trusted the contact's
   * new key but the session still belongs to the old one, starts a fresh session
   * once (committed at once, as every new session is) and tries again.
   */
  private async encryptRenewingSession(stores: ProtocolStores, to: string, content: Content): Promise<Ciphertext> {
    try {
      return await this.encryptWith(stores, to, content);
    } catch (err) {
      if (!ClientError.is(err, 'untrusted_identity') || !isIdentityTrusted(this.ctx, to)) throw err;
      // A failed encrypt wrote nothing to the overlay, so the new session is what the retry reads.
      await this.startFreshSession(to);
      return this.encryptWith(stores, to, content);
    }
  }

  private async encryptWith(stores: ProtocolStores, to: string, content: Content): Promise<Ciphertext> {
    try {
      return await encrypt(stores, this.ctx.local, to, encodeContent(content));
    } catch (err) {
      if (isLibSignalError(err, ErrorCode.UntrustedIdentity)) throw untrustedIdentityError(to);
      throw err;
    }
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
        await this.encryptToOutbox(to, { kind: 'receipt', type, timestamps }, alsoCommit);
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

  /** Settles once no flush runs (whatever its outcome). */
  async idle(): Promise<void> {
    await this.flushing?.catch(() => undefined);
  }

  private async flushLoop(): Promise<void> {
    try {
      do {
        this.flushAgain = false;
        this.stalledBy = undefined;
        while (await this.flushRound());
      } while (this.flushAgain && !this.stalledBy);
    } finally {
      this.flushing = undefined;
    }
  }

  /**
   * Sends the oldest rows (up to MAX_ROUND_ROWS) after one flush that puts
   * them all on disk; false when the outbox is empty or the server cannot be
   * reached. Each contact's rows go in order, batch after batch; different
   * contacts' go concurrently, so that receipts to many contacts (after a
   * drain) are not one round trip after another, and the server commits the
   * concurrent Sends together.
   */
  private async flushRound(): Promise<boolean> {
    const rows = oldestOutbox(this.ctx.db, MAX_ROUND_ROWS);
    if (rows.length === 0) return false;
    try {
      // A ciphertext whose session update could still be lost must not leave: it would be encrypted again.
      // Every row read above was committed before this call, so this one flush covers them all.
      await flushCommitted(this.ctx.db);
    } catch (err) {
      // As a refused Send would: the batch fails, and the next round tries the rest.
      this.failBatch(leadingBatch(rows), new ClientError('server', describeError(err), { cause: err }));
      return true;
    }
    const lanes = [...rowsByDestination(rows).values()];
    let reachable = true;
    const sendLanes = async (): Promise<void> => {
      for (let lane = lanes.shift(); lane && reachable; lane = lanes.shift()) {
        while (lane.length > 0 && reachable) {
          const batch = leadingBatch(lane);
          lane = lane.slice(batch.length);
          if (!(await this.flushBatch(batch))) reachable = false;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(MAX_CONCURRENT_DESTINATIONS, lanes.length) }, sendLanes));
    return reachable;
  }

  /** Sends one batch of durable rows; false when the server cannot be reached. */
  private async flushBatch(batch: OutboxRow[]): Promise<boolean> {
    try {
      await this.sendBatch(batch[0]!.destination, batch);
    } catch (err) {
      const error = ClientError.is(err) ? err : new ClientError('server', describeError(err), { cause: err });
      if (STALLING_CODES.has(error.code)) {
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
    // Never flushed on purpose: losing it to a power cut only sends the rows again, and the server answers a repeated guid as before.
    const sent = commitUnflushed(this.ctx.db, () => {
      deleteOutbox(this.ctx.db, batch.map((row) => row.id));
      return markSent(this.ctx.db, batch.flatMap((row) => (row.messageId === null ? [] : [row.messageId])));
    });
    for (const message of sent) {
      this.ctx.emit({ event: 'sent', to: message.conversation, timestamp: message.timestamp });
      this.ctx.emit({ event: 'status', conversation: message.conversation, timestamp: message.timestamp, status: 'sent' });
    }
    this.settleAttempts(batch.flatMap((row) => (row.messageId === null ? [] : [row.messageId])), sent);
  }

  /** The server refused these for good (unknown recipient, invalid): they will never go. */
  private failBatch(batch: OutboxRow[], error: ClientError): void {
    const failed: ChatMessage[] = [];
    this.ctx.db.transaction(() => {
      deleteOutbox(this.ctx.db, batch.map((row) => row.id));
      for (const row of batch) {
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
    // A sendText waiting for these rows reports the failure itself; an error event would say it twice.
    const unawaited = batch.some((row) => row.messageId === null || !this.attempting.has(row.messageId));
    // Receipts are nothing the user sent: say so, rather than "sending to …" failed.
    const receiptsOnly = batch.every((row) => row.messageId === null);
    const message = receiptsOnly ? `receipts to ${batch[0]!.destination} were not delivered (${error.message})` : error.message;
    if (unawaited) this.ctx.emit({ event: 'error', message, code: error.code });
    this.settleAttempts(
      failed.map((message) => message.id),
      failed.map((message) => ({ ...message, status: 'failed', error: error.message })),
    );
  }

  /** Starts a session into `stores` unless one is usable; true when it started one. Callers hold the protocol lock. */
  private async ensureSession(stores: ProtocolStores, to: string): Promise<boolean> {
    const session = await stores.session.getSession(addressOf(to));
    if (session?.hasCurrentState()) return false;
    await this.startFreshSession(to, stores);
    return true;
  }

  /** Committed at once unless `into` is given (then its owner commits it). Callers hold the protocol lock. */
  private async startFreshSession(to: string, into?: ProtocolStores): Promise<void> {
    const bundle = await withSession(this.ctx, () => this.ctx.api.getPreKeyBundle(to));
    await startSessionFromBundle(this.ctx, to, bundle, into);
    if (!into) this.emitKeys(to);
  }

  /** Once the contact's key is committed. */
  private emitKeys(to: string): void {
    // The safety number costs 5,200 hash iterations: computed only when somebody listens.
    this.ctx.emit(() => ({ event: 'keys', number: to, safety_number: safetyNumberWith(this.ctx, to) }));
  }

  /** Encrypts and commits session + outbox row (+ the caller's rows) at once. Callers hold the protocol lock. */
  private async encryptToOutbox(to: string, content: Content, alsoCommit: (db: ClientContext['db']) => void): Promise<void> {
    const stores = openProtocolStores(this.ctx.db, this.ctx.local);
    const ciphertext = await this.encryptWith(stores, to, content);
    const clientTimestamp = content.kind === 'data' ? content.timestamp : Date.now();
    // On disk before it is sent: flushBatch flushes first.
    commitUnflushed(this.ctx.db, () => {
      stores.pending.commit(this.ctx.db, Date.now());
      alsoCommit(this.ctx.db);
      insertOutbox(this.ctx.db, { guid: timeOrderedUuid(), destination: to, type: ciphertext.type, content: ciphertext.body, clientTimestamp, messageId: null });
    });
  }

  /** Timestamps name messages in receipts, so ours strictly increase. */
  private nextTimestamp(): number {
    this.lastTimestamp = Math.max(Date.now(), this.lastTimestamp + 1);
    return this.lastTimestamp;
  }
}

/** Rows grouped by destination, oldest first within each, destinations in the order they first appear. */
function rowsByDestination(rows: OutboxRow[]): Map<string, OutboxRow[]> {
  const lanes = new Map<string, OutboxRow[]>();
  for (const row of rows) {
    const lane = lanes.get(row.destination);
    if (lane) lane.push(row);
    else lanes.set(row.destination, [row]);
  }
  return lanes;
}

/** The oldest rows that can go in one Send: same destination, within the count and size limits. */
function leadingBatch(rows: OutboxRow[]): OutboxRow[] {
  const batch: OutboxRow[] = [];
  let bytes = 0;
  for (const row of rows) {
    if (batch.length === MAX_BATCH_MESSAGES) break;
    if (batch.length > 0 && (row.destination !== batch[0]!.destination || bytes + row.content.length > MAX_BATCH_BYTES)) break;
    batch.push(row);
    bytes += row.content.length;
  }
  return batch;
}
