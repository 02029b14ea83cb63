/** Delivery receipts owed for stored messages, sent in batches (one receipt names many timestamps). */
import type { ChatMessage } from './api.js';
import type { Sender } from './sender.js';

const BATCH_DELAY_MS = 50;

export class DeliveryReceipts {
  private readonly owed = new Map<string, number[]>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sender: Sender,
    private readonly onError: (err: unknown) => void,
  ) {}

  add(message: ChatMessage): void {
    const timestamps = this.owed.get(message.conversation) ?? [];
    timestamps.push(message.timestamp);
    this.owed.set(message.conversation, timestamps);
  }

  /** Sends soon, so a burst of messages shares receipts. */
  schedule(): void {
    if (this.timer || this.owed.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush().catch(this.onError);
    }, BATCH_DELAY_MS);
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const owed = [...this.owed];
    this.owed.clear();
    for (const [to, timestamps] of owed) await this.sender.queueReceipt(to, 'delivery', timestamps);
    if (owed.length > 0) await this.sender.flushOutbox();
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
