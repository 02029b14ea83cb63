/**
 * One account's live delivery stream: every queued envelope in stored order,
 * one queue_empty, then new envelopes as they commit. At most `maxInFlight`
 * envelopes are sent and unacked at a time, and the transport's backpressure
 * is honoured, so a slow reader never makes the server buffer without bound.
 */
import { failpoint } from '../failpoints.js';
import type { Db } from '../storage/database.js';
import { envelopesAfter, newestEnvelopeId } from '../storage/mailbox.js';
import type { Account, Clock, Envelope } from './types.js';

/** The transport side of a stream (a gRPC call in production). */
export interface DeliverySink {
  /** Returns false when the transport's buffer is full; wait for onDrain. */
  sendEnvelope(envelope: Envelope): boolean;
  sendQueueEmpty(): boolean;
  onDrain(resume: () => void): void;
}

export type StreamEnd = 'replaced' | 'sessions_ended' | 'shutdown';

/** Rows read per query; small enough to keep a pump step short. */
const PAGE = 64;

export class DeliveryStream {
  private cursor = 0;
  private readonly inFlight = new Set<string>();
  private readonly queuedAtStart: number;
  private queueEmptySent = false;
  private waitingForDrain = false;
  private pumpScheduled = false;
  private closed = false;

  constructor(
    private readonly db: Db,
    readonly account: Account,
    private readonly sink: DeliverySink,
    private readonly maxInFlight: number,
    private readonly envelopeTtlMs: number,
    private readonly clock: Clock,
    /** Ends the transport; called once. */
    private readonly end: (why: StreamEnd) => void,
  ) {
    this.queuedAtStart = newestEnvelopeId(db, account.id);
  }

  /** Sends what it can now: more envelopes while there is room, queue_empty once. */
  pump(): void {
    if (this.closed || this.waitingForDrain) return;
    while (this.inFlight.size < this.maxInFlight) {
      const room = Math.min(PAGE, this.maxInFlight - this.inFlight.size);
      const notBefore = this.clock.now() - this.envelopeTtlMs;
      const page = envelopesAfter(this.db, this.account.id, this.cursor, notBefore, room);
      for (const stored of page) {
        this.cursor = stored.id;
        this.inFlight.add(stored.guid);
        const more = this.sink.sendEnvelope({ ...stored, destination: this.account.number });
        failpoint('server.delivery.after-envelope');
        if (!this.announceCaughtUp(false) || !more) return this.waitForDrain();
      }
      if (page.length < room) {
        if (!this.announceCaughtUp(true)) this.waitForDrain();
        return;
      }
    }
  }

  /**
   * Asks for a pump on the next turn: the acks and commits of one turn then
   * cost one read of the queue, not one each.
   */
  wake(): void {
    if (this.pumpScheduled || this.closed) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /** Acked envelopes leave the in-flight window, making room for more. */
  acked(guids: readonly string[]): void {
    let freed = false;
    for (const guid of guids) freed = this.inFlight.delete(guid) || freed;
    if (freed) this.wake();
  }

  close(why: StreamEnd): void {
    if (this.closed) return;
    this.closed = true;
    this.end(why);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Sends queue_empty once everything queued at subscribe time has gone out.
   * Returns false when the transport asked us to wait.
   */
  private announceCaughtUp(endOfQueue: boolean): boolean {
    if (this.queueEmptySent) return true;
    if (!endOfQueue && this.cursor < this.queuedAtStart) return true;
    this.queueEmptySent = true;
    return this.sink.sendQueueEmpty();
  }

  private waitForDrain(): void {
    this.waitingForDrain = true;
    this.sink.onDrain(() => {
      this.waitingForDrain = false;
      this.pump();
    });
  }
}
