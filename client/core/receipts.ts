/**
 * Sending the receipts we owe. The receiver (delivery) and markRead (read) record
 * them in the database with the message or the read mark; here they are
 * encrypted into the outbox, coalesced (one receipt per conversation and kind
 * names every timestamp owed so far: at most one per received batch, fewer in a
 * live burst, where they wait up to BATCH_DELAY_MS), and struck off in that
 * same transaction.
 */
import type { ClientContext } from './context.js';
import type { Sender } from './sender.js';
import { SerialQueue } from './serialQueue.js';
import { listOwedReceipts, settleOwedReceipts } from './storage/receiptQueries.js';

const BATCH_DELAY_MS = 50;

export class ReceiptSender {
  private timer: NodeJS.Timeout | undefined;
  private readonly flushes = new SerialQueue();

  constructor(
    private readonly ctx: ClientContext,
    private readonly sender: Sender,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Sends soon, so a burst of messages shares receipts. */
  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush().catch(this.onError);
    }, BATCH_DELAY_MS);
  }

  /** One flush at a time, so that two never encrypt the same owed receipts. */
  flush(): Promise<void> {
    this.cancel();
    return this.flushes.run(() => this.flushOwed());
  }

  private async flushOwed(): Promise<void> {
    let queued = false;
    for (const owed of listOwedReceipts(this.ctx.db)) {
      const outcome = await this.sender.queueReceipt(owed.conversation, owed.type, owed.timestamps, (db) => settleOwedReceipts(db, owed));
      // Without a session they can never be sent; an untrusted contact gets them once trusted.
      if (outcome === 'no_session') settleOwedReceipts(this.ctx.db, owed);
      queued ||= outcome === 'queued';
    }
    if (queued) await this.sender.flushOutbox();
  }

  /** Settles once no flush runs (whatever its outcome). */
  idle(): Promise<void> {
    return this.flushes.idle();
  }

  /** Owed receipts stay in the database and go out on the next flush. */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
