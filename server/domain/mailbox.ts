/** Mailbox rules: durable, idempotent Send; Fetch; Ack; one live stream per account. */
import type { ServerConfig } from '../config.js';
import { failpoint } from '../failpoints.js';
import { findAccountById, findAccountByNumber } from '../storage/accounts.js';
import type { Db } from '../storage/database.js';
import { envelopesAfter, findSendReceipt } from '../storage/mailbox.js';
import { DeliveryStream, HeldBytes, type DeliverySink, type StreamEnd } from './delivery.js';
import type { MailboxNotifier } from './notifier.js';
import { fail, ok, rejectionOf, type Outcome } from './outcome.js';
import type { RateLimiter } from './rateLimiter.js';
import { RecentLookups } from './recentLookups.js';
import { DEVICE_ID, type Account, type Clock, type Envelope, type OutgoingMessage } from './types.js';
import type { StoreResult, Writer } from './writes.js';

export interface SendResult {
  guids: string[];
  serverTimestamp: number;
}

const RECIPIENT_REMEMBER_MS = 1_000;
const MAX_RECIPIENTS_REMEMBERED = 10_000;

type MailboxLimits = Pick<
  ServerConfig,
  'queueCap' | 'envelopeTtlMs' | 'idempotencyTtlMs' | 'maxInFlightPerStream' | 'maxHeldBytes' | 'fetchDefaultLimit' | 'fetchMaxBytes'
>;

export class MailboxService {
  private readonly streams = new Map<number, DeliveryStream>();
  private readonly recipients: RecentLookups<string, { id: number }>;
  /** What all streams hold in memory between commit and send. */
  private readonly allHeld: HeldBytes;

  constructor(
    private readonly db: Db,
    private readonly writer: Writer,
    private readonly notifier: MailboxNotifier,
    private readonly limits: RateLimiter,
    private readonly config: MailboxLimits,
    private readonly clock: Clock,
  ) {
    this.recipients = new RecentLookups(clock, RECIPIENT_REMEMBER_MS, MAX_RECIPIENTS_REMEMBERED);
    this.allHeld = new HeldBytes(config.maxHeldBytes);
  }

  /**
   * Stores the messages for one recipient, all or none (domain/writes.ts
   * storeEnvelopes). Resolves after the commit, which the writer thread shares
   * with concurrent sends.
   */
  async send(source: Account, destination: string, messages: OutgoingMessage[]): Promise<Outcome<SendResult>> {
    const recipient = this.recipient(destination);
    if (!recipient) return fail('not_found', 'no such account');
    const rateKey = `${source.id}>${recipient.id}`;
    let decision = this.limits.take([{ rule: 'sendPerPair', key: rateKey, cost: messages.length }]);
    if (!decision.allowed) {
      // A retry after a lost response, right after a burst, is answered as the first time
      // (API.md); only what it would newly store counts. Read only on a refusal, so the
      // common case adds no lookups.
      const fresh = this.countNotYetStored(source, messages);
      decision = fresh === 0 ? { allowed: true } : this.limits.take([{ rule: 'sendPerPair', key: rateKey, cost: fresh }]);
    }
    if (!decision.allowed) return fail('rate_limited', 'rate limit: messages to this recipient', decision.retryAfterMs);

    let result: StoreResult;
    try {
      result = await this.writer.run('storeEnvelopes', {
        sourceId: source.id,
        source: source.number,
        recipientId: recipient.id,
        destination,
        messages,
        now: this.clock.now(),
        queueCap: this.config.queueCap,
        idempotencyTtlMs: this.config.idempotencyTtlMs,
      });
    } catch (err) {
      const failure = rejectionOf(err);
      if (failure) return { ok: false, failure };
      throw err;
    }
    failpoint('server.send.after-commit');
    const stored = committedEnvelopes(source, destination, messages, result);
    if (stored.length > 0) this.notifier.notify(recipient.id, stored); // a pure repeat stored nothing
    return ok({ guids: result.guids, serverTimestamp: result.serverTimestamp });
  }

  /** Messages of a Send that no earlier Send stored (within the idempotency window). */
  private countNotYetStored(source: Account, messages: OutgoingMessage[]): number {
    const notBefore = this.clock.now() - this.config.idempotencyTtlMs;
    return messages.filter((message) => message.guid === '' || !findSendReceipt(this.db, source.id, message.guid, notBefore)).length;
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
    // The window opens when the ack arrives, not when it commits: if the commit
    // failed, the envelopes would simply be delivered again on the next Subscribe.
    this.streams.get(account.id)?.acked(guids);
    return this.writer.run('ackEnvelopes', { accountId: account.id, guids });
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
      this.allHeld,
      end,
    );
    this.streams.set(account.id, stream);
    const stopListening = this.notifier.listen(account.id, (committed) => stream.committed(committed));
    const detach = () => {
      stopListening();
      stream.transportEnded();
      if (this.streams.get(account.id) === stream) this.streams.delete(account.id);
    };
    stream.pump();
    return { stream, detach };
  }

  /** The account re-registered or was deleted: its stream ends and its lookups are read again. */
  sessionsEnded(accountId: number): void {
    this.recipients.forgetWhere((recipient) => recipient.id === accountId);
    this.streams.get(accountId)?.close('sessions_ended');
  }

  /** The account behind a number, remembered for a second (storeEnvelopes checks it still exists). */
  private recipient(number: string): { id: number } | undefined {
    const known = this.recipients.get(number);
    if (known) return known;
    const row = findAccountByNumber(this.db, number);
    if (row) this.recipients.remember(number, { id: row.id });
    return row;
  }

  /** Ends the streams of accounts deleted behind this process's back (the operator's command). */
  endStreamsOfDeletedAccounts(): void {
    for (const accountId of [...this.streams.keys()]) {
      if (!findAccountById(this.db, accountId)) this.sessionsEnded(accountId);
    }
  }

  endAllStreams(why: StreamEnd): void {
    for (const stream of this.streams.values()) stream.close(why);
  }

  get openStreams(): number {
    return this.streams.size;
  }
}

/** The envelopes one Send stored, as its recipient's stream will send them (repeats were stored before). */
function committedEnvelopes(source: Account, destination: string, messages: OutgoingMessage[], result: StoreResult): Envelope[] {
  const envelopes: Envelope[] = [];
  messages.forEach((message, i) => {
    const id = result.ids[i]!;
    if (id === 0) return;
    envelopes.push({
      id,
      guid: result.guids[i]!,
      source: source.number,
      sourceDevice: DEVICE_ID,
      destination,
      type: message.type,
      content: message.content,
      clientTimestamp: message.clientTimestamp,
      serverTimestamp: result.serverTimestamp,
    });
  });
  return envelopes;
}
