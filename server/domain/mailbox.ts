/** Mailbox rules: durable, idempotent Send; Fetch; Ack; one live stream per account. */
import { createHash, randomUUID } from 'node:crypto';
import type { ServerConfig } from '../config.js';
import { failpoint } from '../failpoints.js';
import { findAccountById, findAccountByNumber } from '../storage/accounts.js';
import type { Db } from '../storage/database.js';
import {
  deleteEnvelopes,
  envelopesAfter,
  findSendReceipt,
  insertEnvelope,
  insertSendReceipt,
} from '../storage/mailbox.js';
import type { WriteBatcher } from '../storage/writeBatcher.js';
import { DeliveryStream, type DeliverySink, type StreamEnd } from './delivery.js';
import type { MailboxNotifier } from './notifier.js';
import { Rejection, fail, ok, type Outcome } from './outcome.js';
import type { RateLimiter } from './rateLimiter.js';
import { DEVICE_ID, type Account, type Clock, type Envelope, type OutgoingMessage } from './types.js';

export interface SendResult {
  guids: string[];
  serverTimestamp: number;
}

type MailboxLimits = Pick<
  ServerConfig,
  'queueCap' | 'envelopeTtlMs' | 'idempotencyTtlMs' | 'maxInFlightPerStream' | 'fetchDefaultLimit' | 'fetchMaxBytes'
>;

/** What "the same content" means for an idempotent repeat: every field the sender chose. */
function messageDigest(destination: string, m: OutgoingMessage): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt32BE(m.type, 0);
  header.writeDoubleBE(m.clientTimestamp, 4);
  return createHash('sha256').update(destination, 'utf8').update(header).update(m.content).digest();
}

export class MailboxService {
  private readonly streams = new Map<number, DeliveryStream>();

  constructor(
    private readonly db: Db,
    private readonly writes: WriteBatcher,
    private readonly notifier: MailboxNotifier,
    private readonly limits: RateLimiter,
    private readonly config: MailboxLimits,
    private readonly clock: Clock,
  ) {}

  /**
   * Stores the messages for one recipient, all or none. Resolves after the
   * commit (group-committed with concurrent sends). A repeated (source, guid)
   * with the same content is answered as the first time and stored once.
   */
  async send(source: Account, destination: string, messages: OutgoingMessage[]): Promise<Outcome<SendResult>> {
    const recipient = findAccountByNumber(this.db, destination);
    if (!recipient) return fail('not_found', 'no such account');
    const decision = this.limits.take([
      { rule: 'sendPerPair', key: `${source.id}>${recipient.id}`, cost: messages.length },
    ]);
    if (!decision.allowed) return fail('rate_limited', 'rate limit: messages to this recipient', decision.retryAfterMs);

    const now = this.clock.now();
    let result: SendResult;
    try {
      result = await this.writes.run((db) => this.store(db, source, recipient.id, destination, messages, now));
    } catch (err) {
      if (err instanceof Rejection) return { ok: false, failure: err.failure };
      throw err;
    }
    failpoint('server.send.after-commit');
    this.notifier.notify(recipient.id);
    return ok(result);
  }

  private store(
    db: Db,
    source: Account,
    recipientId: number,
    destination: string,
    messages: OutgoingMessage[],
    now: number,
  ): SendResult {
    const guids: string[] = [];
    let fresh = 0;
    let repeatedAt: number | undefined;
    for (const message of messages) {
      const digest = messageDigest(destination, message);
      const earlier =
        message.guid === '' ? undefined : findSendReceipt(db, source.id, message.guid, now - this.config.idempotencyTtlMs);
      if (earlier) {
        if (!earlier.digest.equals(digest)) {
          throw new Rejection({ kind: 'already_exists', message: `message guid ${message.guid} was used for other content` });
        }
        guids.push(earlier.envelopeGuid);
        repeatedAt ??= earlier.serverTimestamp;
        continue;
      }
      const envelopeGuid = randomUUID();
      insertEnvelope(db, {
        guid: envelopeGuid,
        destinationId: recipientId,
        source: source.number,
        sourceDevice: DEVICE_ID,
        type: message.type,
        content: message.content,
        clientTimestamp: message.clientTimestamp,
        serverTimestamp: now,
      });
      if (message.guid !== '') {
        insertSendReceipt(db, { sourceId: source.id, clientGuid: message.guid, digest, envelopeGuid, serverTimestamp: now });
      }
      guids.push(envelopeGuid);
      fresh++;
    }
    // Checked after the inserts, against the count they produced; the throw undoes them.
    const queued = findAccountById(db, recipientId)?.queued ?? 0;
    if (fresh > 0 && queued > this.config.queueCap) {
      throw new Rejection({ kind: 'queue_full', message: "recipient's queue is full" });
    }
    // A pure repeat answers exactly as the first call did.
    return { guids, serverTimestamp: fresh === 0 && repeatedAt !== undefined ? repeatedAt : now };
  }

  /** A page of the caller's queue in stored order; removes nothing. */
  fetch(account: Account, limit: number): { envelopes: Envelope[]; more: boolean } {
    const pageSize = limit === 0 ? this.config.fetchDefaultLimit : Math.min(limit, this.config.fetchDefaultLimit);
    const notBefore = this.clock.now() - this.config.envelopeTtlMs;
    const rows = envelopesAfter(this.db, account.id, 0, notBefore, pageSize + 1);
    const envelopes: Envelope[] = [];
    let bytes = 0;
    for (const row of rows.slice(0, pageSize)) {
      if (bytes + row.content.length > this.config.fetchMaxBytes) break;
      bytes += row.content.length;
      envelopes.push({ ...row, destination: account.number });
    }
    return { envelopes, more: rows.length > envelopes.length };
  }

  /** Removes the caller's own envelopes among `guids`; others' and unknown ones are ignored. */
  async ack(account: Account, guids: string[]): Promise<number> {
    const removed = await this.writes.run((db) => deleteEnvelopes(db, account.id, guids));
    this.streams.get(account.id)?.acked(guids);
    return removed;
  }

  /**
   * Opens the account's delivery stream, ending an older one with 'replaced'.
   * Returns the stream and a function that detaches it when the transport ends.
   */
  subscribe(account: Account, sink: DeliverySink, end: (why: StreamEnd) => void): { stream: DeliveryStream; detach: () => void } {
    this.streams.get(account.id)?.close('replaced');
    const stream = new DeliveryStream(
      this.db,
      account,
      sink,
      this.config.maxInFlightPerStream,
      this.config.envelopeTtlMs,
      this.clock,
      end,
    );
    this.streams.set(account.id, stream);
    const stopListening = this.notifier.listen(account.id, () => stream.pump());
    const detach = () => {
      stopListening();
      if (this.streams.get(account.id) === stream) this.streams.delete(account.id);
    };
    stream.pump();
    return { stream, detach };
  }

  /** Ends the account's stream (its sessions ended: re-registration or deletion). */
  endStream(accountId: number, why: StreamEnd): void {
    this.streams.get(accountId)?.close(why);
  }

  endAllStreams(why: StreamEnd): void {
    for (const stream of this.streams.values()) stream.close(why);
  }

  get openStreams(): number {
    return this.streams.size;
  }
}
