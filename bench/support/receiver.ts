/**
 * The receiving side of the wire load: one Subscribe stream, each envelope
 * handed to a callback and then acked. Acks are batched as a real client
 * batches them: one Ack call in flight at a time, carrying whatever arrived
 * since the last one went out. When traffic is light every envelope is acked
 * at once; under load the acks of many turns share a call (a unary call costs
 * both processes far more than a guid), and the server's window of 256 unacked
 * envelopes keeps moving because it opens when an Ack arrives.
 */
import type * as grpc from '@grpc/grpc-js';
import type { Envelope__Output } from '../../proto/generated/e2ee/v1/Envelope.js';
import type { MailboxEvent__Output } from '../../proto/generated/e2ee/v1/MailboxEvent.js';
import { ack, subscribe, type Account, type Wire } from './wire.js';

/** API.md: at most 1,000 guids per Ack. */
const MAX_ACK = 1_000;

export interface Receiver {
  /** Resolves at the stream's queue_empty event. */
  queueEmpty: Promise<void>;
  /** Rejects if the stream or an ack fails; never resolves. */
  failed: Promise<never>;
  /** Waits for the acks sent so far, then ends the stream. */
  close(): Promise<void>;
}

export function openReceiver(wire: Wire, account: Account, onEnvelope: (envelope: Envelope__Output) => void): Receiver {
  let fail: (error: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => {}); // observed by whoever races it; never an unhandled rejection

  const pending: string[] = [];
  let flushScheduled = false;
  let ackInFlight: Promise<unknown> | undefined;
  const flush = (): void => {
    flushScheduled = false;
    if (ackInFlight || pending.length === 0) return;
    const call = ack(wire, account, pending.splice(0, MAX_ACK)).catch(fail);
    ackInFlight = call;
    void call.finally(() => {
      ackInFlight = undefined;
      flush();
    });
  };
  /** Resolves when every guid received so far has been acked. */
  const allAcked = async (): Promise<void> => {
    flush();
    while (ackInFlight) {
      await ackInFlight;
      flush();
    }
  };

  let closing = false;
  let markEmpty: () => void = () => {};
  const queueEmpty = new Promise<void>((resolve) => (markEmpty = resolve));
  const stream: grpc.ClientReadableStream<MailboxEvent__Output> = subscribe(wire, account);
  stream.on('data', (event: MailboxEvent__Output) => {
    if (event.envelope) {
      onEnvelope(event.envelope);
      pending.push(event.envelope.guid);
      if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(flush);
      }
    } else if (event.queue_empty) {
      markEmpty();
    }
  });
  stream.on('error', (error) => {
    if (!closing) fail(error);
  });
  stream.on('end', () => {
    if (!closing) fail(new Error('the server ended the Subscribe stream'));
  });

  return {
    queueEmpty,
    failed,
    async close() {
      await allAcked();
      closing = true;
      stream.cancel();
    },
  };
}
