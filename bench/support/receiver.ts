/**
 * The receiving side of the wire load: one Subscribe stream, each envelope
 * handed to a callback and then acked. Acks are batched: whatever arrived in
 * one turn of the event loop goes out in one Ack call, so the server's window
 * of 256 unacked envelopes keeps moving.
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
  const acksInFlight = new Set<Promise<unknown>>();
  const flush = (): void => {
    flushScheduled = false;
    while (pending.length > 0) {
      const batch = pending.splice(0, MAX_ACK);
      const call = ack(wire, account, batch).catch(fail);
      acksInFlight.add(call);
      void call.finally(() => acksInFlight.delete(call));
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
      flush();
      await Promise.all(acksInFlight);
      closing = true;
      stream.cancel();
    },
  };
}
