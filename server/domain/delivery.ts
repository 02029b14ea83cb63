/**
 * One account's live delivery stream: every queued envelope in stored order,
 * one queue_empty, then new envelopes as they commit. At most `maxInFlight`
 * envelopes are sent and unacked at a time, and the transport's backpressure
 * is honoured, so a slow reader never makes the server buffer without bound.
 *
 * Once a stream has read its queue to the end it takes new envelopes from the
 * commits themselves (`committed`), so a busy recipient's envelopes are not
 * read back from SQLite right after they were written.
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
/**
 * Bounds on envelopes held in memory between commit and send, per stream and
 * (HeldBytes) for all streams together. Past them a stream stops holding new
 * commits and reads them from the queue instead.
 */
const MAX_HELD = 1_024;
const MAX_HELD_BYTES = 1024 * 1024;

/** The bytes all streams hold, against one budget, so many stalled streams cannot add up. */
export class HeldBytes {
  private held = 0;

  constructor(private readonly budget: number) {}

  /** Counts `bytes` that must be held (a page read from the queue, itself bounded by the window). */
  add(bytes: number): void {
    this.held += bytes;
  }

  /** Counts `bytes` if the budget allows them. */
  tryAdd(bytes: number): boolean {
    if (this.held + bytes > this.budget) return false;
    this.held += bytes;
    return true;
  }

  remove(bytes: number): void {
    this.held -= bytes;
  }

  get total(): number {
    return this.held;
  }
}

export class DeliveryStream {
  /** Highest queue position taken (sent, or held to be sent). */
  private cursor = 0;
  /** Highest queue position sent; queue_empty waits for it to reach queuedAtStart. */
  private lastSent = 0;
  /** Taken and not yet sent, in stored order, from `heldStart` on. */
  private held: Envelope[] = [];
  private heldStart = 0;
  private heldBytes = 0;
  /**
   * True while every envelope stored after `cursor` will also reach
   * `committed()`: a read of the queue came back short (it reached the end), and
   * the notifier reports every later commit in order. While it holds, new
   * envelopes go out from memory and the queue is not read back.
   */
  private tailInMemory = false;
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
    private readonly allHeld: HeldBytes,
    /** Ends the transport; called once. */
    private readonly end: (why: StreamEnd) => void,
  ) {
    this.queuedAtStart = newestEnvelopeId(db, account.id);
  }

  /** Sends what it can now: more envelopes while there is room, queue_empty once. */
  pump(): void {
    if (this.closed || this.waitingForDrain) return;
    const notBefore = this.clock.now() - this.envelopeTtlMs;
    while (this.inFlight.size < this.maxInFlight) {
      if (this.heldStart === this.held.length && !this.readQueue(notBefore)) {
        if (!this.announceCaughtUp(true)) this.waitForDrain();
        return;
      }
      const envelope = this.takeHeld();
      if (envelope.serverTimestamp < notBefore) continue; // expired while held
      this.lastSent = envelope.id;
      this.inFlight.add(envelope.guid);
      const more = this.sink.sendEnvelope(envelope);
      failpoint('server.delivery.after-envelope');
      if (!this.announceCaughtUp(false) || !more) return this.waitForDrain();
    }
  }

  /**
   * Envelopes for this account just committed (or, with an empty list, some
   * did). Held for sending when the stream knows the queue's tail; either way
   * a pump follows.
   */
  committed(envelopes: readonly Envelope[]): void {
    if (this.closed) return;
    if (envelopes.length === 0) this.tailInMemory = false;
    for (const envelope of envelopes) {
      if (!this.tailInMemory) break;
      if (envelope.id <= this.cursor) continue; // the last read of the queue already had it
      const bytes = envelope.content.byteLength;
      const roomHere = this.held.length - this.heldStart < MAX_HELD && this.heldBytes + bytes <= MAX_HELD_BYTES;
      if (!roomHere || !this.allHeld.tryAdd(bytes)) {
        this.tailInMemory = false; // the rest waits in the queue, read from `cursor` on
        break;
      }
      // A copy: the content is a view into its whole Send request, which could
      // be far larger than the content it carries.
      this.hold({ ...envelope, content: Buffer.from(envelope.content) });
    }
    this.wake();
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

  /** Ends the stream from this side: the transport is told why. */
  close(why: StreamEnd): void {
    if (this.closed) return;
    this.transportEnded();
    this.end(why);
  }

  /** The transport is gone (or going): stop, and give back what the stream held. */
  transportEnded(): void {
    this.closed = true;
    this.allHeld.remove(this.heldBytes);
    this.held = [];
    this.heldStart = 0;
    this.heldBytes = 0;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Reads the next page of the queue into `held`; false when the queue has nothing after `cursor`. */
  private readQueue(notBefore: number): boolean {
    if (this.tailInMemory) return false;
    const room = Math.min(PAGE, this.maxInFlight - this.inFlight.size);
    const page = envelopesAfter(this.db, this.account.id, this.cursor, notBefore, room);
    for (const stored of page) {
      this.allHeld.add(stored.content.byteLength);
      this.hold({ ...stored, destination: this.account.number });
    }
    if (page.length < room) this.tailInMemory = true;
    return page.length > 0;
  }

  private hold(envelope: Envelope): void {
    this.held.push(envelope);
    this.heldBytes += envelope.content.byteLength;
    this.cursor = envelope.id;
  }

  private takeHeld(): Envelope {
    const envelope = this.held[this.heldStart++]!;
    this.heldBytes -= envelope.content.byteLength;
    this.allHeld.remove(envelope.content.byteLength);
    if (this.heldStart === this.held.length) {
      this.held = [];
      this.heldStart = 0;
    }
    return envelope;
  }

  /**
   * Sends queue_empty once everything queued at subscribe time has gone out.
   * Returns false when the transport asked us to wait.
   */
  private announceCaughtUp(endOfQueue: boolean): boolean {
    if (this.queueEmptySent) return true;
    if (!endOfQueue && this.lastSent < this.queuedAtStart) return true;
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
